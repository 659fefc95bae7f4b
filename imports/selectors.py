"""Reads of the directory a timetable import needs, for one establishment."""

from annuaire.models import Matiere, Person, Regroupement, Role
from annuaire.text import name_key

from .matching import Directory


def directory_for_matching(*, etab, remembered=None):
    """A snapshot of the establishment's teachers, divisions, groups and subjects.

    Four queries whatever the size: the matching itself runs in memory.
    """
    directory = Directory(remembered=dict(remembered or {}))
    teachers = Person.objects.filter(
        deactivated_at__isnull=True,
        pk__in=Role.objects.filter(etablissement=etab, role__in=[
            Role.Kind.ENSEIGNANT, Role.Kind.DOCUMENTALISTE]).values("person_id"),
    ).values_list("pk", "aaf_id", "last_name", "first_name", "birth_date")
    for pk, aaf_id, last, first, birth in teachers:
        # STS-web and AAF share the teacher's identifier (ENTPersonJointure = INDIVIDU @ID).
        if aaf_id:
            directory.teachers_by_sts[aaf_id] = pk
        directory.teachers_by_name[f"{name_key(last)}|{name_key(first)}"].append(pk)
        directory.teacher_birth[pk] = birth
    for pk, nature, code in Regroupement.objects.filter(etablissement=etab).values_list(
            "pk", "nature", "code"):
        table = directory.divisions if nature == Regroupement.Nature.DIVISION else (
            directory.groups)
        table[name_key(code)] = pk
    for pk, code, label in Matiere.objects.values_list("pk", "code", "libelle"):
        directory.subjects_by_code[code] = pk
        directory.subjects_by_label.setdefault(name_key(label), pk)
    return directory

"""Reads of the directory a timetable import needs, for one establishment."""

from annuaire.import_numbers import imports_numbered
from annuaire.models import Matiere, Person, Regroupement, Role
from annuaire.text import name_key
from ent.errors import NotFound

from .matching import Directory, teacher_key


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
        directory.teachers_by_name[teacher_key(last, first)].append(pk)
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


def group_management(*, etab, bilan):
    """« Gestion des classes et groupes »: what the directory lacks for this timetable.

    Groups to create (named by the file, unknown to the directory), groups to rename (linked
    by a rapprochement to a group of another name), classes and groups whose teachers are not
    yet linked to them, groups with no pupil. Three queries.
    """
    from annuaire.models import Enseignement, Inscription

    structures = [m for kind in ("division", "group") for m in bilan["matches"].get(kind, [])]
    targets = {m["target"] for m in structures if m["target"]}
    codes = dict(Regroupement.objects.filter(etablissement=etab, pk__in=targets).values_list(
        "pk", "code"))
    to_rename = sorted(f"{codes[m['target']]} → {m['label']}" for m in structures
                       if m["how"] == "rapprochement" and m["target"] in codes
                       and name_key(codes[m["target"]]) != name_key(m["label"]))
    pairs = {tuple(p) for p in bilan.get("pairs", [])}
    linked = set(Enseignement.objects.filter(
        regroupement_id__in={g for _, g in pairs}).values_list("enseignant_id", "regroupement_id"))
    missing = pairs - linked
    names = dict((pk, f"{last.upper()} {first}") for pk, last, first in Person.objects.filter(
        pk__in={t for t, _ in missing}).values_list("pk", "last_name", "first_name"))
    teachers_to_add = sorted(f"{codes.get(g, '?')} : {names.get(t, '?')}" for t, g in missing)
    filled = set(Inscription.objects.filter(regroupement_id__in=targets).values_list(
        "regroupement_id", flat=True).distinct())
    pupils_to_add = sorted(codes[g] for g in targets - filled if g in codes)
    return {
        "to_create": bilan.get("lists", {}).get("groups_unmatched", []),
        "to_rename": to_rename,
        "teachers_to_add": teachers_to_add,
        "pupils_to_add": pupils_to_add,
    }


# --- Pages of the timetable import: what the viewer may reach -------------------------------
def timetable_etabs_list(*, viewer, query=""):
    """Establishments whose timetable the viewer imports, by name (``query``: name or UAI)."""
    from django.db.models import Q

    from annuaire.models import Etablissement
    from ent import rights

    etabs = Etablissement.objects.filter(rights.timetable_import_etabs_q(viewer))
    if query:
        etabs = etabs.filter(Q(name__icontains=query) | Q(uai__iexact=query))
    return etabs.only("id", "name", "uai").order_by("name", "pk")


def timetable_etab_get(*, viewer, etab_id):
    """The establishment, or NotFound when its timetable is outside the viewer's reach."""
    etab = timetable_etabs_list(viewer=viewer).filter(pk=etab_id).first()
    if etab is None:
        raise NotFound
    return etab


def rapprochement_get(*, viewer, etab_id, pk):
    """One remembered match of a reachable establishment, or NotFound."""
    from .models import Rapprochement

    etab = timetable_etab_get(viewer=viewer, etab_id=etab_id)
    link = Rapprochement.objects.filter(etablissement=etab, pk=pk).first()
    if link is None:
        raise NotFound
    link.etablissement = etab
    return link


def timetable_imports_list(*, etab):
    from .models import TimetableImport

    return imports_numbered(TimetableImport.objects.filter(etablissement=etab).select_related(
        "uploaded_by", "decided_by").defer("bilan").order_by("-created_at", "-pk"))


def timetable_import_newer_get(*, imp):
    """The establishment's latest import other than ``imp`` (the one that made it stale)."""
    return timetable_imports_list(etab=imp.etablissement).exclude(pk=imp.pk).first()


def timetable_import_get(*, viewer, etab_id, pk, state_only=False):
    """One import of a reachable establishment, or NotFound.

    ``state_only``: its status alone, with what tells a validation whose worker died
    (``timetable_imports_expire_stale``), for the progress box polled every second while
    a worker runs: the bilan of a large timetable weighs megabytes.
    """
    from .models import TimetableImport

    etab = timetable_etab_get(viewer=viewer, etab_id=etab_id)
    if state_only:
        imports = TimetableImport.objects.only(
            "id", "etablissement_id", "status", "created_at", "validation_attempt",
            "validation_claimed_at", "validation_interrupted_at")
    else:
        imports = imports_numbered(
            TimetableImport.objects.select_related("uploaded_by", "decided_by"))
    imp = imports.filter(pk=pk, etablissement=etab).first()
    if imp is None:
        raise NotFound
    imp.etablissement = etab
    return imp


def timetable_import_latest_bilan(*, etab):
    """The latest import waiting for a decision with its bilan ready (None when none)."""
    from .models import TimetableImport

    return imports_numbered(TimetableImport.objects.filter(
        etablissement=etab, status=TimetableImport.Status.BILAN)).order_by("-pk").first()


def timetable_settings_get(*, etab):
    """The establishment's choices for the year, or the defaults (unsaved) while none was
    made: reading them writes nothing."""
    from .models import TimetableSettings

    return (TimetableSettings.objects.filter(etablissement=etab).first()
            or TimetableSettings(etablissement=etab))


def rapprochement_targets(*, etab):
    """The directory entries a timetable name may be linked to, per kind: (id, label) lists."""
    teachers = list(Person.objects.filter(
        deactivated_at__isnull=True,
        pk__in=Role.objects.filter(etablissement=etab, role=Role.Kind.ENSEIGNANT).values(
            "person_id"),
    ).order_by(*Person.NAME_ORDER).values_list("pk", "last_name", "first_name"))
    divisions: list[tuple[int, str]] = []
    groups: list[tuple[int, str]] = []
    for pk, nature, code in Regroupement.objects.filter(etablissement=etab).order_by(
            "code").values_list("pk", "nature", "code"):
        (divisions if nature == Regroupement.Nature.DIVISION else groups).append((pk, code))
    subjects = [(pk, f"{label} ({code})") for pk, code, label in
                Matiere.objects.order_by("libelle").values_list("pk", "code", "libelle")]
    return {
        "teacher": [(pk, f"{last.upper()} {first}") for pk, last, first in teachers],
        "division": divisions,
        # Timetable software often makes a group of what SIECLE calls a division, and back.
        "group": groups + divisions,
        "subject": subjects,
    }


def rapprochements_list(*, etab):
    from .models import Rapprochement

    return Rapprochement.objects.filter(etablissement=etab).select_related(
        "person", "regroupement", "matiere", "updated_by").order_by("kind", "source_label")

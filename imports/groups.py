"""Group membership from the timetable file, when the principal chose it for the year.

A pupil belongs to a group of the file when one of their class parts composes it, when the
group names them, or — for a group made of whole classes — when their class is one of its
classes. Pupils are found in the directory by their SIECLE id (the AAF identifier), else by
INE and birth date; groups by the same matching as the bilan. Memberships of the matched
groups are then replaced as sets; divisions stay the académie feed's.
"""

from annuaire.models import Person, Regroupement, Role
from annuaire.services import group_memberships_replace

from .matching import structure_match
from .parsers import records as r


def _pupils_of_etab(etab):
    by_id, by_ine = {}, {}
    for pk, aaf_id, ine, birth in Person.objects.filter(
            deactivated_at__isnull=True,
            pk__in=Role.objects.filter(etablissement=etab, role=Role.Kind.ELEVE).values(
                "person_id"),
    ).values_list("pk", "aaf_id", "ine", "birth_date"):
        if aaf_id:
            by_id[aaf_id] = pk
        if ine:
            by_ine[(ine.upper(), birth)] = pk
    return by_id, by_ine


def group_memberships_apply(*, etab, records, directory):
    pupils, groups = [], []
    for record in records:
        if isinstance(record, r.Pupil):
            pupils.append(record)
        elif isinstance(record, r.Group):
            groups.append(record)
    by_id, by_ine = _pupils_of_etab(etab)
    found, unmatched = {}, 0
    for pupil in pupils:
        pk = by_id.get(pupil.sconet_id) or by_ine.get((pupil.ine.upper(), pupil.birth_date))
        if pk:
            found[pupil.ident] = pk
        else:
            unmatched += 1
    targets = {}
    for group in groups:
        match = structure_match(directory, "group", group.name)
        if match.target:
            targets[group.ident] = match.target
    real_groups = set(Regroupement.objects.filter(
        pk__in=targets.values(), etablissement=etab,
        nature=Regroupement.Nature.GROUPE).values_list("pk", flat=True))
    desired = set()
    for group in groups:
        target = targets.get(group.ident)
        if target not in real_groups:
            continue
        parts, named, classes = set(group.parts), set(group.pupils), set(group.divisions)
        for pupil in pupils:
            whole_classes = not parts and not named and classes & set(pupil.classes)
            member = parts & set(pupil.parts) or pupil.ident in named or whole_classes
            if member and pupil.ident in found:
                desired.add((found[pupil.ident], target))
    added, removed = group_memberships_replace(regroupement_ids=real_groups, members=desired)
    return {"groups": len(real_groups), "memberships_added": added,
            "memberships_removed": removed, "pupils_unmatched": unmatched}

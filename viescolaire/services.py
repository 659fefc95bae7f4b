"""Writes of courses and séances: the only code that writes ``Cours`` and ``Seance``.

The timetable validation (``imports.apply``) decides what the timetable in force becomes and
calls these, in its transaction. Each writes in bulk, a bounded number of statements
whatever the rows: a lycée's validation writes tens of thousands of séances.

A séance that something points at (a roll call, homework, whatever a later model hangs on
it) is never deleted by a new timetable: ``seances_drop`` cancels it instead, marked
« annulée (nouvel emploi du temps) », and what it carries stays reachable through it.
"""

import datetime
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from .models import Cours, Seance
from .selectors import seances_carrying_ids

# The fields of a course that a timetable sets (besides its establishment, key and import).
COURS_FIELDS = ("matiere_id", "matiere_label", "day", "start", "end", "salle", "unmatched",
                "active")


class SeanceValues(NamedTuple):
    """One séance to write: ``pk`` None for a new one."""

    cours_id: int
    date: datetime.date
    start: datetime.time
    end: datetime.time
    cancelled: bool = False
    remplacant_id: int | None = None
    salle: str = ""
    pk: int | None = None


@dataclass(frozen=True)
class CoursWritten:
    ids: dict[str, int]  # course key -> pk, for every course of the timetable written
    created: int
    updated: int
    removed: int


@dataclass(frozen=True)
class SeancesDropped:
    deleted: int
    cancelled: int


def cours_in_force_lock(*, etablissement_id: int) -> dict[str, Cours]:
    """The establishment's courses by key, locked until the caller's transaction ends."""
    return {c.key: c for c in Cours.objects.select_for_update().filter(
        etablissement_id=etablissement_id)}


def cours_timetable_write(*, etablissement_id: int, timetable_import_id: int | None,
                          courses: Mapping[str, Mapping[str, Any]],
                          existing: Mapping[str, Cours]) -> CoursWritten:
    """The courses of a timetable (``courses``: key -> values of ``COURS_FIELDS``) become
    those in force: new keys created, kept ones updated where they changed and marked as
    coming from ``timetable_import_id``, the others of ``existing`` (from
    ``cours_in_force_lock``) made inactive. Never deleted: their séances stay."""
    to_create, kept, changed = [], [], []
    for key, values in courses.items():
        fields = {name: values[name] for name in COURS_FIELDS}
        current = existing.get(key)
        if current is None:
            to_create.append(Cours(etablissement_id=etablissement_id, key=key,
                                   timetable_import_id=timetable_import_id, **fields))
            continue
        kept.append(current.pk)
        if any(getattr(current, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(current, name, value)
            changed.append(current)
    Cours.objects.bulk_create(to_create, batch_size=1000)
    # Every course kept now comes from this import: one statement. Django's bulk_update
    # builds a CASE per field and row, seconds of Python for a lycée: only for the courses
    # whose fields did change.
    Cours.objects.filter(pk__in=kept).update(timetable_import_id=timetable_import_id)
    if changed:
        Cours.objects.bulk_update(changed, [f.removesuffix("_id") for f in COURS_FIELDS],
                                  batch_size=1000)
    removed = [c.pk for key, c in existing.items() if key not in courses and c.active]
    Cours.objects.filter(pk__in=removed).update(active=False)
    ids = {key: c.pk for key, c in existing.items()}
    ids.update({c.key: c.pk for c in to_create})
    return CoursWritten(ids=ids, created=len(to_create), updated=len(kept),
                        removed=len(removed))


def cours_participants_replace(*, teachers: Mapping[int, Iterable[int]],
                               regroupements: Mapping[int, Iterable[int]]) -> None:
    """The teachers and the classes and groups of each course (course pk -> person or
    regroupement pks), replaced as sets: two statements per relation whatever the rows.
    Courses of neither mapping keep theirs."""
    for through, column, wanted in (
            (Cours.enseignants.through, "person_id", teachers),
            (Cours.regroupements.through, "regroupement_id", regroupements)):
        through.objects.filter(cours_id__in=list(wanted)).delete()
        # mypy types ``through`` as a union of the two tables and each list as one of them.
        through.objects.bulk_create([
            through(cours_id=cours_id, **{column: target})  # type: ignore[misc]
            for cours_id, targets in wanted.items() for target in targets], batch_size=2000)


def seances_create(*, seances: Iterable[SeanceValues]) -> int:
    """New séances, in bulk; how many."""
    rows = [Seance(cours_id=s.cours_id, date=s.date, start=s.start, end=s.end,
                   cancelled=s.cancelled, remplacant_id=s.remplacant_id, salle=s.salle)
            for s in seances]
    Seance.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def seances_update(*, seances: Iterable[SeanceValues]) -> int:
    """Séances (``pk`` set) given their hours, cancellation, replacing teacher and room
    again; one the timetable had dropped and cancelled is back (no longer superseded)."""
    rows = [Seance(pk=s.pk, cours_id=s.cours_id, date=s.date, start=s.start, end=s.end,
                   cancelled=s.cancelled, superseded=False, remplacant_id=s.remplacant_id,
                   salle=s.salle)
            for s in seances]
    Seance.objects.bulk_update(rows, ["cancelled", "superseded", "start", "end",
                                      "remplacant", "salle"], batch_size=2000)
    return len(rows)


def seances_drop(*, seance_ids: Collection[int]) -> SeancesDropped:
    """Séances a new timetable no longer has: deleted, but those something points at
    (``selectors.seances_carrying_ids``), which are cancelled and marked superseded, shown
    « annulée (nouvel emploi du temps) » with what they carry.

    The séances are locked before they are looked at. A model pointing at ``Seance``
    should still use ``on_delete=PROTECT``: a path that would delete a séance without coming
    here (a course or an establishment deleted) then fails loudly instead of losing rows."""
    if not seance_ids:
        return SeancesDropped(deleted=0, cancelled=0)
    # Locked first (PostgreSQL): a roll call or homework being written on one of them now
    # is seen by the check below, and one written later waits for this transaction, then
    # finds its séance cancelled, or gone and fails: none is lost with a deleted séance.
    list(Seance.objects.select_for_update().filter(pk__in=list(seance_ids)).values_list(
        "pk", flat=True))
    carrying = seances_carrying_ids(seance_ids=seance_ids)
    cancelled = Seance.objects.filter(pk__in=list(carrying), superseded=False).update(
        cancelled=True, superseded=True) if carrying else 0
    doomed = [pk for pk in seance_ids if pk not in carrying]
    deleted = 0
    if doomed:
        deleted = Seance.objects.filter(pk__in=doomed).delete()[1].get(Seance._meta.label, 0)
    return SeancesDropped(deleted=deleted, cancelled=cancelled)

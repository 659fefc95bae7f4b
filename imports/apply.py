"""Validation: the upload's courses become the timetable in force, with dated séances.

One transaction, whatever the size, in a bounded number of queries: courses are matched to
those in force by a key that survives a reimport (day, hours, subject, audience), so a course
that did not change keeps its row and its séances; séances already past are never touched.

Which séances are written is decided once, by ``_seance_changes``: the bilan préliminaire
announces its figures (``seances_forecast``) and the validation writes them, so the two
cannot disagree. Only séances of the file's school year are written, from today on; the
first validated import of a school year also fills the weeks already past, from the year's
first day, so they do not show empty. An export of a school year already over writes nothing.
"""

import hashlib
from collections import defaultdict

from django.db import transaction

from ent.french import count_label, french_date
from viescolaire import services as timetable_services
from viescolaire.selectors import cours_ids_by_key, seances_between, seances_carrying_ids

from .course_dates import cancelled_dates, course_date, in_year, seance_dates
from .models import TimetableImport
from .upload_records import (
    IMPORTABLE,
    course_audience,
    course_status,
    names_match,
    records_sort,
    subject_key,
)


def _planned(records, directory):
    """The header and the importable courses with what they match, keyed as ``Cours.key``."""
    upload = records_sort(records)
    header, closures, room_records = upload.header, upload.closures, upload.named["room"]
    matched = names_match(upload.named, directory)
    planned = {}
    for course in upload.courses:
        if course_status(course) != IMPORTABLE:
            continue
        subject = matched["subject"].get(course.subject)
        structures = course_audience(course, matched)
        regular, occasional = _regular_and_occasional(course, "teacher")
        teachers = [matched["teacher"][i.ident] for i in regular
                    if i.ident in matched["teacher"]]
        room_items, room_changes = _regular_and_occasional(course, "room")
        rooms = [room_records[i.ident].name for i in room_items if i.ident in room_records]
        base = "|".join([str(course.day), course.start.isoformat(), course.end.isoformat(),
                         subject_key(course, subject),
                         *sorted(m.source_key for m in structures)])
        key = hashlib.sha256(base.encode()).hexdigest()[:40]
        n = 1
        while key in planned:  # two parallel courses alike: told apart by their order
            n += 1
            key = hashlib.sha256(f"{base}#{n}".encode()).hexdigest()[:40]
        every = seance_dates(course, header=header, closures=closures, within_year=False)
        dates = {d for d in every if in_year(d, header)}
        planned[key] = {
            "course": course,
            "matiere": subject.target if subject else None,
            "matiere_label": (subject.label if subject else "") or "Matière inconnue",
            "salle": ", ".join(rooms),
            "teachers": sorted({m.target for m in teachers if m.target}),
            "structures": sorted({m.target for m in structures if m.target}),
            "unmatched": sorted({m.label for m in (*teachers, *structures) if not m.target}),
            "dates": dates,
            "outside_year": len(every) - len(dates),
            "cancelled": cancelled_dates(course, header=header, closures=closures) - dates,
            "changes": _week_changes(course, regular, occasional, room_items, room_changes,
                                     matched["teacher"], room_records),
        }
    return header, planned


def _regular_and_occasional(course, kind):
    """Items of a kind there most weeks, and those there only some weeks (a replacing
    teacher, another room): the latter mark their séances as changed."""
    items = [i for i in course.items if i.kind == kind]
    half = len(course.weeks) / 2
    regular = [i for i in items if not i.weeks or len(i.weeks) > half]
    occasional = [i for i in items if i.weeks and len(i.weeks) <= half]
    if not regular:
        return occasional, []
    return regular, occasional


def _week_changes(course, teachers, replacing, rooms, other_rooms, teacher_matches, room_names):
    """{date: (replacing teacher id or None, room or "")} for the weeks that differ."""
    changes = {}
    for item in replacing:
        match = teacher_matches.get(item.ident)
        for monday in item.weeks:
            absent = [t for t in teachers if t.weeks and monday not in t.weeks]
            if absent and match is not None and match.target:
                date = course_date(monday, course.day)
                changes[date] = (match.target, changes.get(date, (None, ""))[1])
    for item in other_rooms:
        room = room_names.get(item.ident)
        for monday in item.weeks:
            absent = [i for i in rooms if i.weeks and monday not in i.weeks]
            if absent and room is not None:
                date = course_date(monday, course.day)
                changes[date] = (changes.get(date, (None, ""))[0], room.name)
    return changes


def year_label(header):
    """« 2013-2014 »: the school year a file's header names."""
    start, end = header.year_start, header.year_end
    if start and end:
        return f"{start.year}-{end.year}" if end.year != start.year else str(start.year)
    if start or end:
        year = (start or end).year
        return f"{year}-{year + 1}" if start else f"{year - 1}-{year}"
    return ""


def _year_key(header):
    return [header.year_start.isoformat() if header.year_start else None,
            header.year_end.isoformat() if header.year_end else None]


def year_first_import(*, etab, header, exclude=None):
    """Whether no import of this school year has been validated for ``etab`` yet."""
    if header is None or not header.year_start:
        return False
    validated = TimetableImport.objects.filter(
        etablissement=etab, status=TimetableImport.Status.VALIDE)
    if exclude is not None:
        validated = validated.exclude(pk=exclude.pk)
    key = _year_key(header)
    return not any(year == key for year in validated.values_list("bilan__year", flat=True))


def seance_window(*, header, today, first_of_year):
    """The dates validation writes séances on: ``(start, end)``, end None for no bound, or
    None when the file's school year is over. Séances are written from today on; the first
    validated import of a year also fills the weeks already past, from the year's first day."""
    if header.year_end and header.year_end < today:
        return None
    start = today
    if first_of_year and header.year_start and header.year_start < today:
        start = header.year_start
    return start, header.year_end


def _seance_changes(*, etab, planned, ids, today, window):
    """What validation does to the séances: rows to add ``(key, date, cancelled, remplacant,
    salle)``, rows to change ``(pk, key, date, ...)``, pks to delete, pks to cancel rather
    than delete (something points at them: ``seances_carrying_ids``), and how many stay.

    Within ``window`` only: a séance before today is added when missing (the first import of
    the year) but never changed nor removed; séances of other school years are not looked at.
    ``ids``: course key -> pk of the courses in force (a planned course without one is new).
    A séance already cancelled by an earlier timetable (superseded) comes back when this one
    has it again, and stays as it is when this one does not.
    """
    add, flip, drop, cancel, kept = [], [], [], [], 0
    if window is None:
        return add, flip, drop, cancel, kept
    start, end = window
    in_force = defaultdict(dict)
    for pk, cours_id, date, cancelled, superseded, begins, ends, remplacant, salle in (
            seances_between(etablissement_id=etab.pk, start=start, end=end)):
        in_force[cours_id][date] = (pk, cancelled, superseded, begins, ends, remplacant, salle)
    for key, plan in planned.items():
        c = plan["course"]
        wanted = {d: False for d in plan["dates"] if d >= start}
        wanted.update({d: True for d in plan["cancelled"] if d >= start})
        have = in_force.pop(ids.get(key), {})
        for date, cancelled in wanted.items():
            seance = have.pop(date, None)
            remplacant, salle = plan["changes"].get(date, (None, ""))
            if seance is None:
                add.append((key, date, cancelled, remplacant, salle))
            elif date >= today and seance[1:] != (cancelled, False, c.start, c.end, remplacant,
                                                  salle):
                flip.append((seance[0], key, date, cancelled, remplacant, salle))
            else:
                kept += 1
        drop.extend(s[:3] for date, s in have.items() if date >= today)
    for leftovers in in_force.values():  # courses no longer in the timetable
        drop.extend(s[:3] for date, s in leftovers.items() if date >= today)
    # What hangs on a séance is never deleted with it: one query, one EXISTS per model.
    carrying = seances_carrying_ids(seance_ids=[pk for pk, _, _ in drop])
    cancel = [pk for pk, _, superseded in drop if pk in carrying and not superseded]
    drop = [pk for pk, _, _ in drop if pk not in carrying]
    return add, flip, drop, cancel, kept


def seances_forecast(*, etab, records, directory, today):
    """The bilan's séance figures: what the file holds, what validating today would create,
    change and remove, and what it leaves aside (past, outside the school year), with the
    French sentences that say why. Reads, writes nothing."""
    header, planned = _planned(records, directory)
    ids = cours_ids_by_key(etablissement_id=etab.pk)
    first = year_first_import(etab=etab, header=header)
    window = seance_window(header=header, today=today, first_of_year=first)
    add, flip, drop, cancel, kept = _seance_changes(etab=etab, planned=planned, ids=ids,
                                                    today=today, window=window)
    in_year_dates = sum(len(p["dates"]) for p in planned.values())
    start = window[0] if window else None
    past = sum(1 for p in planned.values() for d in p["dates"] if start is None or d < start)
    outside = sum(p["outside_year"] for p in planned.values())
    label, notes = year_label(header), []
    if window is None:
        notes.append(f"L'export concerne l'année {label}, terminée : aucune séance ne sera "
                     "créée, et l'emploi du temps en vigueur ne changera pas.")
    elif start < today:
        notes.append(f"Premier import validé de l'année {label} : les séances sont créées "
                     f"depuis le premier jour de l'année scolaire, le {french_date(start)}, "
                     "semaines déjà passées comprises.")
    elif past:
        notes.append(f"Les séances passées (avant le {french_date(today)}) ne changent pas : "
                     "seules celles d'aujourd'hui et des jours à venir suivent ce fichier.")
    if outside:
        bounds = []
        if header.year_start:
            bounds.append(f"du {french_date(header.year_start)}")
        if header.year_end:
            bounds.append(f"au {french_date(header.year_end)}")
        notes.append(f"Des séances du fichier tombent hors de l'année scolaire {label} "
                     f"({' '.join(bounds)}) : elles ne seront pas créées.")
    if cancel:
        n = len(cancel)
        one = n < 2
        notes.append(
            f"{count_label(n, 'séance')} que ce fichier retire "
            + ("porte déjà des données (appel, cahier de textes…) : elle ne sera pas "
               "supprimée, mais annulée et affichée « annulée (nouvel emploi du temps) » avec "
               "ce qu'elle porte." if one else
               "portent déjà des données (appel, cahier de textes…) : elles ne seront pas "
               "supprimées, mais annulées et affichées « annulée (nouvel emploi du temps) » "
               "avec ce qu'elles portent."))
    counts = {
        "seances_in_year": in_year_dates,
        "seances_outside_year": outside,
        "seances_past": past,
        "seances_to_create": len(add),
        "seances_to_change": len(flip),
        "seances_to_remove": len(drop),
        "seances_to_cancel": len(cancel),
        "seances_kept": kept,
    }
    return {"counts": counts, "notes": notes, "today": today.isoformat(),
            "first_of_year": first, "year_label": label}


@transaction.atomic
def timetable_apply(*, etab, imp, records, directory, today):
    """Returns what changed: courses created, updated, removed; séances added, changed,
    removed, and cancelled rather than removed (something hangs on them). The tables are
    written by ``viescolaire.services``."""
    header, planned = _planned(records, directory)
    first = year_first_import(etab=etab, header=header, exclude=imp)
    window = seance_window(header=header, today=today, first_of_year=first)
    if window is None:
        # The school year of the file is over: the timetable in force stays as it is.
        return {"courses_created": 0, "courses_updated": 0, "courses_removed": 0,
                "seances_added": 0, "seances_removed": 0, "seances_changed": 0,
                "seances_cancelled": 0}
    existing = timetable_services.cours_in_force_lock(etablissement_id=etab.pk)
    # The séances are compared with the courses in force before any is written: the bilan's
    # forecast made the same comparison.
    old_ids = {key: c.pk for key, c in existing.items()}
    add, flip, drop, cancel, _kept = _seance_changes(etab=etab, planned=planned, ids=old_ids,
                                                     today=today, window=window)
    written = timetable_services.cours_timetable_write(
        etablissement_id=etab.pk, timetable_import_id=imp.pk, existing=existing,
        courses={key: {"matiere_id": plan["matiere"], "matiere_label": plan["matiere_label"],
                       "day": plan["course"].day, "start": plan["course"].start,
                       "end": plan["course"].end, "salle": plan["salle"],
                       "unmatched": plan["unmatched"], "active": True}
                 for key, plan in planned.items()})
    ids = written.ids
    timetable_services.cours_participants_replace(
        teachers={ids[key]: plan["teachers"] for key, plan in planned.items()},
        regroupements={ids[key]: plan["structures"] for key, plan in planned.items()})

    courses = {key: plan["course"] for key, plan in planned.items()}
    dropped = timetable_services.seances_drop(seance_ids=[*drop, *cancel])
    added = timetable_services.seances_create(seances=[
        timetable_services.SeanceValues(
            cours_id=ids[key], date=date, start=courses[key].start, end=courses[key].end,
            cancelled=cancelled, remplacant_id=remplacant, salle=salle)
        for key, date, cancelled, remplacant, salle in add])
    changed = timetable_services.seances_update(seances=[
        timetable_services.SeanceValues(
            pk=pk, cours_id=ids[key], date=date, start=courses[key].start,
            end=courses[key].end, cancelled=cancelled, remplacant_id=remplacant, salle=salle)
        for pk, key, date, cancelled, remplacant, salle in flip])
    return {"courses_created": written.created, "courses_updated": written.updated,
            "courses_removed": written.removed, "seances_added": added,
            "seances_removed": dropped.deleted, "seances_changed": changed,
            "seances_cancelled": dropped.cancelled}

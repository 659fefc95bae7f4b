"""Validation: the upload's courses become the timetable in force, with dated séances.

One transaction, whatever the size, in a bounded number of queries: courses are matched to
those in force by a key that survives a reimport (day, hours, subject, audience), so a course
that did not change keeps its row and its séances; séances already past are never touched.
"""

import hashlib
from collections import defaultdict

from django.db import transaction

from viescolaire.models import Cours, Seance

from .course_dates import cancelled_dates, course_date, seance_dates
from .upload_records import (
    IMPORTABLE,
    course_audience,
    course_status,
    names_match,
    records_sort,
    subject_key,
)

Through = {"enseignants": Cours.enseignants.through, "regroupements": Cours.regroupements.through}


def _planned(records, directory):
    """The importable courses with what they match, keyed as ``Cours.key``."""
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
        dates = set(seance_dates(course, header=header, closures=closures))
        planned[key] = {
            "course": course,
            "matiere": subject.target if subject else None,
            "matiere_label": (subject.label if subject else "") or "Matière inconnue",
            "salle": ", ".join(rooms),
            "teachers": sorted({m.target for m in teachers if m.target}),
            "structures": sorted({m.target for m in structures if m.target}),
            "unmatched": sorted({m.label for m in (*teachers, *structures) if not m.target}),
            "dates": dates,
            "cancelled": cancelled_dates(course, closures=closures) - dates,
            "changes": _week_changes(course, regular, occasional, room_items, room_changes,
                                     matched["teacher"], room_records),
        }
    return planned


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


@transaction.atomic
def timetable_apply(*, etab, imp, records, directory, today):
    """Returns what changed: courses created, updated, removed; séances added, removed."""
    planned = _planned(records, directory)
    existing = {c.key: c for c in Cours.objects.select_for_update().filter(etablissement=etab)}
    to_create, to_update, changed = [], [], []
    for key, plan in planned.items():
        c = plan["course"]
        fields = dict(matiere_id=plan["matiere"], matiere_label=plan["matiere_label"],
                      day=c.day, start=c.start, end=c.end, salle=plan["salle"],
                      unmatched=plan["unmatched"], active=True)
        current = existing.get(key)
        if current is None:
            to_create.append(Cours(etablissement=etab, key=key, timetable_import=imp, **fields))
            continue
        to_update.append(current)
        if any(getattr(current, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(current, name, value)
            changed.append(current)
    Cours.objects.bulk_create(to_create, batch_size=1000)
    # Every course kept now comes from this import: one statement. Django's bulk_update
    # builds a CASE per field and row, seconds of Python for a lycée: only for the courses
    # whose fields did change.
    Cours.objects.filter(pk__in=[c.pk for c in to_update]).update(timetable_import=imp)
    if changed:
        Cours.objects.bulk_update(changed, ["matiere", "matiere_label", "day", "start", "end",
                                            "salle", "unmatched", "active"], batch_size=1000)
    removed = [c for key, c in existing.items() if key not in planned and c.active]
    Cours.objects.filter(pk__in=[c.pk for c in removed]).update(active=False)
    ids = {key: c.pk for key, c in existing.items()}
    ids.update({c.key: c.pk for c in to_create})
    live = [ids[key] for key in planned]

    # Participants, replaced as sets in two statements each.
    for name, column, source in (("enseignants", "person_id", "teachers"),
                                 ("regroupements", "regroupement_id", "structures")):
        through = Through[name]
        through.objects.filter(cours_id__in=live).delete()
        through.objects.bulk_create([
            through(cours_id=ids[key], **{column: target})
            for key, plan in planned.items() for target in plan[source]], batch_size=2000)

    # Séances from today on; the past is history and stays as it was.
    future = defaultdict(dict)
    # Tuples, not model instances: a lycée has some 50,000 séances to come.
    for pk, cours_id, date, cancelled, start, end, remplacant, salle in Seance.objects.filter(
            cours__etablissement=etab, date__gte=today).values_list(
            "pk", "cours_id", "date", "cancelled", "start", "end", "remplacant_id", "salle"):
        future[cours_id][date] = (pk, cancelled, start, end, remplacant, salle)
    add, drop, flip = [], [], []
    for key, plan in planned.items():
        pk, c = ids[key], plan["course"]
        wanted = {d: False for d in plan["dates"] if d >= today}
        wanted.update({d: True for d in plan["cancelled"] if d >= today})
        have = future.pop(pk, {})
        for date, cancelled in wanted.items():
            seance = have.pop(date, None)
            remplacant, salle = plan["changes"].get(date, (None, ""))
            if seance is None:
                add.append(Seance(cours_id=pk, date=date, start=c.start, end=c.end,
                                  cancelled=cancelled, remplacant_id=remplacant, salle=salle))
            elif seance[1:] != (cancelled, c.start, c.end, remplacant, salle):
                flip.append(Seance(pk=seance[0], cours_id=pk, date=date, cancelled=cancelled,
                                   start=c.start, end=c.end, remplacant_id=remplacant,
                                   salle=salle))
        drop.extend(s[0] for s in have.values())
    for leftovers in future.values():  # courses no longer in the timetable
        drop.extend(s[0] for s in leftovers.values())
    Seance.objects.filter(pk__in=drop).delete()
    Seance.objects.bulk_create(add, batch_size=5000)
    Seance.objects.bulk_update(flip, ["cancelled", "start", "end", "remplacant", "salle"],
                               batch_size=2000)
    return {"courses_created": len(to_create), "courses_updated": len(to_update),
            "courses_removed": len(removed), "seances_added": len(add),
            "seances_removed": len(drop), "seances_changed": len(flip)}

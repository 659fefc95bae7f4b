"""The bilan préliminaire of one upload: what the files hold, matched against the directory.

Built from the parsers' records in one pass and a directory snapshot; it writes nothing. The
comparison with the timetable in force (added, modified, removed) comes with the stored
timetable; what is here is what an admin reads first: counts, what matches, what cannot be
placed, and the names to act on.
"""

import datetime

from .course_dates import seance_dates
from .parsers import records as r
from .upload_records import (
    NOT_IMPORTABLE,
    SUBJECT_ONLY,
    course_audience,
    course_status,
    names_match,
    records_sort,
    subject_key,
)


def _service_add(services, course, matches, subject, audience, incomplete, school_weeks):
    """A service: one subject taught to one audience, with its teachers and weekly hours."""
    audience = sorted((m.source_key, m.label) for m in audience)
    key = "|".join([subject_key(course, subject), *(k for k, _ in audience)])
    minutes = (datetime.datetime.combine(datetime.date.min, course.end)
               - datetime.datetime.combine(datetime.date.min, course.start)).seconds / 60
    service = services.setdefault(key, {
        "label": " — ".join([(subject.label if subject else "") or "?",
                             ", ".join(label for _, label in audience) or "sans classe"]),
        "teachers": [], "hours": 0.0, "incomplete": False})
    teachers = {matches["teacher"][i.ident].label for i in course.items
                if i.kind == "teacher" and i.ident in matches["teacher"]}
    service["teachers"] = sorted(set(service["teachers"]) | teachers)
    service["hours"] = round(service["hours"] + minutes / 60 * len(course.weeks) / school_weeks,
                             2)
    service["incomplete"] = service["incomplete"] or incomplete


def bilan_build(*, records, directory):
    upload = records_sort(records)
    header, closures, courses = upload.header, upload.closures, upload.courses
    if header is None:
        raise r.TimetableFileError("aucun en-tête d'emploi du temps lu dans ces fichiers")

    matches = names_match(upload.named, directory)
    not_importable, subject_only, incomplete = [], [], []
    seances = 0
    taught = {"teacher": set(), "division": set(), "group": set()}
    school_weeks = max((len(c.weeks) for c in courses), default=0) or 1
    services_found, pairs = {}, set()
    weekly = {"replacements": 0, "cancelled": 0, "exceptional": 0}
    for course in courses:
        status = course_status(course)
        if status == NOT_IMPORTABLE:
            not_importable.append({"line": course.line, "problems": list(course.problems)})
            continue
        if status == SUBJECT_ONLY:
            subject_only.append(course.line)
            continue
        kinds = {item.kind for item in course.items}
        missing = []
        if "teacher" not in kinds:
            missing.append("aucun enseignant")
        if not kinds & {"division", "group"}:
            missing.append("aucune classe ni aucun groupe")
        for item in course.items:
            if item.kind in taught:
                taught[item.kind].add(item.ident)
            match = matches.get(item.kind, {}).get(item.ident)
            if match is not None and match.target is None and match.how != "ignoré":
                missing.append(f"{match.label} non rapproché")
        subject = matches["subject"].get(course.subject)
        if subject is None or (subject.target is None and subject.how != "ignoré"):
            missing.append("matière non rapprochée")
        if missing:
            incomplete.append({"line": course.line, "missing": missing})
        # Every séance the file describes, in its school year or not: the forecast
        # (``apply.seances_forecast``) tells which validation would write.
        seances += len(seance_dates(course, header=header, closures=closures,
                                    within_year=False))
        audience = course_audience(course, matches)
        _service_add(services_found, course, matches, subject, audience, bool(missing),
                     school_weeks)
        teachers = [matches["teacher"].get(i.ident) for i in course.items if i.kind == "teacher"]
        pairs.update((t.target, g.target) for t in teachers for g in audience
                     if t and t.target and g.target)
        weekly["cancelled"] += len(course.cancelled)
        weekly["replacements"] += sum(len(course.weeks - i.weeks) for i in course.items
                                      if i.kind == "teacher" and i.weeks)
        weekly["exceptional"] += len(course.weeks) == 1

    def split(kind):
        matched = sorted(m.label for m in matches[kind].values() if m.target is not None)
        unmatched = sorted(m.label for m in matches[kind].values()
                           if m.target is None and m.how != "ignoré")
        return matched, unmatched

    services_not_importable = [{"line": s.line, "problems": list(s.problems)}
                               for s in upload.services if s.problems]
    counts = {
        "courses": len(courses),
        "courses_not_importable": len(not_importable),
        "courses_subject_only": len(subject_only),
        "courses_incomplete": len(incomplete),
        "seances": seances,
        "subjects": len(upload.named["subject"]),
        "rooms": len(upload.named["room"]),
        "services": len(upload.services),
        "services_not_importable": len(services_not_importable),
        "alternances": len(upload.alternances),
        "closures": len(closures),
    }
    lists = {}
    for kind, plural in (("teacher", "teachers"), ("division", "divisions"),
                         ("group", "groups"), ("subject", "subjects")):
        matched, unmatched = split(kind)
        counts[f"{plural}_matched"] = len(matched)
        counts[f"{plural}_unmatched"] = len(unmatched)
        lists[f"{plural}_unmatched"] = unmatched
        if kind != "subject":
            names = {i: m.label for i, m in matches[kind].items()}
            with_courses = sorted(names[i] for i in taught[kind] if i in names)
            lists[f"{plural}_with_courses"] = with_courses
            lists[f"{plural}_without_courses"] = sorted(
                names[i] for i in names if i not in taught[kind])
    counts["services_file"] = len(services_found)
    return {
        "source": header.source, "uai": header.uai,
        "services": services_found, "pairs": sorted(pairs), "weekly": weekly,
        "subjects_map": {m.source_key: m.label for m in matches["subject"].values()},
        "year": [header.year_start.isoformat() if header.year_start else None,
                 header.year_end.isoformat() if header.year_end else None],
        "counts": counts, "lists": lists,
        "not_importable": not_importable, "incomplete": incomplete[:500],
        "services_not_importable": services_not_importable,
        "subject_only": subject_only[:500],
        "rooms": sorted(room.name for room in upload.named["room"].values()),
        "closures": [{"start": c.start.isoformat(), "end": c.end.isoformat(), "label": c.label}
                     for c in closures],
        "alternances": [{"code": a.code, "label": a.label, "weeks": len(a.weeks)}
                        for a in upload.alternances],
        "matches": {kind: [{"key": m.source_key, "label": m.label, "target": m.target,
                            "how": m.how} for m in table.values()]
                    for kind, table in matches.items()},
    }

"""An upload's records as the bilan préliminaire and the validation both read them.

The bilan shows what validating will write: both sort the parsers' records, match the file's
names to the directory and tell the importable courses from here, so the preview and what is
applied cannot drift apart.
"""

from dataclasses import dataclass, field

from .matching import structure_match, subject_match, teacher_match
from .parsers import records as r

# The records the file names and courses refer to by ``ident``, by kind.
NAMED = {r.Subject: "subject", r.Teacher: "teacher", r.Division: "division", r.Group: "group",
         r.Room: "room"}
AUDIENCE = ("division", "group")
# What a course is taught by or to; a course with none of them only names a subject.
PARTICIPANTS = frozenset({"teacher", *AUDIENCE})

NOT_IMPORTABLE, SUBJECT_ONLY, IMPORTABLE = "not importable", "subject only", "importable"


@dataclass
class UploadRecords:
    """The parsers' records of one upload, by kind."""

    header: r.Header | None = None
    # kind -> ident -> record, the last record of an ident winning
    named: dict = field(default_factory=lambda: {kind: {} for kind in NAMED.values()})
    closures: list = field(default_factory=list)
    alternances: list = field(default_factory=list)
    services: list = field(default_factory=list)
    courses: list = field(default_factory=list)


def records_sort(records):
    """The records of one pass over the parsers' output, by kind; pupils are left to
    ``imports.groups``."""
    found = UploadRecords()
    for record in records:
        if isinstance(record, r.Header):
            found.header = record
        elif isinstance(record, r.Course):
            found.courses.append(record)
        elif isinstance(record, r.Closure):
            found.closures.append(record)
        elif isinstance(record, r.Alternance):
            found.alternances.append(record)
        elif isinstance(record, r.Service):
            found.services.append(record)
        else:
            kind = NAMED.get(type(record))
            if kind is not None:
                found.named[kind][record.ident] = record
    return found


def names_match(named, directory):
    """kind -> ident -> ``Match`` of every subject, teacher, division and group of the file."""
    return {
        "subject": {i: subject_match(directory, s) for i, s in named["subject"].items()},
        "teacher": {i: teacher_match(directory, t) for i, t in named["teacher"].items()},
        "division": {i: structure_match(directory, "division", d.name)
                     for i, d in named["division"].items()},
        "group": {i: structure_match(directory, "group", g.name)
                  for i, g in named["group"].items()},
    }


def course_status(course):
    """``NOT_IMPORTABLE`` (the parser could not place it), ``SUBJECT_ONLY`` (no teacher, class
    or group) or ``IMPORTABLE``: only the last becomes a course in force."""
    if course.problems:
        return NOT_IMPORTABLE
    if not {item.kind for item in course.items} & PARTICIPANTS:
        return SUBJECT_ONLY
    return IMPORTABLE


def course_audience(course, matches):
    """The matches of the divisions and groups a course is given to, in the file's order."""
    return [matches[i.kind][i.ident] for i in course.items
            if i.kind in AUDIENCE and i.ident in matches[i.kind]]


def subject_key(course, subject):
    """What identifies a course's subject from one upload to the next: its match's key, the
    file's own ident when the file does not name it."""
    return subject.source_key if subject else course.subject

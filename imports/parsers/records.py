"""The records every timetable parser yields, whatever the source.

Weeks are resolved to the Monday of each school week (``datetime.date``), never kept as a
source's bitmask: EDT counts weeks from ``DatePremierJourSemaine1``, UDT from an ISO week,
STS from its own calendar, and the séances to come are dated.
"""

import datetime
from dataclasses import dataclass, field

from ent.errors import ApplicationError


class TimetableFileError(ApplicationError):
    """A file that cannot be read at all: French message naming the file and the line."""

    def __init__(self, message, *, file="", line=None):
        self.file, self.line = file, line
        where = file + (f", ligne {line}" if line else "") if file else ""
        super().__init__(f"{where} : {message}" if where else message)


@dataclass(frozen=True)
class Header:
    """What a file says of itself: its source, establishment and school year."""

    source: str  # "edt", "udt" or "sts"
    uai: str
    year_start: datetime.date | None
    year_end: datetime.date | None
    # Monday of school week 1: week numbers of the source count from it.
    first_monday: datetime.date | None
    software: str = ""
    file: str = ""


@dataclass(frozen=True)
class Subject:
    ident: str
    code: str
    label: str
    # The national (BCN/STS) code when the file gives it, e.g. "030201".
    national_code: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Teacher:
    ident: str
    last_name: str
    first_name: str
    birth_date: datetime.date | None = None
    sts_id: str = ""
    pronote_id: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Division:
    ident: str
    name: str
    line: int | None = None


@dataclass(frozen=True)
class Group:
    ident: str
    name: str
    # Divisions (their ``ident``) the group draws its pupils from.
    divisions: tuple = ()
    line: int | None = None
    # Class parts (« parties de classe ») and pupils the file composes the group of.
    parts: tuple = ()
    pupils: tuple = ()


@dataclass(frozen=True)
class Pupil:
    """A pupil as the timetable file knows them: what places them in its groups."""

    ident: str
    last_name: str
    first_name: str
    birth_date: datetime.date | None = None
    ine: str = ""
    sconet_id: str = ""
    classes: tuple = ()
    parts: tuple = ()
    line: int | None = None


@dataclass(frozen=True)
class Room:
    ident: str
    name: str
    line: int | None = None


@dataclass(frozen=True)
class Closure:
    """A period with no course: holidays, bridges (« période de fermeture »)."""

    start: datetime.date
    end: datetime.date
    label: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Alternance:
    """A named set of weeks: « Semaine A », « Semaine B », « Semaines impaires »…"""

    code: str
    label: str
    weeks: frozenset = frozenset()  # Mondays
    line: int | None = None


@dataclass(frozen=True)
class Service:
    """A teaching service as STS-web declares it: who teaches what to which audience, weekly
    hours, without place in the week."""

    subject: str  # Subject.ident
    division: str = ""  # Division.ident
    group: str = ""  # Group.ident
    teachers: tuple = ()  # Teacher.ident
    hours: float | None = None
    modalite: str = ""
    line: int | None = None
    # Why the service cannot be placed (« hors de toute division et de tout groupe »…).
    problems: tuple = ()


@dataclass(frozen=True)
class CourseItem:
    """One participant of a course with the weeks it is there: a teacher replaced some weeks,
    a room changed some weeks are items with fewer weeks than the course."""

    kind: str  # "teacher", "division", "group", "room"
    ident: str
    weeks: frozenset = frozenset()  # Mondays; empty: every week of the course


@dataclass(frozen=True)
class Course:
    """A weekly course: a day, hours, a subject, participants, the weeks it happens."""

    ident: str
    day: int  # 1 = Monday … 7 = Sunday
    start: datetime.time
    end: datetime.time
    subject: str = ""  # Subject.ident; empty: not importable
    items: tuple = ()  # CourseItem
    weeks: frozenset = frozenset()  # Mondays of the weeks the course happens
    cancelled: frozenset = frozenset()  # Mondays of weeks cancelled by the source
    alternance: str = ""  # Alternance.code when the source names one
    line: int | None = None
    # Why the course cannot be placed (« place hors de la grille », « aucune matière »…).
    problems: tuple = field(default_factory=tuple)

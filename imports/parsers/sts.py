"""The STS-web pair: ``sts_emp`` (root STS_EDT, STS-web → timetable software) and ``emp_sts``
(root EDT_STS, timetable software → STS-web, the placed courses).

Neither file is enough alone: ``emp_sts`` names teachers by their STS ``ID`` and subjects by
their 6-digit code only, ``sts_emp`` carries the names, birth dates and labels. Records come
in this order: Header, Subject, Teacher, Division, Group (sts_emp), then from emp_sts
Alternance, Room, and each Service followed by its Course records (a Division or Group only
emp_sts knows comes just before its first Service), then the Services sts_emp declares that
emp_sts did not send back. The pair has no closure period: no Closure is yielded.

Blocks are found by what they are, not by a fixed path: real exports nest ``<GROUPES>``
beside ``<DIVISIONS>``, inside it, or inside a ``<DIVISION>``. A service no division or group
holds, and a course outside any service, are still yielded, with the line and the reason
they cannot be placed (``problems``): nothing the file holds is dropped in silence.
"""

import datetime

from ent.dates import monday_of

from . import _sts_xml as sx
from .records import (
    Alternance,
    Course,
    CourseItem,
    Division,
    Group,
    Header,
    Room,
    Service,
    Subject,
    Teacher,
    TimetableFileError,
)

STS_EMP_ROOT = "STS_EDT"
EMP_STS_ROOT = "EDT_STS"

# What each file is read for. Tags, not paths: the blocks are found by what they are,
# wherever an export nests them (``_sts_xml.structures``).
AUDIENCE_TAGS = ("DIVISION", "GROUPE")
_STS_EMP_TAGS = {"MATIERE", "INDIVIDU", *AUDIENCE_TAGS, "SERVICE"}
# emp_sts in two passes: its calendar (hours, alternations, rooms) before its structure, so
# a course finds its weeks whichever block comes first.
_EMP_STS_CALENDAR_TAGS = {"HORAIRE", "ALTERNANCE", "SALLE_COURS"}
_EMP_STS_STRUCTURE_TAGS = {*AUDIENCE_TAGS, "SERVICE", "COURS"}


def _iso_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def _minutes(value):
    """``HHMM`` → minutes; minutes above 59 carry into hours, as recia reads them."""
    if len(value) != 4 or not value.isdigit():
        return None
    return int(value[:2]) * 60 + int(value[2:])


def _clock(minutes):
    return datetime.time(minutes // 60, minutes % 60)


def _hours(value):
    try:
        return float(value)
    except ValueError:
        return None


class _File:
    def __init__(self, source, name, max_bytes):
        self.data, self.name = sx.read_source(source, name=name, max_bytes=max_bytes)
        self.root = sx.root_tag(self.data, self.name)
        self.uai = self.year = ""
        self.start = self.end = None
        self.line = 1

    def read_parameters(self):
        path = ("PARAMETRES",)
        for _path, node in sx.elements(self.data, self.name, {path}, stop_after=path):
            self.line = node.sourceline or 1
            uaj = node.find("UAJ")
            annee = node.find("ANNEE_SCOLAIRE")
            if self.root == STS_EMP_ROOT:
                self.uai = sx.attr(uaj, "CODE") if uaj is not None else ""
                self.year = sx.attr(annee, "ANNEE") if annee is not None else ""
                if annee is not None:
                    self.start = _iso_date(sx.text(annee, "DATE_DEBUT"))
                    self.end = _iso_date(sx.text(annee, "DATE_FIN"))
            else:
                self.uai = sx.text(node, "UAJ")
                self.year = sx.text(node, "ANNEE_SCOLAIRE")
        if not self.uai:
            raise TimetableFileError("établissement (UAJ) absent de PARAMETRES",
                                     file=self.name, line=self.line)
        if not self.year:
            raise TimetableFileError("année scolaire absente de PARAMETRES", file=self.name,
                                     line=self.line)


def _default_name(source, rank):
    """A name for bytes given without one, for the messages to say which file is wrong."""
    if isinstance(source, bytes | bytearray | memoryview):
        head = bytes(source[:4096])
        if b"<" + EMP_STS_ROOT.encode() in head:
            return "emp_sts.xml"
        if b"<" + STS_EMP_ROOT.encode() in head:
            return "sts_emp.xml"
        return f"fichier {rank}"
    return ""


def _pair(first, second, names, max_bytes):
    names = tuple(names or ()) + ("", "")
    files = [_File(source, names[i] or _default_name(source, i + 1), max_bytes)
             for i, source in enumerate((first, second)) if source is not None]
    for f in files:
        if f.root not in (STS_EMP_ROOT, EMP_STS_ROOT):
            raise TimetableFileError(
                f"élément racine <{f.root}> inattendu : ce n'est pas un export STS-web "
                f"(attendu <{STS_EMP_ROOT}> pour sts_emp, <{EMP_STS_ROOT}> pour emp_sts)",
                file=f.name, line=1)
    sts_emp = [f for f in files if f.root == STS_EMP_ROOT]
    emp_sts = [f for f in files if f.root == EMP_STS_ROOT]
    if emp_sts and not sts_emp:
        raise TimetableFileError(
            f"le fichier emp_sts {emp_sts[0].name} doit être accompagné de son sts_emp "
            "(export STS-web « Emploi du temps »), qui porte les noms des enseignants et les "
            "libellés des matières", file=emp_sts[0].name)
    if sts_emp and not emp_sts:
        raise TimetableFileError(
            f"le fichier sts_emp {sts_emp[0].name} doit être accompagné de son emp_sts "
            "(le fichier des cours placés envoyé par le logiciel d'emploi du temps)",
            file=sts_emp[0].name)
    if len(files) != 2 or len(sts_emp) != 1:
        raise TimetableFileError(
            "il faut exactement un fichier sts_emp et un fichier emp_sts",
            file=files[0].name if files else "")
    return sts_emp[0], emp_sts[0]


def parse_sts(first, second=None, *, max_bytes=sx.DEFAULT_MAX_BYTES, names=None):
    """The records of an STS-web pair, as an iterator; the two files (paths or bytes) may
    come in either order, told apart by their root. ``names`` labels bytes in messages. A
    pair that does not go together fails here, before anything is read from its body."""
    sts_emp, emp_sts = _pair(first, second, names, max_bytes)
    sts_emp.read_parameters()
    emp_sts.read_parameters()
    if sts_emp.uai != emp_sts.uai:
        raise TimetableFileError(
            f"les deux fichiers ne sont pas du même établissement : {sts_emp.name} est de "
            f"l'UAI {sts_emp.uai}, {emp_sts.name} de l'UAI {emp_sts.uai}", file=emp_sts.name,
            line=emp_sts.line)
    if sts_emp.year != emp_sts.year:
        raise TimetableFileError(
            f"les deux fichiers ne sont pas de la même année scolaire : {sts_emp.name} est de "
            f"{sts_emp.year}, {emp_sts.name} de {emp_sts.year}", file=emp_sts.name,
            line=emp_sts.line)
    return _records(sts_emp, emp_sts)


def _records(sts_emp, emp_sts):
    yield Header(
        source="sts", uai=sts_emp.uai, year_start=sts_emp.start, year_end=sts_emp.end,
        first_monday=monday_of(sts_emp.start) if sts_emp.start else None,
        software="STS-web", file=f"{sts_emp.name} + {emp_sts.name}")
    known = {"subjects": set(), "teachers": set(), "audiences": set()}
    declared_services = {}
    yield from _read_sts_emp(sts_emp, known, declared_services)
    yield from _read_emp_sts(emp_sts, known, declared_services)
    # Services STS-web declares but the timetable did not send back.
    yield from declared_services.values()


def _service(node):
    """The service an element declares, placed on the division or group holding it; one
    held by neither is kept, not importable, with its line and why."""
    audience = sx.ancestor(node, AUDIENCE_TAGS)
    subject = sx.attr(node, "CODE_MATIERE")
    teachers = tuple(dict.fromkeys(
        sx.attr(e, "ID") for e in node.iterfind("ENSEIGNANTS/ENSEIGNANT") if sx.attr(e, "ID")))
    placed, problems = {}, ()
    if audience is None:
        problems = (f"ligne {node.sourceline} : service de la matière « {subject} » placé hors "
                    "de toute division et de tout groupe : sa classe est inconnue",)
    elif not sx.attr(audience, "CODE"):
        holder = "d'une division" if audience.tag == "DIVISION" else "d'un groupe"
        problems = (f"ligne {node.sourceline} : service de la matière « {subject} » {holder} "
                    f"sans code (ligne {audience.sourceline}) : sa classe est inconnue",)
    else:
        placed = {_audience_kind(audience): sx.attr(audience, "CODE")}
    return Service(
        subject=subject, teachers=teachers, hours=_hours(sx.text(node, "HEURES_STRUCTURE")),
        modalite=sx.attr(node, "CODE_MOD_COURS"), line=node.sourceline, problems=problems,
        **placed)


def _audience_kind(node):
    return "division" if node.tag == "DIVISION" else "group"


def _service_key(service):
    return (service.division, service.group, service.subject, service.modalite)


def _read_sts_emp(f, known, declared_services):
    for node in sx.structures(f.data, f.name, _STS_EMP_TAGS):
        tag = node.tag
        if tag == "MATIERE":
            code = sx.attr(node, "CODE")
            known["subjects"].add(code)
            yield Subject(
                ident=code, code=sx.text(node, "CODE_GESTION") or code,
                label=sx.text(node, "LIBELLE_LONG") or sx.text(node, "LIBELLE_COURT") or code,
                national_code=code, line=node.sourceline)
        elif tag == "INDIVIDU":
            ident = sx.attr(node, "ID")
            known["teachers"].add(ident)
            yield Teacher(
                ident=ident, last_name=sx.text(node, "NOM_USAGE")
                or sx.text(node, "NOM_PATRONYMIQUE"), first_name=sx.text(node, "PRENOM"),
                birth_date=_iso_date(sx.text(node, "DATE_NAISSANCE")), sts_id=ident,
                line=node.sourceline)
        elif tag in AUDIENCE_TAGS:
            yield from _new_audience(node, known)
        elif tag == "SERVICE":
            service = _service(node)
            declared_services.setdefault(_service_key(service), service)


def _read_emp_sts(f, known, declared_services):
    hours, alternances = {}, {}
    for node in sx.structures(f.data, f.name, _EMP_STS_CALENDAR_TAGS):
        tag = node.tag
        if tag == "HORAIRE":
            start = _minutes(sx.text(node, "DEBUT_COURS"))
            end = _minutes(sx.text(node, "FIN_COURS"))
            if start is not None and end is not None:
                hours[sx.attr(node, "JOUR")] = (start, end)
        elif tag == "ALTERNANCE":
            alternance = _alternance(node)
            alternances[alternance.code] = alternance
            yield alternance
        else:
            code = sx.attr(node, "CODE")
            place = " ".join(filter(None, (sx.text(node, "GROUPE_SALLE"),
                                           sx.text(node, "LOCALISATION"))))
            yield Room(ident=code, name=f"{code} ({place})" if place else code,
                       line=node.sourceline)
    # The placed courses of each open service, gathered as its COURS end: the SERVICE's
    # element, kept alive as the key, is the one its COURS find among their ancestors.
    placed = {}
    for node in sx.structures(f.data, f.name, _EMP_STS_STRUCTURE_TAGS):
        tag = node.tag
        if tag in AUDIENCE_TAGS:
            yield from _new_audience(node, known)
        elif tag == "COURS":
            service = sx.ancestor(node, ("SERVICE",))
            if service is None:
                yield _stray_course(node)
            else:
                _course_gather(placed.setdefault(service, {}), node)
        else:
            # An audience only emp_sts knows comes before its services, not after them.
            audience = sx.ancestor(node, AUDIENCE_TAGS)
            if audience is not None:
                yield from _new_audience(audience, known)
            service = _service(node)
            declared_services.pop(_service_key(service), None)
            yield service
            yield from _courses(placed.pop(node, {}), service, hours, alternances, known)


def _new_audience(node, known):
    kind = _audience_kind(node)
    code = sx.attr(node, "CODE")
    if (kind, code) in known["audiences"]:
        return
    known["audiences"].add((kind, code))
    # The code, not LIBELLE_LONG, is the name the directory knows (SIECLE's CODE_STRUCTURE):
    # « 3A » where the libellé says « 3EMEA », « 3B_G2 » where it says « G2 ».
    if kind == "division":
        yield Division(ident=code, name=code, line=node.sourceline)
    else:
        yield Group(ident=code, name=code, divisions=_member_divisions(node),
                    line=node.sourceline)


def _member_divisions(node):
    """The divisions a group draws from: its DIVISIONS_APPARTENANCE, or else the division
    whose element holds it."""
    codes = tuple(sx.attr(e, "CODE")
                  for e in node.iterfind("DIVISIONS_APPARTENANCE/DIVISION_APPARTENANCE"))
    if not codes:
        holder = sx.ancestor(node, ("DIVISION",))
        codes = (sx.attr(holder, "CODE"),) if holder is not None else ()
    return codes


_COURS_FIELDS = ("CODE_ALTERNANCE", "JOUR", "HEURE_DEBUT", "DUREE", "CODE_SALLE")


def _course_gather(merged, cours):
    """One COURS of a service into its courses: one placed under several teachers
    (co-teaching) is one course with all of them."""
    key = tuple(sx.text(cours, t) for t in _COURS_FIELDS)
    entry = merged.setdefault(key, {"line": cours.sourceline, "teachers": []})
    teacher = sx.ancestor(cours, ("ENSEIGNANT",))
    teacher_id = sx.attr(teacher, "ID") if teacher is not None else ""
    if teacher_id and teacher_id not in entry["teachers"]:
        entry["teachers"].append(teacher_id)


def _stray_course(cours):
    """A COURS outside any SERVICE: no subject, no class, counted as not importable."""
    line = cours.sourceline
    fields = " ".join(filter(None, (sx.text(cours, t) for t in _COURS_FIELDS)))
    return Course(
        ident=f"ligne {line}", day=0, start=datetime.time(0), end=datetime.time(0),
        line=line, problems=(
            f"ligne {line} : cours ({fields or 'vide'}) placé hors de tout service "
            "(SERVICE d'une division ou d'un groupe) : sa matière et sa classe sont inconnues",))


def _alternance(node):
    weeks = set()
    for week in node.iterfind("SEMAINES/DATE_DEBUT_SEMAINE"):
        day = _iso_date((week.text or "").strip())
        if day is not None:
            # The real samples give a Thursday (2099-09-03) as « début de semaine »: the
            # week is the one holding that date.
            weeks.add(monday_of(day))
    return Alternance(code=sx.attr(node, "CODE"),
                      label=sx.text(node, "LIBELLE_LONG") or sx.text(node, "LIBELLE_COURT"),
                      weeks=frozenset(weeks), line=node.sourceline)


def _courses(merged, service, hours, alternances, known):
    """The service's placed courses, gathered by ``_course_gather``."""
    if service.division:
        audience = ("division", service.division)
    elif service.group:
        audience = ("group", service.group)
    else:
        audience = None
    for (alternance, day, start, duration, room), entry in merged.items():
        yield _course(service, audience, alternance, day, start, duration, room, entry,
                      hours, alternances, known)


def _course(service, audience, alternance_code, day_text, start_text, duration_text, room,
            entry, hours, alternances, known):
    line = entry["line"]
    problems = []

    def problem(message):
        problems.append(f"ligne {line} : {message}")

    day = int(day_text) if day_text.isdigit() else 0
    if not 1 <= day <= 7:
        problem(f"jour « {day_text} » invalide (attendu 1 = lundi … 7 = dimanche)")
        day = 0
    start = _minutes(start_text)
    duration = _minutes(duration_text)
    if start is None:
        problem(f"heure de début « {start_text} » invalide (attendu HHMM)")
    if duration is None or duration == 0:
        problem(f"durée « {duration_text} » invalide (attendu HHMM, non nulle)")
    end = start + duration if start is not None and duration else None
    if end is not None and end >= 24 * 60:
        problem(f"le cours finit après minuit ({start_text} + {duration_text})")
        end = None
    if end is not None and day and str(day) in hours:
        opens, closes = hours[str(day)]
        if start < opens or end > closes:
            problem(f"cours de {_clock(start):%H:%M} à {_clock(end):%H:%M} hors des horaires "
                    f"du jour ({_clock(opens):%H:%M}–{_clock(closes):%H:%M})")
    weeks = frozenset()
    if not alternance_code:
        problem("aucune alternance (CODE_ALTERNANCE) : semaines du cours inconnues")
    elif alternance_code not in alternances:
        problem(f"alternance « {alternance_code} » absente de ALTERNANCES")
    else:
        weeks = alternances[alternance_code].weeks
        if not weeks:
            problem(f"l'alternance « {alternance_code} » ne compte aucune semaine")
    if service.subject not in known["subjects"]:
        problem(f"matière « {service.subject} » absente du sts_emp")
    if not entry["teachers"]:
        problem("aucun enseignant")
    for teacher in entry["teachers"]:
        if teacher not in known["teachers"]:
            problem(f"enseignant d'identifiant STS « {teacher} » absent du sts_emp")
    if audience is None:
        problem(f"cours d'un service sans division ni groupe (ligne {service.line}) : "
                "sa classe est inconnue")
    items = [CourseItem(kind="teacher", ident=t) for t in entry["teachers"]]
    if audience is not None:
        items.append(CourseItem(kind=audience[0], ident=audience[1]))
    if room:
        items.append(CourseItem(kind="room", ident=room))
    ident = "/".join((audience[1] if audience else "", service.subject, service.modalite, alternance_code,
                      day_text, start_text, duration_text, room))
    return Course(
        ident=ident, day=day,
        start=_clock(start) if start is not None and end is not None else datetime.time(0),
        end=_clock(end) if end is not None else datetime.time(0),
        subject=service.subject, items=tuple(items), weeks=weeks,
        alternance=alternance_code, line=line, problems=tuple(problems))

"""UnDeuxTemps (UDT): a ZIP of ``UDCal_NN.xml`` files.

No public UDT export exists: element and attribute names follow entcore's UDT importer as
``shared/formats/timetable.md`` §1.3 reports them. The theoretical timetable (``UDCal_12``)
holds every school week but the closures; a weekly file ``UDCal_12_NN`` (ISO week ``NN``)
replaces it for that week, so a theoretical course missing from it is cancelled that week.
Records come in this order: Header, Closure, Subject, Teacher, Division, Group, Room, Course.
"""

import dataclasses
import datetime
import io
import re
from pathlib import Path

from . import _sts_xml as sx
from .records import (
    Closure,
    Course,
    CourseItem,
    Division,
    Group,
    Header,
    Room,
    Subject,
    Teacher,
    TimetableFileError,
)

REQUIRED = {
    "UDCal_24.xml": "calendrier",
    "UDCal_00.xml": "paramètres",
    "UDCal_04.xml": "professeurs",
    "UDCal_05.xml": "matières",
    "UDCal_07.xml": "demi-séquences (grille horaire)",
    "UDCal_08.xml": "divisions",
    "UDCal_11.xml": "fiches-T",
    "UDCal_12.xml": "lignes de fiches-T (emploi du temps théorique)",
}
OPTIONAL = ("UDCal_03.xml", "UDCal_13.xml", "UDCal_19.xml", "UDCal_23.xml")
_WEEKLY = re.compile(r"^udcal_(12|23)_(\d{2})\.xml$", re.IGNORECASE)
_ZIP_NAME = re.compile(r"(\d{7}[A-Z])_\d{14}_UDT\.zip$", re.IGNORECASE)
_ANY = ("*",)


def _date(value):
    """UDT writes ``dd/MM/yyyy``."""
    try:
        return datetime.datetime.strptime(value.strip(), "%d/%m/%Y").date()
    except ValueError:
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            return None


def _clock(value):
    """``08h00``, ``08:00`` or ``08:00:00`` (entcore splits on « h » or « : »)."""
    parts = re.split(r"[h:]", value.strip().lower())
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts if p):
        return None
    try:
        return datetime.time(int(parts[0]), int(parts[1] or 0))
    except ValueError:
        return None


class _Zip:
    def __init__(self, source, name, max_bytes):
        from ent.uploads import SafeZip, UnzipBudget, UploadRefused

        self.data, self.name = sx.read_source(source, name=name, max_bytes=max_bytes)
        self.max_bytes = max_bytes
        self.refused = UploadRefused
        if self.data[:4] != b"PK\x03\x04":
            raise TimetableFileError(
                "ce n'est pas une archive ZIP UnDeuxTemps (attendu un .zip de fichiers "
                "UDCal_NN.xml)", file=self.name)
        # Each member is bounded by the bytes it actually unpacks to, and so is their sum
        # (``ent.uploads``): a zip of many big members, or lying about its sizes, is refused.
        try:
            self.zip = SafeZip(io.BytesIO(self.data), label=self.name, max_member_bytes=max_bytes,
                               budget=UnzipBudget("timetable"))
        except UploadRefused as exc:
            raise TimetableFileError(exc.message, file=self.name) from exc
        # Real drops differ in case (entcore retries « udcal_24.xml »); folders don't matter.
        self.members = {}
        for info in self.zip.members:
            self.members.setdefault(Path(info.filename).name.lower(), info)

    def has(self, member):
        return member.lower() in self.members

    def read(self, member):
        info = self.members[member.lower()]
        label = f"{self.name} › {Path(info.filename).name}"
        try:
            data = b"".join(self.zip.chunks(info))
        except self.refused as exc:
            raise TimetableFileError(exc.message, file=label) from exc
        if not data.strip():
            raise TimetableFileError("fichier vide", file=label, line=1)
        return data, label

    def elements(self, member, tags):
        """``(element, file label)`` for each element whose tag is in ``tags``, at any
        depth: UDT's wrapping elements are unknown, its record tags are not."""
        data, label = self.read(member)
        for node in sx.tagged(data, label, tags):
            yield node, label


def parse_udt(source, *, max_bytes=sx.DEFAULT_MAX_BYTES, name="", uai=""):
    """The records of a UDT zip (a path or bytes), as an iterator; an archive that is no
    complete UDT export fails here. The UAI is not inside the files: it comes from ``uai``
    or from the drop name ``<UAI>_<yyyyMMddHHmmss>_UDT.zip``."""
    archive = _Zip(source, name or ("" if isinstance(source, str | Path) else "export UDT"),
                   max_bytes)
    missing = [m for m in REQUIRED if not archive.has(m)]
    if missing:
        listed = ", ".join(f"{m} ({REQUIRED[m]})" for m in missing)
        raise TimetableFileError(
            f"l'archive n'est pas un export UnDeuxTemps complet : il y manque {listed}",
            file=archive.name)
    if not uai:
        match = _ZIP_NAME.search(archive.name)
        uai = match.group(1).upper() if match else ""
    return _records(archive, uai)


def _records(archive, uai):
    calendar, closures = _calendar(archive)
    start, end, first_monday, half = _parameters(archive, calendar)
    yield Header(source="udt", uai=uai, year_start=start, year_end=end,
                 first_monday=first_monday, software="UnDeuxTemps", file=archive.name)
    yield from closures
    for node, _label in archive.elements("UDCal_05.xml", {"mat"}):
        code = sx.attr(node, "code")
        yield Subject(ident=code, code=code, label=sx.attr(node, "libelle") or code,
                      national_code=sx.attr(node, "code_gep1"), line=node.sourceline)
    for node, _label in archive.elements("UDCal_04.xml", {"prof"}):
        yield Teacher(ident=sx.attr(node, "code"), last_name=sx.attr(node, "nom"),
                      first_name=sx.attr(node, "prenom"),
                      birth_date=_date(sx.attr(node, "date_naissance")),
                      sts_id=sx.attr(node, "epj"), line=node.sourceline)
    for node, _label in archive.elements("UDCal_08.xml", {"div"}):
        # The code, not the libellé, is the class name matched against the directory.
        yield Division(ident=sx.attr(node, "code"), name=sx.attr(node, "code"),
                       line=node.sourceline)
    yield from _groups(archive)
    if archive.has("UDCal_03.xml"):
        for node, _label in archive.elements("UDCal_03.xml", {"salle"}):
            code = sx.attr(node, "code")
            yield Room(ident=code, name=sx.attr(node, "nom") or code, line=node.sourceline)
    yield from _courses(archive, start, end, first_monday, half, closures)


def _calendar(archive):
    calendar, closures = {}, []
    for node, label in archive.elements("UDCal_24.xml",
                                        {"annee", "debut_eleve", "fin_eleve", "fermeture"}):
        if node.tag != "fermeture":
            calendar[node.tag] = ((node.text or "").strip(), node.sourceline, label)
            continue
        first, last = _date(sx.attr(node, "debut")), _date(sx.attr(node, "fin"))
        if first is None or last is None or last < first:
            raise TimetableFileError(
                f"période de fermeture illisible (debut « {sx.attr(node, 'debut')} », fin "
                f"« {sx.attr(node, 'fin')} », attendu jj/mm/aaaa)", file=label,
                line=node.sourceline)
        closures.append(Closure(start=first, end=last, label=sx.attr(node, "libelle"),
                                line=node.sourceline))
    return calendar, closures


def _parameters(archive, calendar):
    label = f"{archive.name} › UDCal_24.xml"
    dates = {}
    for key in ("debut_eleve", "fin_eleve"):
        value, line, label = calendar.get(key, ("", None, label))
        dates[key] = _date(value)
        if dates[key] is None:
            raise TimetableFileError(
                f"date « {key} » absente ou illisible (« {value} », attendu jj/mm/aaaa)",
                file=label, line=line)
    start, end = dates["debut_eleve"], dates["fin_eleve"]
    init = None
    for node, label in archive.elements("UDCal_00.xml", {"init"}):
        init = (sx.attr(node, "premiere_semaine_ISO"), sx.attr(node, "duree_seq"),
                node.sourceline, label)
        break
    if init is None or not init[0].isdigit() or not 1 <= int(init[0]) <= 53:
        raise TimetableFileError(
            "paramètre premiere_semaine_ISO absent ou invalide (attendu un numéro de semaine "
            "ISO)", file=init[3] if init else f"{archive.name} › UDCal_00.xml",
            line=init[2] if init else None)
    week = int(init[0])
    # Week 1 is ISO week N of the year school starts in, as entcore reads it.
    first_monday = datetime.date.fromisocalendar(start.isocalendar()[0], week, 1)
    half = int(init[1]) // 2 if init[1].isdigit() else None
    return start, end, first_monday, half


def _groups(archive):
    if archive.has("UDCal_19.xml"):
        for node, _label in archive.elements("UDCal_19.xml", {"gpe"}):
            division, code = sx.attr(node, "code_div"), sx.attr(node, "code")
            yield Group(ident=division + code,
                        name=sx.attr(node, "code_sts") or f"{division} Gr {code}",
                        divisions=(division,) if division else (), line=node.sourceline)
    if archive.has("UDCal_13.xml"):
        # One line per member division: a regroupement gathers several classes.
        regroupements = {}
        for node, _label in archive.elements("UDCal_13.xml", {"rgpmt"}):
            entry = regroupements.setdefault(
                sx.attr(node, "code"),
                {"name": sx.attr(node, "nom"), "divisions": [], "line": node.sourceline})
            division = sx.attr(node, "code_div")
            if division and division not in entry["divisions"]:
                entry["divisions"].append(division)
        for code, entry in regroupements.items():
            yield Group(ident=_rgpmt_ident(code), name=entry["name"] or code,
                        divisions=tuple(entry["divisions"]), line=entry["line"])


def _rgpmt_ident(code):
    return f"rgpmt:{code}"


def _grid(archive, half):
    slots = {}
    for node, _label in archive.elements("UDCal_07.xml", {"demi_seq"}):
        start = _clock(sx.attr(node, "hre_deb"))
        end = _clock(sx.attr(node, "hre_fin"))
        if start is not None and end is None and half:
            moment = datetime.datetime.combine(datetime.date.min, start)
            end = (moment + datetime.timedelta(minutes=half)).time()
        key = (sx.attr(node, "code_jour"), sx.attr(node, "code").zfill(2),
               sx.attr(node, "code_site"))
        slots[key] = (start, end)
    fiches = {}
    for node, _label in archive.elements("UDCal_11.xml", {"fiche"}):
        fiches[sx.attr(node, "code")] = (
            sx.attr(node, "jour"), sx.attr(node, "demi_seq").zfill(2), sx.attr(node, "site"))
    return slots, fiches


def _coteachers(archive, member):
    found = {}
    if archive.has(member):
        for node, _label in archive.elements(member, {"coens"}):
            found.setdefault(sx.attr(node, "lignefic"), []).append(sx.attr(node, "prof"))
    return found


def _lines(archive, member):
    """The course lines of one file, runs of consecutive half-sequences merged: the same
    audience, subject and teacher on ranks 012, 013 is one course of two half-sequences."""
    by_key = {}
    for node, label in archive.elements(member, {"ligfiche"}):
        line = {k: sx.attr(node, k) for k in
                ("code", "fic", "div", "mat", "prof", "rgpmt", "gpe", "salle")}
        line["line"], line["label"] = node.sourceline, label
        key = tuple(line[k] for k in ("div", "mat", "prof", "rgpmt", "gpe", "salle"))
        by_key.setdefault(key, []).append(line)
    for lines in by_key.values():
        lines.sort(key=lambda item: item["code"])
        run = [lines[0]]
        for line in lines[1:]:
            previous = run[-1]["code"][:3]
            if previous.isdigit() and line["code"][:3] == f"{int(previous) + 1:03d}":
                run.append(line)
            else:
                yield run
                run = [line]
        yield run


def _school_weeks(start, end, first_monday):
    monday, weeks = first_monday, []
    while monday <= end:
        weeks.append(monday)
        monday += datetime.timedelta(days=7)
    return weeks


def _course(run, slots, fiches, coteachers):
    first, last = run[0], run[-1]
    problems = []

    def problem(message):
        problems.append(f"{first['label']}, ligne {first['line']} : {message}")

    day, start, end = 0, None, None
    head, tail = fiches.get(first["fic"]), fiches.get(last["fic"])
    if head is None or tail is None:
        problem(f"fiche-T « {first['fic'] if head is None else last['fic']} » absente de "
                "UDCal_11.xml")
    else:
        day = int(head[0]) if head[0].isdigit() and 1 <= int(head[0]) <= 7 else 0
        if not day:
            problem(f"jour « {head[0]} » invalide (attendu 1 = lundi … 7 = dimanche)")
        start = slots.get(head, (None, None))[0]
        end = slots.get(tail, (None, None))[1]
        if start is None or end is None:
            problem(f"place hors de la grille : demi-séquence « {head[1]} » du jour "
                    f"« {head[0]} » absente de UDCal_07.xml")
        elif end <= start:
            problem(f"fin ({end:%H:%M}) avant le début ({start:%H:%M})")
    if not first["mat"]:
        problem("aucune matière")
    teachers = [first["prof"]] if first["prof"] else []
    for line in run:
        for key in (line["code"], line["fic"]):
            teachers += [t for t in coteachers.get(key, ()) if t and t not in teachers]
    items = [CourseItem(kind="teacher", ident=t) for t in teachers]
    if first["rgpmt"] and first["rgpmt"] != "0":
        items.append(CourseItem(kind="group", ident=_rgpmt_ident(first["rgpmt"])))
    elif first["gpe"]:
        items.append(CourseItem(kind="group", ident=first["div"] + first["gpe"]))
    elif first["div"]:
        items.append(CourseItem(kind="division", ident=first["div"]))
    else:
        problem("aucune classe ni groupe")
    if first["salle"]:
        items.append(CourseItem(kind="room", ident=first["salle"]))
    ident = "/".join((first["div"], first["mat"], first["prof"], first["rgpmt"],
                      first["gpe"], first["code"], last["code"]))
    return Course(ident=ident, day=day, start=start or datetime.time(0),
                  end=end or datetime.time(0), subject=first["mat"], items=tuple(items),
                  line=first["line"], problems=tuple(problems))


def _signature(course):
    return (course.day, course.start, course.end, course.subject, course.items)


def _open_on(course, monday, year_start, year_end, closures):
    day = monday + datetime.timedelta(days=max(course.day, 1) - 1)
    if not year_start <= day <= year_end:
        return False
    return not any(c.start <= day <= c.end for c in closures)


def _courses(archive, year_start, year_end, first_monday, half, closures):
    slots, fiches = _grid(archive, half)
    school_weeks = _school_weeks(year_start, year_end, first_monday)
    by_iso = {monday.isocalendar()[1]: monday for monday in school_weeks}
    weekly = {}
    for member in sorted(archive.members):
        match = _WEEKLY.match(member)
        if match and match.group(1) == "12":
            iso_week = int(match.group(2))
            if iso_week in by_iso:
                weekly[by_iso[iso_week]] = (member, f"UDCal_23_{match.group(2)}.xml")

    theoretical = {}
    usual_coteachers = _coteachers(archive, "UDCal_23.xml")
    for run in _lines(archive, "UDCal_12.xml"):
        course = _course(run, slots, fiches, usual_coteachers)
        theoretical.setdefault(_signature(course), [course, set(), set()])
    for course, weeks, _cancelled in theoretical.values():
        weeks.update(m for m in school_weeks if m not in weekly
                     and _open_on(course, m, year_start, year_end, closures))

    extra = {}
    for monday, (member, co_member) in sorted(weekly.items()):
        # A week without its own co-teaching file keeps the usual co-teachers.
        coteachers = (_coteachers(archive, co_member) if archive.has(co_member)
                      else usual_coteachers)
        seen = set()
        for run in _lines(archive, member):
            course = _course(run, slots, fiches, coteachers)
            signature = _signature(course)
            seen.add(signature)
            target = theoretical.get(signature) or extra.setdefault(
                signature, [course, set(), set()])
            target[1].add(monday)
        for signature, (course, _weeks, cancelled) in theoretical.items():
            if signature not in seen and _open_on(course, monday, year_start, year_end,
                                                  closures):
                cancelled.add(monday)

    for course, weeks, cancelled in [*theoretical.values(), *extra.values()]:
        yield dataclasses.replace(course, weeks=frozenset(weeks),
                                  cancelled=frozenset(cancelled))

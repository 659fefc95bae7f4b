"""A plausible weekly timetable built from an establishment's directory, written as the
timetable software would export it: EDT/PRONOTE's plaintext ``ExportEmploiDuTemps`` in the
shape of the real sample (``shared/samples/service-cahiertextes``).

For the demo académie and the benchmarks: every service (``Enseignement``: a teacher, a
division or group, a subject) gets weekly hours from its subject, and its 1 h or 2 h blocks go
on slots where the teacher and the audience are both free. A half hour left over becomes a
fortnightly course (week A or B). Mornings 8 h–12 h, lunch break 12 h–13 h, afternoons
13 h–17 h, Wednesday afternoon free. Holidays (French zone, roughly) are absent weeks.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from annuaire.models import Enseignement, Inscription, Person, Regroupement, Role
from annuaire.text import name_key
from ent.dates import monday_of

EDT_NS = "http://www.index-education.com/exportemploidutemps"
PLACE_MINUTES = 30
PLACES_PER_DAY = 20  # 08:00 to 18:00, as the real sample
DAY_START = datetime.time(8, 0)
# Hour slots a course may start at (place numbers of a 1 h block): 8, 9, 10, 11, 13, 14, 15, 16.
HOURS = (0, 2, 4, 6, 10, 12, 14, 16)
MORNING = HOURS[:4]
DAYS = (1, 2, 3, 4, 5)
DIVISION_HOURS = 26
# Weekly hours by subject, from words of its label (collège timetables, roughly).
SUBJECT_HOURS = (
    ("FRANC", 4.5), ("MATH", 3.5), ("HIST", 3), ("GEOG", 3), ("ANGL", 3), ("LV1", 3),
    ("ESPAGN", 2.5), ("ALLEM", 2.5), ("ITAL", 2.5), ("LV2", 2.5), ("EPS", 4), ("SPORT", 4),
    ("EDUCATION PHYS", 4), ("SVT", 1.5), ("VIE ET", 1.5), ("PHYS", 1.5), ("TECHNO", 1.5),
    ("ARTS", 1), ("MUSI", 1), ("LATIN", 2), ("GREC", 2), ("EMC", 0.5),
)
DEFAULT_HOURS = 2
# Teachers' shares of a subject in a group are smaller: a group is an option.
GROUP_HOURS = 2


def school_year_start(today):
    """September 1 of the school year ``today`` belongs to."""
    year = today.year if today >= datetime.date(today.year, 9, 1) else today.year - 1
    return datetime.date(year, 9, 1)


@dataclass
class Calendar:
    start: datetime.date  # the rentrée
    end: datetime.date
    first_monday: datetime.date  # Monday of school week 1
    weeks: int  # school weeks numbered 1..weeks
    holidays: frozenset  # week numbers without courses

    def mask(self, parity=None):
        """The ``Semaines`` mask of every school week, or of one parity (1: A, 0: B)."""
        mask = 0
        for week in range(1, self.weeks + 1):
            if week in self.holidays or (parity is not None and week % 2 != parity):
                continue
            mask |= 1 << week
        return mask

    def week_of(self, date):
        return (monday_of(date) - self.first_monday).days // 7 + 1


def calendar_for(today):
    """The school year of ``today``: rentrée on the first weekday from September 1, classes
    until the first days of July, two-week holidays at Toussaint, Christmas, winter and spring."""
    sept1 = school_year_start(today)
    start = sept1 + datetime.timedelta(days=(7 - sept1.weekday()) % 7 if sept1.weekday() >= 5 else 0)
    first_monday = monday_of(sept1)
    year = sept1.year
    cal = Calendar(start=start, end=datetime.date(year + 1, 8, 31), first_monday=first_monday,
                   weeks=0, holidays=frozenset())
    last = cal.week_of(datetime.date(year + 1, 7, 3))
    holidays = set()
    for first in (datetime.date(year, 10, 20), datetime.date(year, 12, 25),
                  datetime.date(year + 1, 2, 16), datetime.date(year + 1, 4, 14)):
        week = cal.week_of(first)
        if first.month == 12 and first.weekday() >= 5:
            week += 1  # Christmas on a weekend: the holidays are the next two weeks
        holidays |= {week, week + 1}
    cal.weeks, cal.holidays = last, frozenset(holidays)
    return cal


def mask_weeks(mask):
    """The week numbers of a mask, written as the sample's comments: ``[1..7,10..16]``."""
    weeks = [i for i in range(1, mask.bit_length()) if mask >> i & 1]
    runs, i = [], 0
    while i < len(weeks):
        j = i
        while j + 1 < len(weeks) and weeks[j + 1] == weeks[j] + 1:
            j += 1
        runs.append(str(weeks[i]) if i == j else f"{weeks[i]}..{weeks[j]}")
        i = j + 1
    return "[" + ",".join(runs) + "]"


def _subject_hours(label):
    key = name_key(label).upper().replace("-", " ") if label else ""
    for word, hours in SUBJECT_HOURS:
        if word in key:
            return hours
    return DEFAULT_HOURS


@dataclass
class Placed:
    day: int
    place: int
    places: int  # 2 (1 h) or 4 (2 h)
    service: int  # index in Timetable.services
    parity: int | None = None  # None: every week; 1: week A; 0: week B
    room: int = 0


@dataclass
class Timetable:
    uai: str
    calendar: Calendar
    subjects: list = field(default_factory=list)  # (ident, code, label, national code)
    teachers: list = field(default_factory=list)  # (ident, last, first, sts id)
    divisions: list = field(default_factory=list)  # (ident, name)
    groups: list = field(default_factory=list)  # (ident, name, division idents)
    rooms: list = field(default_factory=list)  # (ident, name)
    # (last, first, birth date, civilité, INE, division ident, group idents)
    pupils: list = field(default_factory=list)
    # (teacher ident, "division"|"group", structure ident, subject ident)
    services: list = field(default_factory=list)
    courses: list = field(default_factory=list)  # Placed
    unplaced: int = 0


def _directory(etab):
    teachers = {}
    for role in Role.objects.filter(etablissement=etab, role=Role.Kind.ENSEIGNANT,
                                    person__deactivated_at__isnull=True).select_related(
            "person").order_by("person__last_name", "person__first_name", "person_id"):
        teachers[role.person_id] = role.person
    structures = {r.pk: r for r in Regroupement.objects.filter(etablissement=etab).order_by(
        "nature", "code")}
    services = list(Enseignement.objects.filter(
        regroupement__etablissement=etab, enseignant_id__in=list(teachers),
    ).select_related("matiere").order_by("regroupement__code", "enseignant_id", "matiere_id"))
    # The divisions a group draws from: those of its pupils.
    group_divisions = defaultdict(set)
    pupils_group = defaultdict(set)
    pupils_division = {}
    for eleve_id, reg_id, nature in Inscription.objects.filter(
            regroupement__etablissement=etab).values_list(
            "eleve_id", "regroupement_id", "regroupement__nature"):
        if nature == Regroupement.Nature.DIVISION:
            pupils_division[eleve_id] = reg_id
        else:
            pupils_group[eleve_id].add(reg_id)
    for eleve_id, groups in pupils_group.items():
        division = pupils_division.get(eleve_id)
        if division:
            for group in groups:
                group_divisions[group].add(division)
    pupils = []
    people = Person.objects.filter(pk__in=list(pupils_division)).order_by(
        "last_name", "first_name", "pk").values_list(
        "pk", "last_name", "first_name", "birth_date", "civilite", "ine")
    for pk, *fields in people:
        pupils.append((*fields, pupils_division[pk], tuple(sorted(pupils_group.get(pk, ())))))
    return teachers, structures, services, group_divisions, pupils


def timetable_build(*, etab, today=None, seed=1):
    """The timetable of ``etab``'s directory for the school year of ``today``."""
    today = today or datetime.date.today()
    rng = random.Random(seed)
    teachers, structures, services, group_divisions, pupils = _directory(etab)
    tt = Timetable(uai=etab.uai, calendar=calendar_for(today))
    teacher_ident = {}
    for n, (pk, person) in enumerate(teachers.items(), start=1):
        teacher_ident[pk] = str(n)
        tt.teachers.append((str(n), person.last_name.upper(), person.first_name, person.aaf_id or ""))
    structure_ident = {}
    for n, (pk, reg) in enumerate(structures.items(), start=1):
        structure_ident[pk] = str(n)
        if reg.nature == Regroupement.Nature.DIVISION:
            tt.divisions.append((str(n), reg.code))
    for pk, reg in structures.items():
        if reg.nature != Regroupement.Nature.DIVISION:
            tt.groups.append((structure_ident[pk], reg.code, tuple(sorted(
                (structure_ident[d] for d in group_divisions.get(pk, ())), key=int))))
    for last, first, birth, civilite, ine, division, groups in pupils:
        tt.pupils.append((last, first, birth, civilite, ine, structure_ident[division],
                          tuple(structure_ident[g] for g in groups)))
    subject_ident = {}
    for service in services:
        key = service.matiere_id or 0
        if key not in subject_ident:
            subject_ident[key] = str(len(subject_ident) + 1)
            if service.matiere is None:
                tt.subjects.append((subject_ident[key], "AUTRE", "AUTRE ENSEIGNEMENT", ""))
            else:
                code = "".join(c for c in name_key(service.matiere.libelle).upper() if c.isalnum())
                tt.subjects.append((subject_ident[key], code[:5] or service.matiere.code,
                                    service.matiere.libelle, service.matiere.code))
    # Hours of each service: the subject's share, scaled so a division gets ~26 h a week.
    by_division = defaultdict(list)
    group_services = []
    for service in services:
        reg = structures[service.regroupement_id]
        label = service.matiere.libelle if service.matiere else ""
        if reg.nature == Regroupement.Nature.DIVISION:
            by_division[reg.pk].append((service, _subject_hours(label)))
        else:
            group_services.append((service, GROUP_HOURS))
    wanted = []  # (service index, weekly hours as half hours)
    group_load = defaultdict(float)
    for service, hours in group_services:
        for division in group_divisions.get(service.regroupement_id, ()):
            group_load[division] += hours / max(1, len(group_divisions[service.regroupement_id]))
    for division, rows in by_division.items():
        total = sum(h for _, h in rows)
        scale = max(0.5, (DIVISION_HOURS - min(group_load[division], 6)) / total) if total else 1
        for service, hours in rows:
            wanted.append((service, max(1, round(hours * scale * 2))))
    wanted += [(service, hours * 2) for service, hours in group_services]
    for service, _halves in wanted:
        reg = structures[service.regroupement_id]
        nature = "division" if reg.nature == Regroupement.Nature.DIVISION else "group"
        tt.services.append((teacher_ident[service.enseignant_id], nature,
                            structure_ident[reg.pk], subject_ident[service.matiere_id or 0]))

    # Busy slots: (who, day, place) → parities taken ({0, 1} for a weekly course).
    busy = defaultdict(set)
    audience_of = {}
    for index, (service, _halves) in enumerate(wanted):
        reg_id = service.regroupement_id
        who = {("s", reg_id)} | {("s", d) for d in group_divisions.get(reg_id, ())}
        audience_of[index] = who | {("t", service.enseignant_id)}
    # Big services first: they need the most room.
    order = sorted(range(len(wanted)), key=lambda i: (-wanted[i][1], rng.random()))
    slots = [(day, place) for day in DAYS for place in (MORNING if day == 3 else HOURS)]
    for index in order:
        service, halves = wanted[index]
        hours, half = divmod(halves, 2)
        blocks = []
        label = service.matiere.libelle if service.matiere else ""
        two_hours = hours >= 3 and any(w in name_key(label).upper() for w in ("EPS", "SPORT", "PHYS"))
        while hours:
            size = 2 if (two_hours and hours >= 2) else 1
            blocks.append((size, None))
            hours -= size
        if half:
            blocks.append((1, rng.choice((0, 1))))
        used_days = set()
        for size, parity in blocks:
            need = {0, 1} if parity is None else {parity}
            candidates = slots[:]
            rng.shuffle(candidates)
            candidates.sort(key=lambda s: s[0] in used_days)
            for day, place in candidates:
                places = [place + 2 * k for k in range(size)]
                if size == 2 and place not in (0, 4, 10, 14):
                    continue  # a 2 h block stays within a half day
                if any(not need.isdisjoint(busy[(who, day, p)])
                       for who in audience_of[index] for p in places):
                    continue
                for who in audience_of[index]:
                    for p in places:
                        busy[(who, day, p)] |= need
                tt.courses.append(Placed(day=day, place=place, places=2 * size, service=index,
                                         parity=parity))
                used_days.add(day)
                break
            else:
                tt.unplaced += 1
    # Rooms: as many as courses at the busiest slot, handed out slot by slot.
    per_slot = defaultdict(list)
    for course in tt.courses:
        for k in range(course.places // 2):
            per_slot[(course.day, course.place + 2 * k)].append(course)
    rooms_needed = max((len(v) for v in per_slot.values()), default=0)
    tt.rooms = [(str(n), f"S{100 + n}") for n in range(1, rooms_needed + 1)]
    taken = defaultdict(set)
    for course in sorted(tt.courses, key=lambda c: (c.day, c.place, -c.places)):
        cells = [(course.day, course.place + 2 * k) for k in range(course.places // 2)]
        for n in range(1, rooms_needed + 1):
            if all(n not in taken[cell] for cell in cells):
                course.room = n
                for cell in cells:
                    taken[cell].add(n)
                break
    tt.courses.sort(key=lambda c: (c.day, c.place, c.service))
    return tt


def _attrs(**values):
    return " ".join(f"{k}={quoteattr(str(v))}" for k, v in values.items())


def edt_write(tt, out):
    """Writes ``tt`` as an ``ExportEmploiDuTemps`` (UTF-8) to the path ``out``."""
    cal = tt.calendar
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<ExportEmploiDuTemps xmlns="{EDT_NS}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{EDT_NS} http://telechargement.index-education.com/export/'
        f'ExportEmploiDuTemps.xsd" Version="1.1" UAI={quoteattr(tt.uai)}>',
        "  <AnneeScolaire " + _attrs(DateDebut=cal.start, DateFin=cal.end,
                                     DatePremierJourSemaine1=cal.first_monday) + "/>",
        f'  <GrilleHoraire NombrePlacesParJour="{PLACES_PER_DAY}" DureePlace="{PLACE_MINUTES}">',
        "    <JoursOuvres>",
        *(f"      <Jour>{d}</Jour>" for d in DAYS),
        "    </JoursOuvres>",
        "    <PlacesParJour>",
    ]
    base = datetime.datetime.combine(cal.start, DAY_START)
    for n in range(PLACES_PER_DAY):
        start = base + datetime.timedelta(minutes=PLACE_MINUTES * n)
        end = start + datetime.timedelta(minutes=PLACE_MINUTES)
        lines.append(f'      <Place Numero="{n}" LibelleHeureDebut="{start:%H:%M:%S}" '
                     f'LibelleHeureFin="{end:%H:%M:%S}"/>')
    lines += ["    </PlacesParJour>", "  </GrilleHoraire>", "  <Matieres>"]
    lines += [f"    <Matiere {_attrs(Ident=i, Code=c, Libelle=label)}/>" for i, c, label, _n in tt.subjects]
    lines += ["  </Matieres>", "  <Professeurs>"]
    for ident, last, first, sts in tt.teachers:
        attrs = dict(Ident=ident, Nom=last, Prenom=first)
        if sts:
            attrs["IDSTS"] = sts
        lines.append(f"    <Professeur {_attrs(**attrs)}/>")
    lines += ["  </Professeurs>", "  <Classes>"]
    # A class is split into parts; a group is made of parts of its classes, as Index writes it.
    part = {}
    for ident, _name, divisions in tt.groups:
        for division in divisions:
            part[(division, ident)] = str(len(part) + 1)
    for ident, name in tt.divisions:
        parts = [p for (d, _g), p in part.items() if d == ident]
        if parts:
            lines.append(f"    <Classe {_attrs(Ident=ident, Nom=name)}>")
            lines += [f'      <PartieDeClasse Ident="{p}"/>' for p in parts]
            lines.append("    </Classe>")
        else:
            lines.append(f"    <Classe {_attrs(Ident=ident, Nom=name)}/>")
    lines += ["  </Classes>", "  <Groupes>"]
    for ident, name, divisions in tt.groups:
        if divisions:
            lines.append(f"    <Groupe {_attrs(Ident=ident, Nom=name)}>")
            lines += [f'      <PartieDeClasse Ident="{part[(d, ident)]}"/>' for d in divisions]
            lines.append("    </Groupe>")
        else:
            lines.append(f"    <Groupe {_attrs(Ident=ident, Nom=name)}/>")
    lines += ["  </Groupes>", "  <Salles>"]
    lines += [f"    <Salle {_attrs(Ident=i, Nom=name)}/>" for i, name in tt.rooms]
    lines += ["  </Salles>", "  <Eleves>"]
    # Index requires a birth date and a sex: a pupil the directory says neither of gets the
    # year's usual age and a sex from their civilité, else alternately.
    default_birth = datetime.date(cal.start.year - 13, 1, 1)
    for n, (last, first, birth, civilite, ine, division, groups) in enumerate(tt.pupils, 1):
        sexe = ("Feminin" if civilite.upper().startswith(("MME", "MLLE")) else "Masculin"
                if civilite else ("Masculin", "Feminin")[n % 2])
        attrs = dict(Ident=n, Nom=last.upper(), Prenom=first, DateNaissance=birth or default_birth,
                     Sexe=sexe)
        if ine and ine.isalnum():
            attrs["NumeroNational"] = ine
        lines.append(f"    <Eleve {_attrs(**attrs)}>")
        lines.append(f'      <Classe Ident="{division}" DateEntree="{cal.start}" '
                     f'DateSortie="{cal.end}"/>')
        for group in groups:
            if (division, group) in part:
                lines.append(f'      <PartieDeClasse Ident="{part[(division, group)]}" '
                             f'DateEntree="{cal.start}" DateSortie="{cal.end}"/>')
        lines.append("    </Eleve>")
    lines += ["  </Eleves>", "  <Cours>"]
    masks = {None: cal.mask(), 0: cal.mask(0), 1: cal.mask(1)}
    comments = {k: mask_weeks(v) for k, v in masks.items()}
    for course in tt.courses:
        teacher, nature, structure, subject = tt.services[course.service]
        mask, comment = masks[course.parity], comments[course.parity]
        lines.append(f'    <Cours Jour="{course.day}" NumeroPlaceDebut="{course.place}" '
                     f'NombrePlaces="{course.places}">')
        lines.append(f'      <Matiere Ident="{subject}"/>')
        items = [("Professeur", teacher), ("Classe" if nature == "division" else "Groupe", structure)]
        if course.room:
            items.append(("Salle", tt.rooms[course.room - 1][0]))
        for tag, ident in items:
            lines += [f'      <{tag} Ident="{ident}" Semaines="{mask}">',
                      f"        <!--Domaine : {comment}-->", f"      </{tag}>"]
        lines.append("    </Cours>")
    lines += ["  </Cours>", "</ExportEmploiDuTemps>", ""]
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines))
    return out


class _Xml:
    """Indented XML text as STS-web writes it: 4 spaces a level; ``text_lines`` puts a text
    on its own line (sts_emp), else inline (emp_sts)."""

    def __init__(self, *, text_lines):
        self.lines, self.depth, self.text_lines = [], 0, text_lines

    def open(self, tag, **attrs):
        self.lines.append("    " * self.depth + f"<{tag}{' ' + _attrs(**attrs) if attrs else ''}>")
        self.depth += 1

    def close(self, tag):
        self.depth -= 1
        self.lines.append("    " * self.depth + f"</{tag}>")

    def leaf(self, tag, text=None, **attrs):
        pad, head = "    " * self.depth, tag + (" " + _attrs(**attrs) if attrs else "")
        if text is None or text == "":
            self.lines.append(f"{pad}<{head}/>")
        elif self.text_lines:
            self.lines += [f"{pad}<{head}>", f"{pad}    {escape(str(text))}", f"{pad}</{tag}>"]
        else:
            self.lines.append(f"{pad}<{head}>{escape(str(text))}</{tag}>")

    def write(self, path):
        text = '<?xml version="1.0" encoding="ISO-8859-15"?>\n' + "\n".join(self.lines) + "\n"
        path.write_bytes(text.encode("iso-8859-15", errors="xmlcharrefreplace"))
        return path


def _hhmm(minutes):
    return f"{minutes // 60:02d}{minutes % 60:02d}"


def sts_write(tt, out_dir):
    """Writes ``tt`` as an STS-web pair, ``sts_emp_<UAI>_<year>.xml`` (STS_EDT: subjects,
    teachers, divisions and groups) and ``emp_sts_<UAI>_<year>.xml`` (EDT_STS: the placed
    courses), in ISO-8859-15 as the real pairs; returns their paths. Courses of a service
    without national subject code or a teacher without STS identifier are left out: STS-web
    knows neither."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cal = tt.calendar
    year = str(cal.first_monday.year if cal.first_monday.month >= 8 else cal.first_monday.year - 1)
    national = {i: n for i, _c, _label, n in tt.subjects}
    sts_of = {ident: sts for ident, _l, _f, sts in tt.teachers}
    names = dict(tt.divisions)
    names.update({ident: name for ident, name, _d in tt.groups})
    members = {ident: divisions for ident, _n, divisions in tt.groups}
    # (nature, structure) → subject → teacher → [Placed]
    placed = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for course in tt.courses:
        teacher, nature, structure, subject = tt.services[course.service]
        if national[subject] and sts_of[teacher]:
            placed[(nature, structure)][subject][teacher].append(course)
    hours = defaultdict(float)  # (nature, structure, subject, teacher) → weekly hours
    for key, subjects in placed.items():
        for subject, teachers in subjects.items():
            for teacher, courses in teachers.items():
                hours[(*key, subject, teacher)] = sum(
                    c.places * PLACE_MINUTES / 60 / (1 if c.parity is None else 2) for c in courses)

    emp = _Xml(text_lines=True)
    emp.open("STS_EDT")
    emp.open("PARAMETRES")
    emp.open("UAJ", CODE=tt.uai)
    emp.leaf("SIGLE", "CLG")
    emp.leaf("CODE_NATURE", "340")
    emp.close("UAJ")
    emp.open("ANNEE_SCOLAIRE", ANNEE=year)
    emp.leaf("DATE_DEBUT", datetime.date(int(year), 9, 1).isoformat())
    emp.leaf("DATE_FIN", datetime.date(int(year) + 1, 8, 31).isoformat())
    emp.close("ANNEE_SCOLAIRE")
    emp.close("PARAMETRES")
    emp.open("NOMENCLATURES")
    emp.open("MATIERES")
    for _i, code, label, nat in tt.subjects:
        if nat:
            emp.open("MATIERE", CODE=nat)
            emp.leaf("CODE_GESTION", code)
            emp.leaf("LIBELLE_COURT", label[:20])
            emp.leaf("LIBELLE_LONG", label)
            emp.leaf("LIBELLE_EDITION", label.capitalize())
            emp.close("MATIERE")
    emp.close("MATIERES")
    emp.close("NOMENCLATURES")
    emp.open("DONNEES")
    emp.open("INDIVIDUS")
    for _ident, last, first, sts in tt.teachers:
        if sts:
            emp.open("INDIVIDU", ID=sts, TYPE="epp")
            emp.leaf("NOM_USAGE", last)
            emp.leaf("NOM_PATRONYMIQUE", last)
            emp.leaf("PRENOM", first)
            emp.leaf("FONCTION", "ENS")
            emp.close("INDIVIDU")
    emp.close("INDIVIDUS")

    def structures(xml, *, courses):
        xml.open("STRUCTURE")
        for nature, section, tag in (("division", "DIVISIONS", "DIVISION"),
                                     ("group", "GROUPES", "GROUPE")):
            rows = [(ident, name) for ident, name in tt.divisions] if nature == "division" else [
                (ident, name) for ident, name, _d in tt.groups]
            if not rows:
                xml.leaf(section)
                continue
            xml.open(section)
            for ident, name in rows:
                xml.open(tag, CODE=name)
                if not courses:
                    xml.leaf("LIBELLE_LONG", name)
                if nature == "group" and members.get(ident):
                    xml.open("DIVISIONS_APPARTENANCE")
                    for division in members[ident]:
                        xml.leaf("DIVISION_APPARTENANCE", CODE=names[division])
                    xml.close("DIVISIONS_APPARTENANCE")
                subjects = placed.get((nature, ident))
                if not subjects:
                    xml.leaf("SERVICES")
                    xml.close(tag)
                    continue
                xml.open("SERVICES")
                for subject, teachers in subjects.items():
                    total = sum(hours[(nature, ident, subject, t)] for t in teachers)
                    xml.open("SERVICE", CODE_MATIERE=national[subject], CODE_MOD_COURS="CG")
                    xml.leaf("HEURES_STRUCTURE", f"{total:.2f}")
                    xml.leaf("CO_ENS", "false")
                    xml.open("ENSEIGNANTS")
                    for teacher, placed_courses in teachers.items():
                        xml.open("ENSEIGNANT", TYPE="epp", ID=sts_of[teacher])
                        xml.leaf("HEURES_AGENT", f"{hours[(nature, ident, subject, teacher)]:.2f}")
                        if courses:
                            xml.open("COURS_RATTACHES")
                            for c in placed_courses:
                                start = DAY_START.hour * 60 + c.place * PLACE_MINUTES
                                xml.open("COURS")
                                xml.leaf("CODE_ALTERNANCE", {None: "H", 1: "A", 0: "B"}[c.parity])
                                xml.leaf("JOUR", str(c.day))
                                xml.leaf("HEURE_DEBUT", _hhmm(start))
                                xml.leaf("DUREE", _hhmm(c.places * PLACE_MINUTES))
                                xml.leaf("CODE_SALLE", tt.rooms[c.room - 1][1] if c.room else "")
                                xml.close("COURS")
                            xml.close("COURS_RATTACHES")
                        xml.close("ENSEIGNANT")
                    xml.close("ENSEIGNANTS")
                    xml.close("SERVICE")
                xml.close("SERVICES")
                xml.close(tag)
            xml.close(section)
        xml.close("STRUCTURE")

    structures(emp, courses=False)
    emp.close("DONNEES")
    emp.close("STS_EDT")

    back = _Xml(text_lines=False)
    back.open("EDT_STS")
    back.open("PARAMETRES")
    back.leaf("UAJ", tt.uai)
    back.leaf("ANNEE_SCOLAIRE", year)
    back.leaf("APPLICATION_SOURCE", "EDITEUR_PRIVE")
    back.close("PARAMETRES")
    back.open("DONNEES")
    back.open("HORAIRES")
    for day in DAYS:
        back.open("HORAIRE", JOUR=str(day))
        back.leaf("DEBUT_COURS", "0800")
        back.leaf("FIN_COURS", "1200" if day == 3 else "1700")
        back.close("HORAIRE")
    back.close("HORAIRES")
    back.open("ALTERNANCES")
    for code, short, long_label, parity in (("H", "Cours Hebd", "Cours Hebdomadaire", None),
                                            ("A", "Semaine A", "Semaine A", 1),
                                            ("B", "Semaine B", "Semaine B", 0)):
        back.open("ALTERNANCE", CODE=code)
        back.leaf("LIBELLE_COURT", short)
        back.leaf("LIBELLE_LONG", long_label)
        back.open("SEMAINES")
        mask = cal.mask(parity)
        for week in range(1, mask.bit_length()):
            if mask >> week & 1:
                monday = cal.first_monday + datetime.timedelta(weeks=week - 1)
                back.leaf("DATE_DEBUT_SEMAINE", monday.isoformat())
        back.close("SEMAINES")
        back.close("ALTERNANCE")
    back.close("ALTERNANCES")
    back.open("SALLES_COURS")
    for _ident, name in tt.rooms:
        back.open("SALLE_COURS", CODE=name)
        back.lines.append("    " * back.depth + "<GROUPE_SALLE></GROUPE_SALLE>")
        back.lines.append("    " * back.depth + "<LOCALISATION></LOCALISATION>")
        back.close("SALLE_COURS")
    back.close("SALLES_COURS")
    back.open("INDIVIDUS")
    for _ident, _last, _first, sts in tt.teachers:
        if sts:
            back.open("INDIVIDU", ID=sts)
            back.leaf("INDEMNITES")
            back.leaf("ARES")
            back.close("INDIVIDU")
    back.close("INDIVIDUS")
    structures(back, courses=True)
    back.close("DONNEES")
    back.close("EDT_STS")
    return [emp.write(out_dir / f"sts_emp_{tt.uai}_{year}.xml"),
            back.write(out_dir / f"emp_sts_{tt.uai}_{year}.xml")]

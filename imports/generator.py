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
from xml.sax.saxutils import quoteattr

from annuaire.models import Enseignement, Inscription, Regroupement, Role
from annuaire.text import name_key

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


def _monday(date):
    return date - datetime.timedelta(days=date.weekday())


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
        return (_monday(date) - self.first_monday).days // 7 + 1


def calendar_for(today):
    """The school year of ``today``: rentrée on the first weekday from September 1, classes
    until the first days of July, two-week holidays at Toussaint, Christmas, winter and spring."""
    sept1 = school_year_start(today)
    start = sept1 + datetime.timedelta(days=(7 - sept1.weekday()) % 7 if sept1.weekday() >= 5 else 0)
    first_monday = _monday(sept1)
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
    subjects: list = field(default_factory=list)  # (ident, code, label)
    teachers: list = field(default_factory=list)  # (ident, last, first, sts id)
    divisions: list = field(default_factory=list)  # (ident, name)
    groups: list = field(default_factory=list)  # (ident, name, division idents)
    rooms: list = field(default_factory=list)  # (ident, name)
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
    return teachers, structures, services, group_divisions


def timetable_build(*, etab, today=None, seed=1):
    """The timetable of ``etab``'s directory for the school year of ``today``."""
    today = today or datetime.date.today()
    rng = random.Random(seed)
    teachers, structures, services, group_divisions = _directory(etab)
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
    subject_ident = {}
    for service in services:
        key = service.matiere_id or 0
        if key not in subject_ident:
            subject_ident[key] = str(len(subject_ident) + 1)
            if service.matiere is None:
                tt.subjects.append((subject_ident[key], "AUTRE", "AUTRE ENSEIGNEMENT"))
            else:
                code = "".join(c for c in name_key(service.matiere.libelle).upper() if c.isalnum())
                tt.subjects.append((subject_ident[key], code[:5] or service.matiere.code,
                                    service.matiere.libelle))
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
    lines += [f"    <Matiere {_attrs(Ident=i, Code=c, Libelle=label)}/>" for i, c, label in tt.subjects]
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
    lines += ["  </Salles>", "  <Cours>"]
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


def sts_write(tt, out_dir):
    raise NotImplementedError("STS-web pair: not written yet")

"""Index Éducation's "export ENT" (EDT / PRONOTE): plaintext ``ExportEmploiDuTemps`` or the
encrypted container ``EXPORT_INDEX_EDUCATION`` around it (``shared/formats/timetable.md`` §1.1,
§1.2). A pure, streaming parser: bytes in, records of ``records.py`` out, Header first.

Choices the format leaves to us:

- Weeks: bit *i* (i ≥ 1) of a ``Semaines`` mask is school week *i*, whose Monday is
  ``DatePremierJourSemaine1 + 7 × (i − 1)`` days; bit 0 is unused. A course's weeks are the
  union of its items' weeks less the weeks of ``SemainesAnnulation`` (kept in ``cancelled``).
  An item's weeks are left empty when they are those of the whole course.
- ``PartieDeClasse`` in a course (a part of one class) becomes a ``division`` item of that
  class: its pupils belong to it, and entcore's way (ignoring it) would lose the audience.
  ``Eleve``, ``Personnel``, ``Materiel``, ``Etiquette`` and ``Periode`` items are not kept.
- Courses carry no identifier in the file: ``Course.ident`` is its rank in the file, from 1.
- Alternances: Index writes a fortnightly course as a mask of every other week, minus the
  weeks the establishment left out (see ``_alternances``). A course whose weeks are all of one
  parity and cover most of the school weeks of that parity gets alternance « A » (the parity of
  week 1) or « B » (the other); an Alternance record is yielded for each one used.
- A course that cannot be placed (no or unknown subject, place off the grid, day not open) is
  still yielded, with ``problems`` in French and start = end = 00:00 when it has no hours.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from .crypto import CONTAINER_ROOT, container_decrypt, container_from_events, edt_decrypt
from .records import (
    Alternance,
    Course,
    CourseItem,
    Division,
    Group,
    Header,
    Pupil,
    Room,
    Subject,
    Teacher,
    TimetableFileError,
)
from .xmlsafe import DEFAULT_MAX_BYTES, local_name, safe_iterparse

__all__ = ["DEFAULT_MAX_BYTES", "edt_decrypt", "mask_mondays", "parse_edt"]

PLAIN_NS = "http://www.index-education.com/exportemploidutemps"
PLAIN_ROOT = "ExportEmploiDuTemps"
ITEM_KINDS = {"Professeur": "teacher", "Classe": "division", "Groupe": "group", "Salle": "room"}
# A week set is an alternance when it covers at least this share of the school weeks of its parity:
# Index's fortnightly masks of the sample drop one or two weeks (exams, the last week).
ALTERNANCE_COVERAGE = 0.75
ALTERNANCE_MIN_WEEKS = 4
NO_TIME = datetime.time(0, 0)


def mask_mondays(mask, first_monday):
    """The Mondays of the school weeks of a ``Semaines`` mask: bit i (i ≥ 1) is week i."""
    return frozenset(
        first_monday + datetime.timedelta(weeks=i - 1) for i in range(1, mask.bit_length()) if mask >> i & 1
    )


def parse_edt(source, *, file_name="", partner_name="", private_key=None, max_bytes=DEFAULT_MAX_BYTES):
    """Records of an EDT/PRONOTE export, ``source`` being its bytes or its path: Header,
    Subject, Teacher, Division, Group, Room, Alternance, then Course."""
    if not isinstance(source, bytes | bytearray):
        file_name = file_name or Path(source).name
    events = safe_iterparse(source, file=file_name, max_bytes=max_bytes)
    _event, root = next(events)
    name = local_name(root)
    if name == CONTAINER_ROOT:
        container = container_from_events(events, root, file=file_name)
        plain = container_decrypt(container, partner_name=partner_name, private_key=private_key,
                                  file=file_name, max_bytes=max_bytes)
        inner_file = f"{file_name} (contenu déchiffré)" if file_name else "contenu déchiffré"
        inner = safe_iterparse(plain, file=inner_file, max_bytes=max_bytes)
        _event, inner_root = next(inner)
        if local_name(inner_root) != PLAIN_ROOT:
            raise TimetableFileError(
                f"le contenu déchiffré commence par <{local_name(inner_root)}> au lieu de <{PLAIN_ROOT}>",
                file=inner_file, line=inner_root.sourceline,
            )
        yield from _Reader(inner, inner_root, file=inner_file, header_file=file_name,
                           software=container.software).records()
    elif name == PLAIN_ROOT:
        yield from _Reader(events, root, file=file_name, header_file=file_name).records()
    else:
        raise TimetableFileError(
            f"élément racine <{name}> inattendu : un export EDT/PRONOTE commence par <{PLAIN_ROOT}> "
            f"(en clair) ou <{CONTAINER_ROOT}> (chiffré)",
            file=file_name, line=root.sourceline,
        )


@dataclass
class _Grid:
    places: dict = field(default_factory=dict)  # Numero → (start, end)
    days: frozenset = frozenset()


class _Reader:
    def __init__(self, events, root, *, file, header_file, software=""):
        self.events, self.root, self.file = events, root, file
        self.header_file, self.software = header_file, software
        self.header = None
        self.grid = None
        self.subjects = set()
        self.class_of_part = {}
        self.week_cache = {}
        # Courses wait for the end of the file: whether a week set is an alternance depends on
        # the school weeks, which only all the courses together tell.
        self.courses = []
        self.planned = []  # per course: its weeks before cancellations, for the alternances

    # -- helpers --------------------------------------------------------------------------

    def _error(self, message, element):
        return TimetableFileError(message, file=self.file, line=element.sourceline)

    def _required(self, element, attribute):
        value = (element.get(attribute) or "").strip()
        if not value:
            raise self._error(f"<{local_name(element)}> sans attribut {attribute}", element)
        return value

    def _date(self, element, attribute, *, required=True):
        value = (element.get(attribute) or "").strip()
        if not value:
            if required:
                raise self._error(f"<{local_name(element)}> sans attribut {attribute}", element)
            return None
        try:
            # xs:date may carry a time zone after the day.
            return datetime.date.fromisoformat(value[:10])
        except ValueError as exc:
            raise self._error(f"{attribute}=« {value} » n'est pas une date (AAAA-MM-JJ)", element) from exc

    def _time(self, element, attribute):
        value = self._required(element, attribute)
        try:
            return datetime.time.fromisoformat(value)
        except ValueError as exc:
            raise self._error(f"{attribute}=« {value} » n'est pas une heure (HH:MM:SS)", element) from exc

    def _mondays(self, mask):
        weeks = self.week_cache.get(mask)
        if weeks is None:
            weeks = self.week_cache[mask] = mask_mondays(mask, self.header.first_monday)
        return weeks

    # -- the walk -------------------------------------------------------------------------

    def records(self):
        depth = 1
        for event, element in self.events:
            if event == "start":
                depth += 1
                if depth == 2 and self.header is None and local_name(element) != "AnneeScolaire":
                    raise self._error(
                        f"<{local_name(element)}> avant <AnneeScolaire> : "
                        "l'année scolaire doit venir en premier",
                        element,
                    )
                continue
            depth -= 1
            if depth == 1:
                name = local_name(element)
                if name == "AnneeScolaire":
                    yield self._read_header(element)
                elif name == "GrilleHoraire":
                    self.grid = self._read_grid(element)
                element.clear()
                while element.getprevious() is not None:
                    del self.root[0]
            elif depth == 2:
                section = local_name(element.getparent())
                if section == "GrilleHoraire":
                    continue  # read whole when it ends
                record = self._read_entry(section, element)
                if record is not None:
                    yield record
                element.clear()
                parent = element.getparent()
                while element.getprevious() is not None:
                    del parent[0]
        if self.header is None:
            raise TimetableFileError("élément <AnneeScolaire> absent : impossible de dater les semaines",
                                     file=self.file, line=self.root.sourceline)
        yield from self._alternances_and_courses()

    def _read_header(self, element):
        self.header = Header(
            source="edt",
            uai=(self.root.get("UAI") or "").strip(),
            year_start=self._date(element, "DateDebut"),
            year_end=self._date(element, "DateFin"),
            first_monday=self._date(element, "DatePremierJourSemaine1"),
            software=self.software,
            file=self.header_file,
        )
        return self.header

    def _read_grid(self, element):
        grid = _Grid()
        days = set()
        for child in element.iter():
            name = local_name(child)
            if name == "Jour":
                try:
                    days.add(int((child.text or "").strip()))
                except ValueError as exc:
                    raise self._error(f"jour ouvré « {child.text} » : un numéro de 1 à 7 est attendu",
                                      child) from exc
            elif name == "Place":
                number = self._required(child, "Numero")
                if not number.isdigit():
                    raise self._error(f"place Numero=« {number} » : un nombre est attendu", child)
                grid.places[int(number)] = (self._time(child, "LibelleHeureDebut"),
                                            self._time(child, "LibelleHeureFin"))
        grid.days = frozenset(days) if days else frozenset(range(1, 8))
        return grid

    def _read_entry(self, section, element):
        name = local_name(element)
        line = element.sourceline
        if section == "Matieres" and name == "Matiere":
            ident = self._required(element, "Ident")
            self.subjects.add(ident)
            return Subject(ident=ident, code=(element.get("Code") or "").strip(),
                           label=(element.get("Libelle") or "").strip(), line=line)
        if section == "Professeurs" and name == "Professeur":
            return Teacher(
                ident=self._required(element, "Ident"),
                last_name=(element.get("Nom") or "").strip(),
                first_name=(element.get("Prenom") or "").strip(),
                birth_date=self._date(element, "DateNaissance", required=False),
                sts_id=(element.get("IDSTS") or "").strip(),
                pronote_id=(element.get("IDPN") or "").strip(),
                line=line,
            )
        if section == "Classes" and name == "Classe":
            ident = self._required(element, "Ident")
            for part in element:
                if local_name(part) == "PartieDeClasse" and part.get("Ident"):
                    self.class_of_part[part.get("Ident").strip()] = ident
            return Division(ident=ident, name=(element.get("Nom") or "").strip(), line=line)
        if section == "Groupes" and name == "Groupe":
            divisions, parts, pupils = [], [], []
            for child in element:
                kind, ident = local_name(child), (child.get("Ident") or "").strip()
                division = ident if kind == "Classe" else self.class_of_part.get(ident) \
                    if kind == "PartieDeClasse" else None
                if division and division not in divisions:
                    divisions.append(division)
                if kind == "PartieDeClasse" and ident:
                    parts.append(ident)
                elif kind == "Eleve" and ident:
                    pupils.append(ident)
            return Group(ident=self._required(element, "Ident"), name=(element.get("Nom") or "").strip(),
                         divisions=tuple(divisions), line=line, parts=tuple(parts),
                         pupils=tuple(pupils))
        if section == "Eleves" and name == "Eleve":
            classes = tuple((c.get("Ident") or "").strip() for c in element
                            if local_name(c) == "Classe" and c.get("Ident"))
            parts = tuple((c.get("Ident") or "").strip() for c in element
                          if local_name(c) == "PartieDeClasse" and c.get("Ident"))
            return Pupil(
                ident=self._required(element, "Ident"),
                last_name=(element.get("Nom") or "").strip(),
                first_name=(element.get("Prenom") or "").strip(),
                birth_date=self._date(element, "DateNaissance", required=False),
                ine=(element.get("NumeroNational") or "").strip(),
                sconet_id=(element.get("IDSconet") or "").strip(),
                classes=classes, parts=parts, line=line)
        if section == "Salles" and name == "Salle":
            return Room(ident=self._required(element, "Ident"), name=(element.get("Nom") or "").strip(),
                        line=line)
        if section == "Cours" and name == "Cours":
            self._read_course(element)
        return None

    def _int(self, element, attribute, problems):
        value = (element.get(attribute) or "").strip()
        if not value.isdigit():
            problems.append(f"{attribute}=« {value} » : un nombre entier est attendu" if value
                            else f"attribut {attribute} absent")
            return None
        return int(value)

    def _read_course(self, element):
        problems = []
        day = self._int(element, "Jour", problems)
        first = self._int(element, "NumeroPlaceDebut", problems)
        count = self._int(element, "NombrePlaces", problems)
        start = end = None
        if self.grid is None:
            problems.append("grille horaire (<GrilleHoraire>) absente : heures inconnues")
        elif first is not None and count is not None:
            places = self.grid.places
            last = first + count - 1
            if count < 1:
                problems.append(f"NombrePlaces={count} : un cours occupe au moins une place")
            elif first not in places or last not in places:
                known = f"places {min(places)} à {max(places)}" if places else "aucune place"
                problems.append(f"places {first} à {last} hors de la grille horaire ({known})")
            else:
                start, end = places[first][0], places[last][1]
        if day is not None and self.grid is not None and day not in self.grid.days:
            days = ", ".join(str(d) for d in sorted(self.grid.days))
            problems.append(f"jour {day} hors des jours ouvrés ({days})")

        subject = ""
        items = []
        for child in element:
            name = local_name(child)
            if name == "Matiere":
                ident = (child.get("Ident") or "").strip()
                if subject:
                    problems.append(f"plusieurs matières (la matière {ident} est ignorée)")
                elif ident and ident not in self.subjects:
                    problems.append(f"matière {ident} inconnue (absente de <Matieres>)")
                    subject = ident
                else:
                    subject = ident
                continue
            if name == "PartieDeClasse":
                part = (child.get("Ident") or "").strip()
                kind, ident = "division", self.class_of_part.get(part, "")
                if not ident:
                    problems.append(f"partie de classe {part} inconnue (rattachée à aucune classe)")
                    continue
            elif name in ITEM_KINDS:
                kind, ident = ITEM_KINDS[name], (child.get("Ident") or "").strip()
            else:
                continue
            mask = child.get("Semaines")
            if mask is None:
                mask = child.get("SemainesInclusion")
            weeks = None
            if mask is not None:
                mask = mask.strip()
                if mask.isdigit():
                    weeks = self._mondays(int(mask))
                else:
                    problems.append(f"{name} {ident} : Semaines=« {mask} » n'est pas un masque de semaines")
            items.append((kind, ident, weeks))
        if not subject:
            problems.append("aucune matière")

        planned = frozenset().union(*(weeks for _k, _i, weeks in items if weeks is not None))
        cancelled = frozenset()
        cancel_mask = (element.get("SemainesAnnulation") or "").strip()
        if cancel_mask.isdigit():
            cancelled = self._mondays(int(cancel_mask))
        elif cancel_mask:
            problems.append(f"SemainesAnnulation=« {cancel_mask} » n'est pas un masque de semaines")
        weeks = planned - cancelled
        course_items = []
        seen = set()
        for kind, ident, item_weeks in items:
            if item_weeks is None or item_weeks == planned:
                item_weeks = frozenset()
            else:
                item_weeks = item_weeks - cancelled
            key = (kind, ident, item_weeks)
            if key not in seen:  # a class named twice, or two parts of one class
                seen.add(key)
                course_items.append(CourseItem(kind=kind, ident=ident, weeks=item_weeks))
        self.planned.append(planned)
        self.courses.append(Course(
            ident=str(len(self.courses) + 1),
            day=day or 0,
            start=start or NO_TIME,
            end=end or NO_TIME,
            subject=subject,
            items=tuple(course_items),
            weeks=weeks,
            cancelled=cancelled,
            line=element.sourceline,
            problems=tuple(problems),
        ))

    # -- alternances ----------------------------------------------------------------------

    def _alternances_and_courses(self):
        alternances = _alternances(self.planned, self.header.first_monday)
        used = {}
        for planned_weeks in self.planned:
            code, weeks = alternances.get(planned_weeks, ("", None))
            if code:
                used[code] = weeks
        for code in sorted(used):
            yield Alternance(code=code, label=f"Semaine {code}", weeks=used[code])
        for planned_weeks, course in zip(self.planned, self.courses, strict=True):
            code = alternances.get(planned_weeks, ("", None))[0]
            yield replace(course, alternance=code) if code else course


def _alternances(week_sets, first_monday):
    """``{week set: (code, weeks of the alternance)}`` for the sets that are every other week.

    The school weeks are those in which at least half as many courses happen as in the busiest
    one: a few courses held in a week the others skip (a trip, an exam week) do not make it a
    school week. A set is an alternance when its weeks all have one parity (counted from week 1:
    Index alternates through holidays, the sample's fortnightly courses skip from week 7 to 10)
    and cover most of the school weeks of that parity.
    """
    per_week = Counter()
    for weeks in week_sets:
        per_week.update(weeks)
    if not per_week:
        return {}
    busiest = max(per_week.values())
    school = {monday for monday, n in per_week.items() if 2 * n >= busiest}

    def parity(monday):
        return ((monday - first_monday).days // 7) % 2  # 0: weeks 1, 3, 5…

    by_parity = {p: frozenset(m for m in school if parity(m) == p) for p in (0, 1)}
    if not by_parity[0] or not by_parity[1]:
        return {}
    result = {}
    for weeks in set(week_sets):
        if len(weeks) < ALTERNANCE_MIN_WEEKS:
            continue
        parities = {parity(monday) for monday in weeks}
        if len(parities) != 1:
            continue
        p = parities.pop()
        if len(weeks & by_parity[p]) >= ALTERNANCE_COVERAGE * len(by_parity[p]):
            result[weeks] = ("A" if p == 0 else "B", by_parity[p])
    return result

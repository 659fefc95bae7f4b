"""A deterministic generator of a fictitious académie, written as AAF XML files.

Shape: that of the real samples (``../shared/samples/aaf``): the attribute names and order of
the MEN 2013 set completed with the later attributes (INE, addresses, VE1711 contact fields,
VE2407 teacher category), the VE2407 header comments, ``$``-separated values that start with
the structure's join id, dd/mm/yyyy dates, O/N booleans, ``<value/>`` for an empty value.

Content: collèges and lycées with their divisions and groups, pupils with their families
(siblings sharing parents, sometimes across two establishments), staff with their teaching
assignments and functions, and the subject and MEF nomenclatures every code resolves in. A few
records carry the mistakes secretariats make (several people in one record, a person entered
twice), at a small deterministic rate.

Scale: the académie is cut into blocks of one or two establishments. Everything in a block
derives from ``(seed, block index)`` alone, so a block can be regenerated on its own, memory
holds one block at a time, and a Delta is computed by regenerating the blocks of the Complet
it follows. Records are written one by one as plain strings.
"""

import datetime
import math
import os
import random
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path

from annuaire.text import fold

from . import generator_names as names

POPULATION_ORDER = ("EtabEducNat", "MatiereEducNat", "MefEducNat", "Eleve", "PersRelEleve",
                    "PersEducNat")
PERSON_POPULATIONS = ("Eleve", "PersRelEleve", "PersEducNat")
ENCODINGS = {"utf-8": "UTF-8", "iso-8859-15": "ISO-8859-15"}
PUPIL_SHARE = 0.45
ID_BASE = 2_000_000
STRUCTURE_BASE = 50_000
ANOMALY_RATE = 0.002
COLLEGE_LEVELS = ("6", "5", "4", "3")
LYCEE_LEVELS = ("2NDE", "1G", "TG")
GROUP_PREFIX = {"6": "6", "5": "5", "4": "4", "3": "3", "2NDE": "2", "1G": "1", "TG": "T"}
UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"

# Subjects taught to whole divisions, per level; options are taught to groups.
DIVISION_SUBJECTS = {
    "6": ("020700", "061300", "040600", "041400", "030201", "062900", "070800", "090100",
          "081300", "100100", "008400"),
    "5": ("020700", "061300", "040600", "041400", "030201", "062900", "062300", "070800",
          "090100", "081300", "100100", "008400"),
    "2NDE": ("020700", "061300", "040600", "043800", "030201", "062900", "062300", "050700",
             "074600", "100100", "008400"),
    "1G": ("020700", "040600", "043800", "030201", "065300", "100100", "008400"),
    "TG": ("010300", "040600", "043800", "030201", "065300", "100100", "008400"),
}
DIVISION_SUBJECTS["4"] = DIVISION_SUBJECTS["3"] = DIVISION_SUBJECTS["5"]
# Speciality groups of the lycée: subject code, group code part, weight of the choice.
SPECIALITIES = (("061300", "MATHS", 30), ("062300", "PC", 20), ("062900", "SVT", 18),
                ("050700", "SES", 16), ("043900", "HGGSP", 12), ("074700", "NSI", 6))
# Who teaches a subject: the discipline pool whose teachers take it.
POOL_OF_SUBJECT = {"043900": "040600", "074700": "061300", "074600": "061300",
                   "065300": "062300"}
# Subjects that follow another teacher of the division rather than a pool of their own.
CIVICS = {"041400", "043800"}
VIE_DE_CLASSE = "008400"
# Teaching units (divisions or groups) one teacher takes, per pool.
TEACHER_LOAD = {"020700": 4, "061300": 5, "040600": 5, "030201": 6, "030602": 7, "030102": 7,
                "062900": 9, "062300": 8, "070800": 10, "090100": 16, "081300": 16,
                "100100": 6, "020100": 6, "050700": 8, "010300": 4}

ELEVE_ATTRIBUTES = (
    "ENTPersonJointure", "ENTEleveINE", "ENTEleveStructRattachId", "ENTPersonDateNaissance",
    "ENTPersonNomPatro", "sn", "givenName", "ENTPersonAutresPrenoms", "personalTitle",
    "ENTEleveParents", "ENTElevePere", "ENTEleveMere", "ENTEleveAutoriteParentale",
    "ENTElevePersRelEleve1", "ENTEleveQualitePersRelEleve1", "ENTElevePersRelEleve2",
    "ENTEleveQualitePersRelEleve2", "ENTElevePersRelEleve", "ENTEleveBoursier",
    "ENTEleveRegime", "ENTEleveTransport", "ENTPersonAdresse", "ENTPersonCodePostal",
    "ENTPersonVille", "ENTPersonPays", "ENTEleveAdresseRel", "ENTEleveStatutEleve",
    "ENTEleveMEF", "ENTEleveLibelleMEF", "ENTEleveNivFormation", "ENTEleveFiliere",
    "ENTEleveEnseignements", "ENTEleveCodeEnseignements", "ENTPersonStructRattach",
    "ENTEleveDateEntreeClasses", "ENTEleveDateSortieClasses", "ENTEleveClasses",
    "ENTEleveGroupes",
)
RELATIVE_ATTRIBUTES = (
    "ENTPersonJointure", "ENTPersonDateNaissance", "ENTPersonNomPatro", "sn", "givenName",
    "personalTitle", "homePhone", "telephoneNumber", "ENTPersonAdresse", "ENTPersonCodePostal",
    "ENTPersonVille", "ENTPersonPays", "ENTPersonAdresseDiffusion", "mobile", "mail",
    "ENTPersonMobileSMS",
)
STAFF_ATTRIBUTES = (
    "ENTPersonJointure", "ENTPersonDateNaissance", "ENTPersonNomPatro", "sn", "givenName",
    "ENTPersonAutresPrenoms", "personalTitle", "mail", "ENTPersonStructRattach",
    "ENTAuxEnsCategoDiscipline", "ENTAuxEnsDisciplinesPoste", "ENTAuxEnsMEF",
    "ENTAuxEnsMatiereEnseignEtab", "ENTAuxEnsClasses", "ENTAuxEnsGroupes",
    "ENTAuxEnsClassesMatieres", "ENTAuxEnsGroupesMatieres", "ENTAuxEnsClassesPrincipal",
    "ENTPersonFonctions", "ENTPersonCategorieEnseignant", "PersEducNatPresenceDevantEleves",
)


def xml_escape(value):
    """Text content as AAF files write it: ``&amp;``, ``&lt;``, ``&gt;`` and ``&apos;``."""
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if "'" in value:
        value = value.replace("'", "&apos;")
    return value


@lru_cache(maxsize=8192)
def _upper(value):
    """A name as the national staff directories write it: upper case, no accents."""
    return fold(value).upper()


@lru_cache(maxsize=8192)
def _slug(value):
    return "".join(c for c in fold(value).replace(" ", "-") if c.isalnum() or c == "-").strip("-")


def uai_key(seven_digits):
    """The check letter of a UAI (RNE) code: the 7 digits modulo 23, in a 23-letter alphabet."""
    return UAI_LETTERS[int(seven_digits) % 23]


def _fr_date(day):
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


# --- Specification and plan --------------------------------------------------------------------
@dataclass(frozen=True)
class AcademieSpec:
    """What to generate. Equal specs give equal files, byte for byte."""

    accounts: int = 2200
    etabs: int = 0  # 0: about one establishment per 1,500 accounts, at least two
    seed: int = 1
    date: datetime.date = datetime.date(2024, 9, 16)
    prefix: str = "ENT2DVA-DEMO"
    academie: str = "LYON"
    academie_code: str = "10"

    @property
    def etab_count(self):
        if self.etabs:
            return self.etabs
        return max(2, round(self.accounts / 1500))

    @property
    def school_year(self):
        """The first calendar year of the school year the export belongs to."""
        return self.date.year if self.date.month >= 8 else self.date.year - 1


@dataclass(frozen=True)
class OutputOptions:
    encoding: str = "utf-8"
    crlf: bool = False
    records_per_file: int = 50_000
    xml_declaration: bool = True

    def __post_init__(self):
        if self.encoding not in ENCODINGS:
            raise ValueError(f"encodage non pris en charge : {self.encoding}")
        if self.records_per_file < 1:
            raise ValueError("records_per_file doit être positif")
        if not self.xml_declaration and self.encoding != "utf-8":
            raise ValueError("sans déclaration XML, un fichier AAF est lu en UTF-8")


@dataclass(frozen=True, slots=True)
class EtabPlan:
    index: int
    jointure: str
    uai: str
    kind: str  # "college" or "lycee"
    eponym: str
    city: tuple
    pupils: int
    attach_base: int

    @property
    def levels(self):
        return COLLEGE_LEVELS if self.kind == "college" else LYCEE_LEVELS


@dataclass(frozen=True)
class Plan:
    etabs: tuple
    blocks: tuple  # tuples of establishment indexes
    stride: int  # identifiers reserved per block; the upper half is for Delta additions


def academie_plan(*, spec):
    """The establishments and blocks of an académie: cheap, computed from the seed alone."""
    rng = random.Random(f"aaf-plan:{spec.seed}")
    count = spec.etab_count
    kinds = ["lycee" if i % 3 == 2 else "college" for i in range(count)]
    weights = [(2.0 if kind == "lycee" else 1.0) * rng.uniform(0.8, 1.2) for kind in kinds]
    total_pupils = max(8 * count, round(spec.accounts * PUPIL_SHARE))
    shares = [total_pupils * w / sum(weights) for w in weights]
    pupils = [max(8, int(s)) for s in shares]
    by_remainder = sorted(range(count), key=lambda i: (int(shares[i]) - shares[i], i))
    for i in by_remainder[: max(0, total_pupils - sum(pupils))]:
        pupils[i] += 1
    used_uai, used_names, etabs = set(), set(), []
    for i in range(count):
        city = names.CITIES[rng.randrange(len(names.CITIES))]
        while True:
            digits = f"{city[2]}{rng.randrange(10000):04d}"
            if digits not in used_uai:
                used_uai.add(digits)
                break
        eponym = names.ETAB_EPONYMS[rng.randrange(len(names.ETAB_EPONYMS))]
        for _attempt in range(5):
            if (eponym, city[0]) not in used_names:
                break
            eponym = names.ETAB_EPONYMS[rng.randrange(len(names.ETAB_EPONYMS))]
        used_names.add((eponym, city[0]))
        etabs.append(EtabPlan(
            index=i, jointure=str(STRUCTURE_BASE + i), uai=digits + uai_key(digits),
            kind=kinds[i], eponym=eponym, city=city, pupils=pupils[i],
            attach_base=rng.randrange(100_000, 800_000)))
    blocks = tuple(tuple(range(i, min(i + 2, count))) for i in range(0, count, 2))
    biggest = max(sum(pupils[i] for i in block) for block in blocks)
    stride = math.ceil(2 * (4 * biggest + 400) / 1000) * 1000
    return Plan(etabs=tuple(etabs), blocks=blocks, stride=stride)


# --- People of a block -------------------------------------------------------------------------
# Text fields below hold XML-escaped values: these objects exist to be written.
@dataclass(slots=True, eq=False)
class Division:
    etab: EtabPlan
    level: str
    code: str


@dataclass(slots=True, eq=False)
class Group:
    etab: EtabPlan
    level: str
    code: str
    subject: str


@dataclass(slots=True, eq=False)
class Address:
    lines: str  # four lines joined with « $ »
    postal_code: str
    city: str


@dataclass(slots=True, eq=False)
class Relative:
    id: str
    title: str
    sn: str
    given: str
    patro: str
    address: Address
    home_phone: str
    mobile: str
    mail: str
    raw_sn: str = ""


@dataclass(slots=True, eq=False)
class Link:
    relative: Relative
    code: str
    financier: int
    legal: int
    contact: int
    paiement: int


@dataclass(slots=True, eq=False)
class Pupil:
    id: str
    etab: EtabPlan
    division: Division
    groups: list
    subjects: list
    title: str = ""
    sn: str = ""
    given: str = ""
    patro: str = ""
    other_names: list = field(default_factory=list)
    birth: str = ""
    attach_id: str = ""
    regime: str = ""
    boursier: str = "N"
    transport: str = "N"
    links: list = field(default_factory=list)
    address: Address | None = None
    address_rel: str = ""
    entry: str = ""
    exit: str = ""


@dataclass(slots=True, eq=False)
class Staff:
    id: str
    etab: EtabPlan
    function: tuple  # (code, label, discipline code, discipline label)
    title: str = ""
    sn: str = ""
    given: str = ""
    patro: str = ""
    other_names: list = field(default_factory=list)
    birth: str = ""
    mail: str = ""
    pool: str = ""  # teachers: the subject pool they belong to
    division_units: list = field(default_factory=list)  # (division, subject)
    group_units: list = field(default_factory=list)  # (group, subject)
    principal: list = field(default_factory=list)  # divisions


@dataclass(slots=True, eq=False)
class Family:
    pupils: list
    relatives: list
    surname: str  # raw
    address: Address


@dataclass
class Block:
    index: int
    etabs: tuple
    divisions: list
    pupils: list
    relatives: list
    staff: list
    families: list

    @property
    def person_count(self):
        return len(self.pupils) + len(self.relatives) + len(self.staff)


class _People:
    """Names, dates, addresses and identifiers drawn from one block's random stream."""

    def __init__(self, rng, spec, plan, block_index):
        self.rng = rng
        self.spec = spec
        self.base = ID_BASE + block_index * plan.stride
        self.limit = plan.stride // 2
        self.local = 0
        self.mail_domain = f"ac-{_slug(spec.academie)}.example"

    def new_id(self):
        if self.local >= self.limit:
            raise RuntimeError("bloc plus grand que la plage d'identifiants prévue")
        self.local += 1
        return str(self.base + self.local)

    def first_name(self, female, young=False):
        if young:
            pool = names.YOUNG_FEMALE_FIRST_NAMES if female else names.YOUNG_MALE_FIRST_NAMES
        else:
            pool = names.FEMALE_FIRST_NAMES if female else names.MALE_FIRST_NAMES
        return pool[self.rng.randrange(len(pool))]

    def surname(self):
        return names.SURNAMES[self.rng.randrange(len(names.SURNAMES))]

    def birth(self, year):
        start = datetime.date(year, 1, 1)
        return _fr_date(start + datetime.timedelta(days=self.rng.randrange(365)))

    def address(self, city):
        rng = self.rng
        if rng.random() < 0.05:  # most families live where the school is
            city = names.CITIES[rng.randrange(len(names.CITIES))]
        number = rng.randrange(1, 180)
        suffix = " BIS" if rng.random() < 0.04 else ""
        street = names.STREETS[rng.randrange(len(names.STREETS))]
        line2 = ""
        roll = rng.random()
        if roll < 0.2:
            line2 = f"BAT {'ABCDEF'[rng.randrange(6)]} APPT {rng.randrange(1, 80)}"
        elif roll < 0.3:
            line2 = names.RESIDENCES[rng.randrange(len(names.RESIDENCES))]
        lines = f"{number}{suffix} {street}${line2}$$"
        return Address(xml_escape(lines), city[1], xml_escape(city[0]))

    def phone(self, mobile):
        prefix = ("06", "07")[self.rng.random() < 0.3] if mobile else "04"
        return prefix + f"{self.rng.randrange(100_000_000):08d}"

    def mail(self, given, sn, domain=None):
        rng = self.rng
        if domain is None:
            domain = ("example.com", "example.net", "example.org")[rng.randrange(3)]
            return f"{_slug(given)}.{_slug(sn)}{rng.randrange(1, 99)}@{domain}"
        return f"{_slug(given)}.{_slug(sn)}@{domain}"


def _levels_split(rng, total, levels):
    shares = [rng.uniform(0.9, 1.1) for _ in levels]
    counts = [int(total * s / sum(shares)) for s in shares]
    for i in range(total - sum(counts)):
        counts[i % len(counts)] += 1
    return counts


def _chunks(items, size):
    """``items`` cut into the fewest chunks of at most ``size``, of even lengths."""
    if not items:
        return []
    n = math.ceil(len(items) / size)
    per, extra = divmod(len(items), n)
    out, start = [], 0
    for i in range(n):
        end = start + per + (1 if i < extra else 0)
        out.append(items[start:end])
        start = end
    return out


def _division_code(level, i):
    if level in COLLEGE_LEVELS:
        return f"{level}{chr(65 + i)}" if i < 26 else f"{level}{i + 1}"
    return f"{level}{i + 1}"


def _schooling(rng, etab):
    """Divisions, groups and pupils (without identity) of one establishment."""
    divisions, pupils = [], []
    counts = _levels_split(rng, etab.pupils, etab.levels)
    per_division = 26 if etab.kind == "college" else 32
    for level, count in zip(etab.levels, counts, strict=True):
        n_div = max(1, round(count / per_division))
        level_divisions = [Division(etab, level, _division_code(level, i)) for i in range(n_div)]
        divisions.extend(level_divisions)
        level_pupils = []
        for i in range(count):
            division = level_divisions[i * n_div // max(1, count)]
            level_pupils.append(Pupil(
                id="", etab=etab, division=division, groups=[],
                subjects=list(DIVISION_SUBJECTS[level])))
        options = {}
        for pupil in level_pupils:
            if level != "6":
                lv2 = "030602" if rng.random() < 0.7 else "030102"
                options.setdefault(("ESP" if lv2 == "030602" else "ALL", lv2), []).append(pupil)
            if level in ("5", "4", "3") and rng.random() < 0.18:
                options.setdefault(("LAT", "020100"), []).append(pupil)
            if level in ("1G", "TG"):
                chosen = []
                while len(chosen) < (3 if level == "1G" else 2):
                    pick = rng.choices(SPECIALITIES, weights=[s[2] for s in SPECIALITIES])[0]
                    if pick not in chosen:
                        chosen.append(pick)
                for subject, part, _weight in sorted(chosen):
                    options.setdefault((part, subject), []).append(pupil)
        for (part, subject), members in sorted(options.items()):
            size = 30 if level in ("1G", "TG") else 28
            for k, chunk in enumerate(_chunks(members, size), start=1):
                group = Group(etab, level, f"{GROUP_PREFIX[level]}{part}{k}", subject)
                for pupil in chunk:
                    pupil.groups.append(group)
                    pupil.subjects.append(subject)
        pupils.extend(level_pupils)
    return divisions, pupils


def _teachers(rng, etab, divisions, groups):
    """Teachers of one establishment, each with their divisions, groups and subjects."""
    pools = {}
    for division in divisions:
        for subject in DIVISION_SUBJECTS[division.level]:
            if subject in CIVICS or subject == VIE_DE_CLASSE:
                continue
            pools.setdefault(POOL_OF_SUBJECT.get(subject, subject), []).append(
                ("division", division, subject))
    for group in groups:
        pools.setdefault(POOL_OF_SUBJECT.get(group.subject, group.subject), []).append(
            ("groupe", group, group.subject))
    teachers = []
    history_teacher = {}
    for pool in sorted(pools):
        units = pools[pool]
        n = max(1, math.ceil(len(units) / TEACHER_LOAD.get(pool, 6)))
        for chunk in _chunks(units, math.ceil(len(units) / n)):
            teacher = Staff(id="", etab=etab, function=(), pool=pool)
            for nature, unit, subject in chunk:
                if nature == "division":
                    teacher.division_units.append((unit, subject))
                    if pool == "040600":
                        history_teacher[unit.code] = teacher
                else:
                    teacher.group_units.append((unit, subject))
            teachers.append(teacher)
    for division in divisions:
        civics = [s for s in DIVISION_SUBJECTS[division.level] if s in CIVICS]
        teacher = history_teacher.get(division.code)
        if teacher is not None:
            teacher.division_units.extend((division, s) for s in civics)
    teachers_of = {}
    for teacher in teachers:
        for division, _subject in teacher.division_units:
            candidates = teachers_of.setdefault(division.code, [])
            if not candidates or candidates[-1] is not teacher:
                candidates.append(teacher)
    principal_counts = {}
    for division in divisions:
        candidates = list(teachers_of.get(division.code, ()))
        if not candidates:
            continue
        rng.shuffle(candidates)
        chosen = min(candidates, key=lambda t: principal_counts.get(id(t), 0))
        principal_counts[id(chosen)] = principal_counts.get(id(chosen), 0) + 1
        chosen.principal.append(division)
        chosen.division_units.append((division, VIE_DE_CLASSE))
    return teachers


def _other_staff(etab):
    p = etab.pupils
    functions = [names.FN_CHEF, names.FN_ADJOINT]
    functions += [names.FN_CPE] * max(1, round(p / 450))
    functions += [names.FN_DOC] * (1 + (p > 900))
    functions += [names.FN_AED] * max(1, round(p / 110))
    functions += [names.FN_GESTION, names.FN_SECRETARIAT] + [names.FN_SECRETARIAT] * (p > 800)
    functions += [names.FN_AGENT] * max(1, round(p / 250))
    functions += [names.FN_INFIRMIER]
    if etab.kind == "lycee":
        functions += [names.FN_LABO] * max(1, round(p / 500))
    return [Staff(id="", etab=etab, function=fn) for fn in functions]


def _name_staff(people, staff, year):
    rng = people.rng
    female = rng.random() < 0.6
    given = people.first_name(female)
    raw_sn = people.surname()
    patro = raw_sn if not female or rng.random() < 0.5 else people.surname()
    staff.title = "Mme" if female else "M."
    staff.sn = xml_escape(_upper(raw_sn))
    staff.patro = xml_escape(_upper(patro))
    staff.given = xml_escape(given)
    staff.other_names = [staff.given] + (
        [xml_escape(people.first_name(female))] if rng.random() < 0.4 else [])
    staff.birth = people.birth(year - rng.randrange(23, 64))
    staff.mail = xml_escape(people.mail(given, raw_sn, people.mail_domain))
    staff.id = people.new_id()


def _family_relatives(people, family_sn, city):
    """The relatives of one family and their links, with the family's shared address."""
    rng = people.rng
    address = people.address(city)
    roll = rng.random()
    links = []

    def relative(female, sn, patro, addr=None):
        given = people.first_name(female)
        rel = Relative(
            id=people.new_id(), title="Mme" if female else "M.", sn=xml_escape(sn),
            given=xml_escape(given), patro=xml_escape(_upper(patro)),
            address=addr or address,
            home_phone=people.phone(False) if rng.random() < 0.5 else "",
            mobile=people.phone(True) if rng.random() < 0.9 else "",
            mail=xml_escape(people.mail(given, sn)) if rng.random() < 0.75 else "",
            raw_sn=sn)
        if rng.random() < 0.003:
            rel.title = ""
        return rel

    if roll < 0.72:
        own = people.surname()
        mother_sn = family_sn if rng.random() < 0.55 else own
        mother = relative(True, mother_sn, own)
        separated = rng.random() < 0.15
        father = relative(False, family_sn, family_sn,
                          people.address(city) if separated else None)
        first, second = (mother, father) if rng.random() < 0.6 else (father, mother)
        second_flags = (0, 1, 1, 0) if rng.random() < 0.5 else (1, 1, 0, 0)
        for rel, flags in ((first, (1, 1, 1, 1)), (second, second_flags)):
            code = names.LINK_MERE if rel is mother else names.LINK_PERE
            links.append(Link(rel, code, *flags))
    elif roll < 0.89:
        links.append(Link(relative(True, family_sn, people.surname()), names.LINK_MERE,
                          1, 1, 1, 1))
    elif roll < 0.95:
        links.append(Link(relative(False, family_sn, family_sn), names.LINK_PERE, 1, 1, 1, 1))
    else:
        code = (names.LINK_TUTEUR, names.LINK_AUTRE_FAMILLE, names.LINK_ASE)[rng.randrange(3)]
        sn = family_sn if code != names.LINK_ASE else people.surname()
        links.append(Link(relative(rng.random() < 0.7, sn, sn), code, 1, 1, 1, 1))
    if rng.random() < 0.06:
        grand = relative(rng.random() < 0.6, family_sn, family_sn, people.address(city))
        links.append(Link(grand, names.LINK_ASCENDANT, 0, 0, 1, 0))
    return links, address


def _regime(rng, etab):
    regimes = names.REGIMES
    pick = rng.choices(regimes, weights=[w * (4 if "INTERNE" in r and etab.kind == "lycee" else 1)
                                         for r, w in regimes])[0]
    return xml_escape(pick[0])


def _identify_pupil(people, pupil, family_sn, links, address, year):
    rng = people.rng
    female = rng.random() < 0.5
    given = people.first_name(female, young=True)
    pupil.id = people.new_id()
    pupil.title = "Mme" if female else "M."
    pupil.sn = xml_escape(family_sn)
    pupil.patro = xml_escape(_upper(family_sn))
    pupil.given = xml_escape(given)
    pupil.other_names = [pupil.given] + [
        xml_escape(people.first_name(female, young=True))
        for _ in range(rng.choice((0, 1, 1, 2)))]
    age = names.LEVELS[pupil.division.level][6]
    delay = 1 if rng.random() < 0.04 else (-1 if rng.random() < 0.01 else 0)
    pupil.birth = people.birth(year - age - delay)
    pupil.regime = _regime(rng, pupil.etab)
    pupil.boursier = "O" if rng.random() < 0.25 else "N"
    pupil.transport = "O" if rng.random() < 0.2 else "N"
    pupil.links = list(links)
    pupil.address = address
    pupil.address_rel = links[0].relative.id


def _rentree(year):
    day = datetime.date(year, 9, 1)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return _fr_date(day)


def academie_block(*, spec, plan, index):
    """Every person of one block, derived from ``(seed, index)`` alone."""
    rng = random.Random(f"aaf-block:{spec.seed}:{index}")
    people = _People(rng, spec, plan, index)
    year = spec.school_year
    rentree = _rentree(year)
    etabs = tuple(plan.etabs[i] for i in plan.blocks[index])
    divisions, pupils, staff, groups_by_etab = [], [], [], {}
    for etab in etabs:
        etab_divisions, etab_pupils = _schooling(rng, etab)
        divisions.extend(etab_divisions)
        pupils.extend(etab_pupils)
        seen, groups = set(), []
        for pupil in etab_pupils:
            for group in pupil.groups:
                if id(group) not in seen:
                    seen.add(id(group))
                    groups.append(group)
        groups_by_etab[etab.index] = groups
    # Families: siblings mostly in one establishment, some across the two of the block.
    stacks = {}
    for pupil in pupils:
        stacks.setdefault(pupil.etab.index, []).append(pupil)
    for stack in stacks.values():
        rng.shuffle(stack)
    families, relatives = [], []
    order = [etab.index for etab in etabs]
    for home in order:
        others = [o for o in order if o != home]
        while stacks[home]:
            size = rng.choices((1, 2, 3), weights=(55, 35, 10))[0]
            kids = [stacks[home].pop()]
            for _ in range(size - 1):
                where = others[0] if others and rng.random() < 0.15 and stacks[others[0]] else home
                if stacks[where]:
                    kids.append(stacks[where].pop())
            family_sn = people.surname()
            if rng.random() < 0.03:
                family_sn = f"{family_sn}-{people.surname()}"
            links, address = _family_relatives(people, family_sn, kids[0].etab.city)
            for kid in kids:
                _identify_pupil(people, kid, family_sn, links, address, year)
                kid.entry = f"{kid.etab.jointure}${rentree}${kid.division.code}"
            family = Family(kids, [link.relative for link in links], family_sn, address)
            families.append(family)
            relatives.extend(family.relatives)
    ordered = sorted(pupils, key=lambda p: (p.etab.index, p.division.level, p.division.code,
                                            p.sn, p.given, p.id))
    for etab in etabs:
        etab_pupils = [p for p in ordered if p.etab is etab]
        for n, pupil in enumerate(etab_pupils):
            pupil.attach_id = str(etab.attach_base + n)
        etab_staff = _teachers(rng, etab, [d for d in divisions if d.etab is etab],
                               groups_by_etab[etab.index])
        etab_staff += _other_staff(etab)
        for member in etab_staff:
            _name_staff(people, member, year)
        staff.extend(etab_staff)
    block = Block(index=index, etabs=etabs, divisions=divisions, pupils=ordered,
                  relatives=relatives, staff=staff, families=families)
    _anomalies(rng, people, block, index)
    return block


def _anomaly_count(rng, n, index):
    """Rare and deterministic; the first block always shows at least one of each kind."""
    count = int(n * ANOMALY_RATE + rng.random())
    return max(count, 1 if index == 0 and n else 0)


def _anomalies(rng, people, block, index):
    """The records secretariats get wrong: several people in one, a person entered twice."""
    couples = [f for f in block.families
               if [link.code for link in f.pupils[0].links[:2]] in (["10", "20"], ["20", "10"])]
    for family in rng.sample(couples, min(len(couples), _anomaly_count(rng, len(couples), index))):
        # « M. MME MANENTE / Guy Et Yvette »: one record for both parents.
        links = family.pupils[0].links
        father = next(link.relative for link in links if link.code == names.LINK_PERE)
        mother = next(link.relative for link in links if link.code == names.LINK_MERE)
        upper = xml_escape(_upper(family.surname))
        if rng.random() < 0.5:
            father.sn, father.given = f"M. MME {upper}", f"{father.given} Et {mother.given}"
        else:
            father.sn, father.given = f"M. ET MME {upper}", father.given
        for pupil in family.pupils:
            pupil.links = [link for link in pupil.links if link.relative is not mother]
            for link in pupil.links:
                if link.relative is father:
                    link.financier, link.legal, link.contact, link.paiement = 1, 1, 1, 1
            pupil.address_rel = pupil.links[0].relative.id
        block.relatives.remove(mother)
        family.relatives.remove(mother)
    pupils = block.pupils
    for original in rng.sample(pupils, min(len(pupils), _anomaly_count(rng, len(pupils), index))):
        # The same pupil enrolled twice: same name and birth date, another identifier.
        twin = replace(original, id=people.new_id(), groups=list(original.groups),
                       subjects=list(original.subjects), links=list(original.links),
                       attach_id=str(int(original.attach_id) + 500_000))
        pupils.insert(pupils.index(original) + 1, twin)
        family = next(f for f in block.families if any(p is original for p in f.pupils))
        family.pupils.append(twin)
    remaining = [f for f in couples if any(link.code == names.LINK_MERE
                                           for link in f.pupils[0].links)]
    for family in rng.sample(remaining,
                             min(len(remaining), _anomaly_count(rng, len(remaining), index))):
        # A parent entered twice for the same child: two records, both linked to the child.
        mother = next(link.relative for link in family.pupils[0].links
                      if link.code == names.LINK_MERE)
        copy = replace(mother, id=people.new_id(), home_phone="", mail="")
        block.relatives.insert(block.relatives.index(mother) + 1, copy)
        family.relatives.append(copy)
        for pupil in family.pupils:
            pupil.links = [*pupil.links, Link(copy, names.LINK_MERE, 0, 1, 1, 0)]


# --- Records as XML ----------------------------------------------------------------------------
_OPERATIONAL = {
    "Eleve": '<operationalAttributes><attr name="categoriePersonne"><value>Eleve</value>'
             "</attr></operationalAttributes>",
    "PersRelEleve": '<operationalAttributes><attr name="categoriePersonne"><value>'
                    "PersRelEleve</value></attr></operationalAttributes>",
    "PersEducNat": '<operationalAttributes><attr name="categoriePersonne"><value>'
                   "PersEducNat</value></attr></operationalAttributes>",
    "EtabEducNat": '<operationalAttributes><attr name="categorieStructure"><value>'
                   "EtabEducNat</value></attr></operationalAttributes> ",
    "MatiereEducNat": '<operationalAttributes><attr name="categorieMatiere"><value>'
                      "MatEducNat</value></attr></operationalAttributes> ",
    "MefEducNat": '<operationalAttributes><attr name="categorieMef"><value>MefEducNat'
                  "</value></attr></operationalAttributes> ",
}
# The structure and nomenclature files of the samples end these lines with a space.
_TRAILING = {"EtabEducNat": " ", "MatiereEducNat": " ", "MefEducNat": " "}
_OPEN_CLOSE_EMPTY = {"postOfficeBox"}


def _values(name, values):
    if not values:
        return "<value></value>" if name in _OPEN_CLOSE_EMPTY else "<value/>"
    if len(values) == 1:
        value = values[0]
        if not value:
            return "<value></value>" if name in _OPEN_CLOSE_EMPTY else "<value/>"
        return f"<value>{value}</value>"
    return "".join([f"<value>{v}</value>" if v else "<value/>" for v in values])


def record_xml(op, population, identifier, attrs=()):
    """One request of an AAF file; ``attrs`` are (name, [escaped values]) pairs."""
    operational = _OPERATIONAL[population]
    if op == "delete":
        return (f"<deleteRequest>\n{operational.rstrip()} \n"
                f"<identifier><id>{identifier}</id></identifier>\n</deleteRequest>\n\n")
    space = _TRAILING.get(population, "")
    head = f"<{op}Request>\n{operational}\n<identifier><id>{identifier}</id></identifier>{space}\n"
    if op == "add":
        body = "".join([f'<attr name="{n}">{_values(n, v)}</attr>\n' for n, v in attrs])
        return f"{head}<attributes>{space}\n{body}</attributes>\n</addRequest>\n\n"
    body = "".join([f'<modification name="{n}" operation="replace">{_values(n, v)}</modification>\n'
                    for n, v in attrs])
    return f"{head}<modifications>\n{body}</modifications>\n</modifyRequest>\n\n"


def _etab_attrs(etab, spec):
    city, postal_code, _dept, bassin_code, bassin_label = etab.city
    college = etab.kind == "college"
    kind, label = ("CLG", "COLLEGE") if college else ("LGT", "LYCEE")
    sigle = f"{kind}${label} {etab.eponym}${city}"
    digits = etab.uai[:7]
    phone = f"+33 4 {digits[1:3]} {digits[3:5]} {digits[5:7]} "
    return [
        ("ENTStructureJointure", [etab.jointure]),
        ("ENTStructureUAI", [etab.uai]),
        ("ENTEtablissementUAI", [etab.uai]),
        ("ENTStructureSIREN", [f"19{digits}{etab.index % 1000:05d}"]),
        ("ENTStructureNomCourant", [xml_escape(sigle)]),
        ("ENTStructureTypeStruct", ["COLLEGE" if college else
                                    "LYCEE D ENSEIGNEMENT GENERAL ET TECHNOLOGIQUE"]),
        ("ENTStructureCodeTypeStruct", ["340" if college else "300"]),
        ("ENTEtablissementMinistereTutelle", ["MINISTERE DE L&apos;EDUCATION NATIONALE"]),
        ("ENTEtablissementCodeMinistereTutelle", ["06"]),
        ("ENTEtablissementContrat", ["PU"]),
        ("postOfficeBox", []),
        ("street", [xml_escape(f"{1 + etab.index % 97} {names.STREETS[etab.index % len(names.STREETS)]}")]),
        ("postalCode", [postal_code]),
        ("l", [xml_escape(city)]),
        ("telephoneNumber", [f"{phone}{etab.index % 100:02d}"]),
        ("facsimileTelephoneNumber", [f"{phone}{(etab.index + 1) % 100:02d}"]),
        ("ENTStructureMailSI", [f"ce.{etab.uai.lower()}@ac-{_slug(spec.academie)}.example"]),
        ("ENTEtablissementStructRattachFctl", []),
        ("ENTEtablissementBassin", [f"{bassin_code}${xml_escape(bassin_label)}"]),
        ("ENTServAcAcademie", [xml_escape(spec.academie)]),
        ("ENTServAcCodeAcademie", [f"{int(spec.academie_code):03d}"]),
        # Always empty: divisions and groups exist through the people (as in every sample).
        ("ENTStructureClasses", []),
        ("ENTStructureGroupes", []),
    ]


def _eleve_attrs(pupil):
    etab = pupil.etab.jointure
    links = pupil.links
    parents = [link.relative.id for link in links if link.code in ("10", "20")]
    others = [link for link in links if link.code not in ("10", "20")][:2] + [None, None]
    mef, mef_label, niveau, filiere = names.LEVELS[pupil.division.level][:4]
    address = pupil.address
    return [
        ("ENTPersonJointure", [pupil.id]),
        ("ENTEleveINE", [_ine(pupil.id)]),
        ("ENTEleveStructRattachId", [pupil.attach_id]),
        ("ENTPersonDateNaissance", [pupil.birth]),
        ("ENTPersonNomPatro", [pupil.patro]),
        ("sn", [pupil.sn]),
        ("givenName", [pupil.given]),
        ("ENTPersonAutresPrenoms", pupil.other_names),
        ("personalTitle", [pupil.title]),
        ("ENTEleveParents", parents),
        ("ENTElevePere", [link.relative.id for link in links if link.code == "20"]),
        ("ENTEleveMere", [link.relative.id for link in links if link.code == "10"]),
        ("ENTEleveAutoriteParentale", [link.relative.id for link in links if link.legal]),
        ("ENTElevePersRelEleve1", [others[0].relative.id] if others[0] else []),
        ("ENTEleveQualitePersRelEleve1", [_quality(others[0])] if others[0] else []),
        ("ENTElevePersRelEleve2", [others[1].relative.id] if others[1] else []),
        ("ENTEleveQualitePersRelEleve2", [_quality(others[1])] if others[1] else []),
        ("ENTElevePersRelEleve", [
            f"{link.relative.id}${link.code}${link.financier}${link.legal}${link.contact}"
            f"${link.paiement}" for link in links]),
        ("ENTEleveBoursier", [pupil.boursier]),
        ("ENTEleveRegime", [pupil.regime]),
        ("ENTEleveTransport", [pupil.transport]),
        ("ENTPersonAdresse", [address.lines]),
        ("ENTPersonCodePostal", [address.postal_code]),
        ("ENTPersonVille", [address.city]),
        ("ENTPersonPays", ["FRANCE"]),
        ("ENTEleveAdresseRel", [pupil.address_rel]),
        ("ENTEleveStatutEleve", ["SCOLAIRE"]),
        ("ENTEleveMEF", [mef]),
        ("ENTEleveLibelleMEF", [mef_label]),
        ("ENTEleveNivFormation", [_ESCAPED_LEVEL_LABELS[niveau]]),
        ("ENTEleveFiliere", [_ESCAPED_LEVEL_LABELS[filiere]]),
        ("ENTEleveEnseignements", [_ESCAPED_SUBJECTS[code] for code in pupil.subjects]),
        ("ENTEleveCodeEnseignements", pupil.subjects),
        ("ENTPersonStructRattach", [etab]),
        ("ENTEleveDateEntreeClasses", [pupil.entry]),
        ("ENTEleveDateSortieClasses", [pupil.exit] if pupil.exit else []),
        ("ENTEleveClasses", [f"{etab}${pupil.division.code}"]),
        ("ENTEleveGroupes", [f"{etab}${group.code}" for group in pupil.groups]),
    ]


def _quality(link):
    return "FINANCIER" if link.financier else "CONTACT"


def _ine(identifier):
    n = int(identifier)
    return f"{(n * 48271) % 999_999_937:09d}{chr(65 + n % 26)}{chr(65 + (n // 26) % 26)}"


def _relative_attrs(rel):
    address = rel.address
    return [
        ("ENTPersonJointure", [rel.id]),
        ("ENTPersonDateNaissance", []),
        ("ENTPersonNomPatro", [rel.patro]),
        ("sn", [rel.sn]),
        ("givenName", [rel.given]),
        ("personalTitle", [rel.title]),
        ("homePhone", [rel.home_phone]),
        ("telephoneNumber", []),
        ("ENTPersonAdresse", [address.lines]),
        ("ENTPersonCodePostal", [address.postal_code]),
        ("ENTPersonVille", [address.city]),
        ("ENTPersonPays", ["FRANCE"]),
        ("ENTPersonAdresseDiffusion", ["N"]),
        ("mobile", [rel.mobile]),
        ("mail", [rel.mail]),
        ("ENTPersonMobileSMS", [rel.mobile]),
    ]


def _staff_attrs(member):
    etab = member.etab.jointure
    teaching = bool(member.pool)
    if teaching:
        code, label, category, category_label = names.DISCIPLINES[member.pool]
        functions = [f"{etab}$ENS$ENSEIGNEMENT${code}${xml_escape(label)}"]
        catego = [f"{category}${category_label}"]
        poste = [f"{label}${category}"]
    else:
        fn_code, fn_label, disc_code, disc_label = member.function
        functions = [f"{etab}${fn_code}${xml_escape(fn_label)}${disc_code}${xml_escape(disc_label)}"]
        catego = ["00$NON SPECIALISE"]
        poste = [f"{xml_escape(disc_label)}$00"]
    levels, seen_div, seen_grp, subjects = [], [], [], []
    for division, subject in member.division_units:
        if division.level not in levels:
            levels.append(division.level)
        if division.code not in seen_div:
            seen_div.append(division.code)
        if subject not in subjects:
            subjects.append(subject)
    for group, subject in member.group_units:
        if group.level not in levels:
            levels.append(group.level)
        if group.code not in seen_grp:
            seen_grp.append(group.code)
        if subject not in subjects:
            subjects.append(subject)
    doc = member.function == names.FN_DOC
    return [
        ("ENTPersonJointure", [member.id]),
        ("ENTPersonDateNaissance", [member.birth]),
        ("ENTPersonNomPatro", [member.patro]),
        ("sn", [member.sn]),
        ("givenName", [member.given]),
        ("ENTPersonAutresPrenoms", member.other_names),
        ("personalTitle", [member.title]),
        ("mail", [member.mail]),
        ("ENTPersonStructRattach", [etab]),
        ("ENTAuxEnsCategoDiscipline", catego),
        ("ENTAuxEnsDisciplinesPoste", poste),
        ("ENTAuxEnsMEF", [f"{etab}${names.LEVELS[lv][0]}${names.LEVELS[lv][1]}" for lv in levels]),
        ("ENTAuxEnsMatiereEnseignEtab", [f"{etab}${_ESCAPED_SUBJECTS[s]}" for s in subjects]),
        ("ENTAuxEnsClasses", [f"{etab}${code}" for code in seen_div]),
        ("ENTAuxEnsGroupes", [f"{etab}${code}" for code in seen_grp]),
        ("ENTAuxEnsClassesMatieres", [f"{etab}${d.code}${s}" for d, s in member.division_units]),
        ("ENTAuxEnsGroupesMatieres", [f"{etab}${g.code}${s}" for g, s in member.group_units]),
        ("ENTAuxEnsClassesPrincipal", [f"{etab}${d.code}" for d in member.principal]),
        ("ENTPersonFonctions", functions),
        ("ENTPersonCategorieEnseignant", ["O" if teaching or doc else "N"]),
        ("PersEducNatPresenceDevantEleves", ["O" if teaching else "N"]),
    ]


_ESCAPED_SUBJECTS = {code: xml_escape(label) for code, label in names.SUBJECTS.items()}
_ESCAPED_LEVEL_LABELS = {v: xml_escape(v) for level in names.LEVELS.values() for v in level[1:4]}


def _subject_records():
    for code, _label in sorted(names.SUBJECTS.items(), key=lambda item: item[1]):
        yield record_xml("add", "MatiereEducNat", code, [
            ("ENTMatJointure", [code]), ("ENTLibelleMatiere", [_ESCAPED_SUBJECTS[code]])])


def _mef_records():
    for mef, label, _niveau, _filiere, rattach, stat, _age in names.LEVELS.values():
        yield record_xml("add", "MefEducNat", mef, [
            ("ENTMefJointure", [mef]), ("ENTLibelleMef", [xml_escape(label)]),
            ("ENTMEFRattach", [rattach]), ("ENTMEFSTAT11", [stat])])


# --- Files -------------------------------------------------------------------------------------
@dataclass
class WrittenFile:
    path: Path
    population: str
    records: int
    bytes: int


class _FileSeries:
    """The files of one population: ``<prefix>_<kind>_<date>_<population>_<NNNN>.xml``."""

    def __init__(self, out_dir, spec, output, kind, population):
        self.out_dir = Path(out_dir)
        self.spec = spec
        self.output = output
        self.kind = kind
        self.population = population
        self.handle = None
        self.count = 0
        self.seq = 0
        self.files = []
        date = _fr_date(spec.date)
        declaration = (f'<?xml version="1.0" encoding="{ENCODINGS[output.encoding]}"?>\n'
                       if output.xml_declaration else "")
        self.header = (
            f'{declaration}<!DOCTYPE ficAlimMENESR SYSTEM "ficAlimMENESR.dtd">\n<ficAlimMENESR>\n'
            '<!-- versionAF="AAF-VE2407" -->\n<!-- versionSDET="Annexe 4bis version 6.4" -->\n'
            f'<!-- codeAcademieExport="{int(spec.academie_code)}" -->\n<!-- degre="2D" -->\n'
            f'<!-- dateGenerationExport="{date}" -->\n\n')

    def _open(self):
        name = (f"{self.spec.prefix}_{self.kind}_{self.spec.date:%Y%m%d}_{self.population}_"
                f"{self.seq:04d}.xml")
        self.seq += 1
        path = self.out_dir / name
        self.handle = open(  # noqa: SIM115 (closed by _close)
            path, "w", encoding=self.output.encoding, errors="xmlcharrefreplace",
            newline="\r\n" if self.output.crlf else "\n", buffering=1 << 20)
        self.handle.write(self.header)
        self.files.append([path, 0])
        self.count = 0

    def _close(self):
        if self.handle is not None:
            self.handle.write("</ficAlimMENESR>\n")
            self.handle.close()
            self.handle = None

    def write(self, text):
        if self.handle is None or self.count >= self.output.records_per_file:
            self._close()
            self._open()
        self.handle.write(text)
        self.count += 1
        self.files[-1][1] += 1

    def close(self):
        self._close()
        return [WrittenFile(path, self.population, n, path.stat().st_size)
                for path, n in self.files]


@dataclass
class DeltaChanges:
    """What a Delta does, by population: the identifiers of each operation."""

    add: dict = field(default_factory=dict)
    modify: dict = field(default_factory=dict)
    delete: dict = field(default_factory=dict)

    def extend(self, other):
        for op in ("add", "modify", "delete"):
            mine = getattr(self, op)
            for population, ids in getattr(other, op).items():
                mine.setdefault(population, []).extend(ids)

    def count(self, op, population):
        return len(getattr(self, op).get(population, ()))


@dataclass
class GenerationResult:
    kind: str
    files: list
    counts: dict  # records per population
    delta: DeltaChanges | None = None

    @property
    def total_bytes(self):
        return sum(f.bytes for f in self.files)


def academie_write(*, spec, out_dir, output=None, delta_share=None, workers=1):
    """Write the Complet of ``spec`` or, with ``delta_share``, the Delta that follows it.

    A Delta changes about ``delta_share`` of the Complet's people: arrivals (addRequest: new
    families, younger siblings, assistants), changes (modifyRequest re-sending every attribute:
    a new division, a family that moves, a new name, mail or phone) and departures
    (deleteRequest: whole families, a few staff). Like the MEN's Delta files, it also re-sends
    the structures and nomenclatures in full. Its identifiers for new people come from the
    upper half of each block's range, so a Delta never reuses an identifier of its Complet.

    ``workers`` > 1 writes the pupils in one process and the other people in another; the
    files are the same either way.
    """
    output = output or OutputOptions()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    kind = "Complet" if delta_share is None else "Delta"
    plan = academie_plan(spec=spec)
    files = []
    series = _FileSeries(out_dir, spec, output, kind, "EtabEducNat")
    for etab in plan.etabs:
        series.write(record_xml("add", "EtabEducNat", etab.jointure, _etab_attrs(etab, spec)))
    files += series.close()
    for population, records in (("MatiereEducNat", _subject_records()),
                                ("MefEducNat", _mef_records())):
        series = _FileSeries(out_dir, spec, output, kind, population)
        for text in records:
            series.write(text)
        files += series.close()
    tasks = [PERSON_POPULATIONS] if workers <= 1 else [("Eleve",), ("PersRelEleve", "PersEducNat")]
    args = [(spec, str(out_dir), output, kind, delta_share, populations) for populations in tasks]
    if len(args) == 1:
        outcomes = [_write_people(*args[0])]
    else:
        with ProcessPoolExecutor(max_workers=len(args), mp_context=get_context("spawn")) as pool:
            outcomes = list(pool.map(_write_people, *zip(*args, strict=True)))
    changes = DeltaChanges() if delta_share is not None else None
    people_files = {}
    for written, outcome_changes in outcomes:
        for item in written:
            people_files.setdefault(item.population, []).append(item)
        if changes is not None and outcome_changes is not None:
            changes.extend(outcome_changes)
    for population in PERSON_POPULATIONS:
        files += people_files.get(population, [])
    counts = {}
    for item in files:
        counts[item.population] = counts.get(item.population, 0) + item.records
    return GenerationResult(kind=kind, files=files, counts=counts, delta=changes)


def _write_people(spec, out_dir, output, kind, delta_share, populations):
    plan = academie_plan(spec=spec)
    series = {pop: _FileSeries(out_dir, spec, output, kind, pop) for pop in populations}
    changes = DeltaChanges() if delta_share is not None else None
    for index in range(len(plan.blocks)):
        block = academie_block(spec=spec, plan=plan, index=index)
        if delta_share is None:
            _write_block(block, series)
        else:
            block_changes, records = block_delta(block=block, spec=spec, plan=plan,
                                                 share=delta_share)
            for population, text in records:
                if population in series:
                    series[population].write(text)
            for op in ("add", "modify", "delete"):
                for population in populations:
                    ids = getattr(block_changes, op).get(population)
                    if ids:
                        getattr(changes, op).setdefault(population, []).extend(ids)
    written = []
    for population in populations:
        written += series[population].close()
    return written, changes


def _write_block(block, series):
    eleves = series.get("Eleve")
    if eleves is not None:
        for pupil in block.pupils:
            eleves.write(record_xml("add", "Eleve", pupil.id, _eleve_attrs(pupil)))
    relatives = series.get("PersRelEleve")
    if relatives is not None:
        for rel in block.relatives:
            relatives.write(record_xml("add", "PersRelEleve", rel.id, _relative_attrs(rel)))
    staff = series.get("PersEducNat")
    if staff is not None:
        for member in block.staff:
            staff.write(record_xml("add", "PersEducNat", member.id, _staff_attrs(member)))


# --- Delta -------------------------------------------------------------------------------------
def block_delta(*, block, spec, plan, share):
    """The changes of one block since its Complet: (DeltaChanges, [(population, xml)])."""
    rng = random.Random(f"aaf-delta:{spec.seed}:{share}:{block.index}")
    people = _People(rng, spec, plan, block.index)
    people.local = plan.stride // 2
    people.limit = plan.stride
    target = int(share * block.person_count + rng.random())
    n_delete = round(target * 0.2)
    n_modify = round(target * 0.45)
    n_add = target - n_delete - n_modify
    changes = DeltaChanges()
    records = []
    touched = set()
    today = _fr_date(spec.date)

    def emit(op, population, identifier, attrs=()):
        touched.add(identifier)
        getattr(changes, op).setdefault(population, []).append(identifier)
        records.append((population, record_xml(op, population, identifier, attrs)))

    # Departures: whole families (every record of every member), and a few staff.
    deleted = 0
    for family in rng.sample(block.families, len(block.families)):
        if deleted >= n_delete:
            break
        for pupil in family.pupils:
            emit("delete", "Eleve", pupil.id)
        for rel in family.relatives:
            emit("delete", "PersRelEleve", rel.id)
        deleted += len(family.pupils) + len(family.relatives)
    leaving = [m for m in block.staff if m.function in (names.FN_AED, names.FN_AGENT)]
    if target >= 10 and leaving:
        emit("delete", "PersEducNat", leaving[rng.randrange(len(leaving))].id)
    # Changes: a pupil changes division, a family moves, a name or a mail changes.
    family_of = {}
    for family in block.families:
        for pupil in family.pupils:
            family_of[pupil.id] = family
    modified, attempts = 0, 0
    while modified < n_modify and attempts < 20 * max(1, n_modify):
        attempts += 1
        roll = rng.random()
        if roll < 0.5:
            pupil = block.pupils[rng.randrange(len(block.pupils))]
            if pupil.id in touched:
                continue
            emit("modify", "Eleve", pupil.id, _eleve_attrs(_pupil_change(rng, block, pupil, today)))
            modified += 1
        elif roll < 0.65:
            family = block.families[rng.randrange(len(block.families))]
            movers = [r for r in family.relatives if r.address is family.address]
            members = [p.id for p in family.pupils] + [r.id for r in movers]
            if any(m in touched for m in members) or not movers:
                continue
            address = people.address(family.pupils[0].etab.city)
            for rel in movers:
                emit("modify", "PersRelEleve", rel.id, _relative_attrs(replace(rel, address=address)))
            for pupil in family.pupils:
                emit("modify", "Eleve", pupil.id, _eleve_attrs(replace(pupil, address=address)))
            modified += len(members)
        elif roll < 0.9:
            rel = block.relatives[rng.randrange(len(block.relatives))]
            if rel.id in touched:
                continue
            if rel.title == "Mme" and rng.random() < 0.5:
                changed = replace(rel, sn=xml_escape(people.surname()))
            else:
                changed = replace(rel, mobile=people.phone(True),
                                  mail=xml_escape(people.mail(rel.given, rel.raw_sn or "parent")))
            emit("modify", "PersRelEleve", rel.id, _relative_attrs(changed))
            modified += 1
        else:
            member = block.staff[rng.randrange(len(block.staff))]
            if member.id in touched:
                continue
            mail = member.mail.replace("@", f"{rng.randrange(2, 9)}@", 1)
            emit("modify", "PersEducNat", member.id, _staff_attrs(replace(member, mail=mail)))
            modified += 1
    # Arrivals: new families, a younger sibling, a new assistant.
    added = 0
    rentree = today
    while added < n_add:
        roll = rng.random()
        template = block.pupils[rng.randrange(len(block.pupils))]
        if roll < 0.1:
            etab = block.etabs[rng.randrange(len(block.etabs))]
            member = Staff(id="", etab=etab, function=names.FN_AED)
            _name_staff(people, member, spec.school_year)
            emit("add", "PersEducNat", member.id, _staff_attrs(member))
            added += 1
            continue
        family = family_of.get(template.id)
        sibling = roll < 0.35 and family is not None and not any(
            p.id in touched for p in family.pupils) and not any(
            r.id in touched for r in family.relatives)
        if sibling:
            links, address, family_sn = template.links, template.address, family.surname
        else:
            family_sn = people.surname()
            links, address = _family_relatives(people, family_sn, template.etab.city)
            for link in links:
                emit("add", "PersRelEleve", link.relative.id, _relative_attrs(link.relative))
                added += 1
        pupil = Pupil(id="", etab=template.etab, division=template.division,
                      groups=list(template.groups), subjects=list(template.subjects))
        _identify_pupil(people, pupil, family_sn, links, address, spec.school_year)
        pupil.attach_id = str(template.etab.attach_base + 900_000 + people.local)
        pupil.entry = f"{pupil.etab.jointure}${rentree}${pupil.division.code}"
        emit("add", "Eleve", pupil.id, _eleve_attrs(pupil))
        added += 1
    order = {population: i for i, population in enumerate(POPULATION_ORDER)}
    records.sort(key=lambda item: order[item[0]])
    return changes, records


def _pupil_change(rng, block, pupil, today):
    others = [d for d in block.divisions if d.etab is pupil.etab and d.level == pupil.division.level
              and d is not pupil.division]
    etab = pupil.etab.jointure
    if others:
        division = others[rng.randrange(len(others))]
        return replace(pupil, division=division, entry=f"{etab}${today}${division.code}",
                       exit=f"{etab}${today}${pupil.division.code}")
    regime = "EXTERNE LIBRE" if "DEMI" in pupil.regime else "DEMI-PENSIONNAIRE DANS L&apos;ETABLISSEMENT 4"
    return replace(pupil, regime=regime)


def default_workers():
    return max(1, min(2, os.cpu_count() or 1))

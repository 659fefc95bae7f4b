"""The STS-web pair parser, on the three real oent-edt pairs and on bad input."""

import datetime
from collections import Counter
from pathlib import Path

import pytest

from imports.parsers.records import (
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
from imports.parsers.sts import parse_sts
from tests.samples import samples_missing

EDT_SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "samples" / "edt"
D = datetime.date


@pytest.fixture
def edt_samples():
    if not EDT_SAMPLES.exists():
        samples_missing("les échantillons STS-web (../shared/samples/edt) sont absents")
    return EDT_SAMPLES


def _records(case_dir, *, reverse=False):
    pair = [case_dir / "sts_emp.xml", case_dir / "emp_sts.xml"]
    return list(parse_sts(*(reversed(pair) if reverse else pair)))


def _kinds(records):
    return Counter(type(r).__name__ for r in records)


def _one(records, kind):
    found = [r for r in records if isinstance(r, kind)]
    assert len(found) == 1, found
    return found[0]


def test_case1_division_course(edt_samples):
    records = _records(edt_samples / "case1")
    assert _kinds(records) == {"Header": 1, "Subject": 1, "Teacher": 1, "Division": 1,
                               "Alternance": 1, "Room": 1, "Service": 1, "Course": 1}
    assert records[0] == Header(
        source="sts", uai="0771991W", year_start=D(2018, 9, 1), year_end=D(2019, 8, 31),
        first_monday=D(2018, 8, 27), software="STS-web", file="sts_emp.xml + emp_sts.xml")
    assert _one(records, Subject) == Subject(
        ident="020700", code="FRANC", label="FRANCAIS", national_code="020700", line=156)
    assert _one(records, Teacher) == Teacher(
        ident="69881", last_name="DOE", first_name="Jane", birth_date=D(1975, 2, 27),
        sts_id="69881", line=207)
    assert _one(records, Division) == Division(ident="3A", name="3A", line=246)
    assert _one(records, Service) == Service(
        subject="020700", division="3A", teachers=("69881",), hours=4.0, modalite="CG",
        line=61)
    course = _one(records, Course)
    assert course == Course(
        ident="3A/020700/CG/H/4/1402/0100/15", day=4, start=datetime.time(14, 2),
        end=datetime.time(15, 2), subject="020700",
        items=(CourseItem("teacher", "69881"), CourseItem("division", "3A"),
               CourseItem("room", "15")),
        weeks=frozenset({D(2099, 8, 31)}), alternance="H", line=68)
    # The sample's « début de semaine » is a Thursday, the course's own day (JOUR 4).
    assert D(2099, 9, 3).isoweekday() == 4
    assert min(course.weeks) + datetime.timedelta(days=course.day - 1) == D(2099, 9, 3)


def test_case1_room_of_course_is_not_declared(edt_samples):
    # A real quirk: SALLES_COURS declares room « 03 » while the course is in room « 15 ».
    records = _records(edt_samples / "case1")
    assert _one(records, Room) == Room(ident="03", name="03", line=41)
    assert CourseItem("room", "15") in _one(records, Course).items


def test_case2_group_course(edt_samples):
    records = _records(edt_samples / "case2")
    assert _kinds(records) == {"Header": 1, "Subject": 1, "Teacher": 1, "Group": 1,
                               "Alternance": 1, "Room": 1, "Service": 1, "Course": 1}
    # The group's division « 3B » is no DIVISION of either file: only its code is known.
    assert _one(records, Group) == Group(ident="3B_G2", name="3B_G2", divisions=("3B",),
                                         line=247)
    assert _one(records, Service).hours == 2.5
    course = _one(records, Course)
    assert (course.day, course.start, course.end) == (4, datetime.time(15, 13),
                                                      datetime.time(16, 13))
    assert course.items == (CourseItem("teacher", "69881"), CourseItem("group", "3B_G2"),
                            CourseItem("room", "23"))
    assert course.problems == ()


def test_case3_two_weeks(edt_samples):
    records = _records(edt_samples / "case3")
    alternance = _one(records, Alternance)
    assert alternance == Alternance(code="H", label="Cours Hebdomadaire",
                                    weeks=frozenset({D(2099, 8, 31), D(2099, 9, 7)}), line=32)
    assert _one(records, Course).weeks == alternance.weeks


def test_either_order(edt_samples):
    assert _records(edt_samples / "case2", reverse=True) == _records(edt_samples / "case2")


def test_bytes_in(edt_samples):
    case = edt_samples / "case1"
    records = list(parse_sts((case / "emp_sts.xml").read_bytes(),
                             (case / "sts_emp.xml").read_bytes()))
    assert records == _records(case)


# --- Constructed variations of the real pair -------------------------------------------------


@pytest.fixture
def pair(edt_samples):
    case = edt_samples / "case1"
    return (case / "sts_emp.xml").read_bytes(), (case / "emp_sts.xml").read_bytes()


def _error(*sources, **kwargs):
    with pytest.raises(TimetableFileError) as info:
        list(parse_sts(*sources, **kwargs))
    return info.value


def test_emp_sts_alone(pair):
    error = _error(pair[1], names=("emp_sts_0771991W_2018.xml",))
    assert "emp_sts emp_sts_0771991W_2018.xml doit être accompagné de son sts_emp" in str(error)


def test_sts_emp_alone(pair):
    assert "doit être accompagné de son emp_sts" in str(_error(pair[0]))


def test_two_establishments(pair):
    other = pair[1].replace(b"<UAJ>0771991W</UAJ>", b"<UAJ>0750001A</UAJ>")
    error = _error(pair[0], other, names=("a_sts.xml", "b_emp.xml"))
    assert "a_sts.xml est de l'UAI 0771991W, b_emp.xml de l'UAI 0750001A" in str(error)


def test_two_years(pair):
    other = pair[1].replace(b"<ANNEE_SCOLAIRE>2018<", b"<ANNEE_SCOLAIRE>2019<")
    error = _error(pair[0], other)
    assert "même année scolaire : sts_emp.xml est de 2018, emp_sts.xml de 2019" in str(error)


def test_not_xml(pair):
    error = _error(pair[0], b"JOUR;HEURE;DIV\n1;0800;3A\n", names=("", "cours.csv"))
    assert str(error).startswith("cours.csv, ligne 1 : ce n'est pas un fichier XML")


def test_truncated(pair):
    error = _error(pair[0], pair[1][:1800])
    assert error.file == "emp_sts.xml"
    assert "tronqué" in str(error) and error.line


def test_broken_in_the_middle(pair):
    broken = pair[1].replace(b"<JOUR>4</JOUR>", b"<JOUR>4</JOURS>")
    error = _error(pair[0], broken)
    assert (error.file, error.line) == ("emp_sts.xml", 70)
    assert "XML invalide" in str(error)


def test_unknown_root(pair):
    error = _error(pair[0], b'<?xml version="1.0"?>\n<BEE_ELEVES/>\n')
    assert "élément racine <BEE_ELEVES> inattendu" in str(error)


def test_dtd_and_entities_refused(pair):
    bomb = (b'<?xml version="1.0"?>\n<!DOCTYPE EDT_STS [\n<!ENTITY a "aaaaaaaaaa">\n'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n<EDT_STS>&b;</EDT_STS>\n')
    error = _error(pair[0], bomb)
    assert (error.file, error.line) == ("emp_sts.xml", 2)
    assert "DTD ou des entités" in str(error)


def test_oversize(pair):
    error = _error(*pair, max_bytes=4000)
    assert error.file == "sts_emp.xml" and "trop volumineux" in str(error)


def test_missing_file(tmp_path, pair):
    error = _error(tmp_path / "absent.xml", pair[1])
    assert error.file == "absent.xml" and "introuvable" in str(error)


def test_course_that_cannot_be_placed(pair):
    emp = pair[1].replace(b"<JOUR>4</JOUR>", b"<JOUR>9</JOUR>").replace(
        b"<CODE_ALTERNANCE>H<", b"<CODE_ALTERNANCE>Q1<").replace(
        b'ENSEIGNANT TYPE="epp" ID="69881"', b'ENSEIGNANT TYPE="epp" ID="1234"')
    course = _one(list(parse_sts(pair[0], emp)), Course)
    assert course.day == 0 and course.weeks == frozenset()
    assert course.problems == (
        "ligne 68 : jour « 9 » invalide (attendu 1 = lundi … 7 = dimanche)",
        "ligne 68 : alternance « Q1 » absente de ALTERNANCES",
        "ligne 68 : enseignant d'identifiant STS « 1234 » absent du sts_emp",
    )


def test_course_outside_the_day(pair):
    # Wednesday closes at 12:30 in HORAIRES.
    emp = pair[1].replace(b"<JOUR>4</JOUR>", b"<JOUR>3</JOUR>")
    course = _one(list(parse_sts(pair[0], emp)), Course)
    assert course.problems == (
        "ligne 68 : cours de 14:02 à 15:02 hors des horaires du jour (08:30–12:30)",)


def test_co_teaching_is_one_course(pair):
    sts = pair[0].replace(b"</INDIVIDUS>", b'<INDIVIDU ID="70000" TYPE="epp"><NOM_USAGE>ROE'
                          b"</NOM_USAGE><PRENOM>Richard</PRENOM></INDIVIDU></INDIVIDUS>")
    start = pair[1].index(b'<ENSEIGNANT TYPE="epp"')
    end = pair[1].index(b"</ENSEIGNANT>") + len(b"</ENSEIGNANT>")
    second = pair[1][start:end].replace(b'ID="69881"', b'ID="70000"')
    emp = pair[1][:end] + second + pair[1][end:]
    records = list(parse_sts(sts, emp))
    assert _one(records, Service).teachers == ("69881", "70000")
    course = _one(records, Course)
    assert course.items[:2] == (CourseItem("teacher", "69881"), CourseItem("teacher", "70000"))
    assert course.problems == ()


def test_service_declared_but_not_sent_back(pair):
    sts = pair[0].replace(
        b"<SERVICES/>",
        b'<SERVICES><SERVICE CODE_MATIERE="030201" CODE_MOD_COURS="CG"><HEURES_STRUCTURE>'
        b'3.00</HEURES_STRUCTURE><ENSEIGNANTS><ENSEIGNANT ID="69881" TYPE="epp"/>'
        b"</ENSEIGNANTS></SERVICE></SERVICES>")
    services = [r for r in parse_sts(sts, pair[1]) if isinstance(r, Service)]
    assert [(s.subject, s.hours) for s in services] == [("020700", 4.0), ("030201", 3.0)]


def test_latin9_labels(pair):
    sts = pair[0].replace(b"FRANCAIS\n                </LIBELLE_LONG>",
                          b"Fran\xe7ais \xbduvre\n                </LIBELLE_LONG>")
    assert _one(list(parse_sts(sts, pair[1])), Subject).label == "Français œuvre"


def test_audience_known_only_to_emp_sts_comes_before_its_service(pair):
    emp = pair[1].replace(b'DIVISION CODE="3A"', b'DIVISION CODE="4C"')
    records = list(parse_sts(pair[0], emp))
    kinds = [type(r).__name__ for r in records]
    assert [r.ident for r in records if isinstance(r, Division)] == ["3A", "4C"]
    assert kinds.index("Service") > max(i for i, k in enumerate(kinds) if k == "Division")
    assert CourseItem("division", "4C") in _one(records, Course).items


def test_pair_checked_at_call(pair):
    with pytest.raises(TimetableFileError):
        parse_sts(pair[1])

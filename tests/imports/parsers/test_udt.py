"""The UDT parser, on a CONSTRUCTED zip (no real UDT export is public: see udt_fixture)."""

import datetime
import io
import zipfile
from collections import Counter

import pytest

from imports.parsers.records import (
    Closure,
    Course,
    CourseItem,
    Group,
    Header,
    Room,
    Subject,
    Teacher,
    TimetableFileError,
)
from imports.parsers.udt import parse_udt

from . import udt_fixture

D = datetime.date
T = datetime.time
WEEK_37 = D(2025, 9, 8)
TOUSSAINT = {D(2025, 10, 20), D(2025, 10, 27)}


def _records(data=None, **kwargs):
    return list(parse_udt(data or udt_fixture.build(), name=udt_fixture.ZIP_NAME, **kwargs))


def _courses(records):
    return {c.ident: c for c in records if isinstance(c, Course)}


def _mondays():
    monday, found = D(2025, 9, 1), set()
    while monday <= D(2026, 7, 4):
        found.add(monday)
        monday += datetime.timedelta(days=7)
    return found


def test_counts_and_header():
    records = _records()
    assert Counter(type(r).__name__ for r in records) == {
        "Header": 1, "Closure": 2, "Subject": 2, "Teacher": 2, "Division": 2, "Group": 2,
        "Room": 2, "Course": 6}
    assert records[0] == Header(
        source="udt", uai="9999999Z", year_start=D(2025, 9, 1), year_end=D(2026, 7, 4),
        first_monday=D(2025, 9, 1), software="UnDeuxTemps", file=udt_fixture.ZIP_NAME)
    assert records[1] == Closure(start=D(2025, 10, 18), end=D(2025, 11, 2),
                                 label="Vacances de la Toussaint", line=6)


def test_entities():
    records = _records()
    assert Subject(ident="MATH", code="MATH", label="MATHEMATIQUES", national_code="061300",
                   line=3) in records
    # Declared ISO-8859-1: lxml honours the declaration.
    assert Teacher(ident="P2", last_name="IMAGINAIRE", first_name="Bêta", line=4) in records
    assert Teacher(ident="P1", last_name="FICTIF", first_name="Alpha",
                   birth_date=D(1980, 1, 1), sts_id="900001", line=3) in records
    assert Group(ident="6AG1", name="6A_G1", divisions=("6A",), line=3) in records
    assert Group(ident="rgpmt:R1", name="LATIN 6", divisions=("6A", "6B"), line=3) in records
    assert Room(ident="LAB", name="Laboratoire fictif", line=4) in records


def test_consecutive_half_sequences_are_one_co_taught_course():
    course = _courses(_records())["6A/MATH/P1/0//001A/002A"]
    assert (course.day, course.start, course.end) == (1, T(8, 0), T(9, 0))
    assert course.items == (CourseItem("teacher", "P1"), CourseItem("teacher", "P2"),
                            CourseItem("division", "6A"), CourseItem("room", "S101"))
    # Every Monday but the Toussaint ones; week 37 comes from its weekly file.
    assert course.weeks == _mondays() - TOUSSAINT
    assert course.cancelled == frozenset() and course.problems == ()


def test_closures_and_weekly_cancellation():
    course = _courses(_records())["6A/FRAN/P2/0/G1/030B/030B"]
    assert (course.day, course.start, course.end) == (2, T(8, 0), T(8, 30))
    assert CourseItem("group", "6AG1") in course.items
    # Tuesday 11 November is closed; week 37's own timetable drops the course.
    assert course.weeks == _mondays() - TOUSSAINT - {D(2025, 11, 10), WEEK_37}
    assert course.cancelled == {WEEK_37}


def test_regroupement_course():
    course = _courses(_records())["6A/FRAN/P2/R1//031C/031C"]
    assert CourseItem("group", "rgpmt:R1") in course.items
    assert WEEK_37 in course.weeks and course.cancelled == frozenset()


def test_course_of_one_week_only():
    course = _courses(_records())["6B/FRAN/P2/0//060F/060F"]
    assert course.weeks == {WEEK_37}
    assert (course.day, course.start, course.end) == (1, T(9, 0), T(9, 30))


def test_courses_that_cannot_be_placed():
    courses = _courses(_records())
    prefix = f"{udt_fixture.ZIP_NAME} › UDCal_12.xml"
    assert courses["6B/MATH/P1/0//040D/040D"].problems == (
        f"{prefix}, ligne 7 : place hors de la grille : demi-séquence « 09 » du jour « 2 » "
        "absente de UDCal_07.xml",)
    assert courses["6B//P1/0//050E/050E"].problems == (f"{prefix}, ligne 8 : aucune matière",)


def test_lower_case_members_and_uai_argument():
    files = udt_fixture.members()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name.lower(), data)
    records = list(parse_udt(buffer.getvalue(), uai="9999998Y"))
    assert records[0].uai == "9999998Y" and records[0].file == "export UDT"
    assert len(_courses(records)) == 6


def test_path_in(tmp_path):
    path = tmp_path / udt_fixture.ZIP_NAME
    path.write_bytes(udt_fixture.build())
    assert list(parse_udt(path)) == _records()


# --- Bad input -------------------------------------------------------------------------------


def _error(data, **kwargs):
    with pytest.raises(TimetableFileError) as info:
        _records(data, **kwargs)
    return info.value


def test_missing_member():
    error = _error(udt_fixture.build(drop=("UDCal_12.xml", "UDCal_07.xml")))
    assert str(error) == (
        f"{udt_fixture.ZIP_NAME} : l'archive n'est pas un export UnDeuxTemps complet : il y "
        "manque UDCal_07.xml (demi-séquences (grille horaire)), UDCal_12.xml (lignes de "
        "fiches-T (emploi du temps théorique))")


def test_not_a_zip():
    error = _error(b"<?xml version='1.0'?><EDT_STS/>")
    assert "ce n'est pas une archive ZIP UnDeuxTemps" in str(error)


def test_truncated_member():
    data = udt_fixture.members()["UDCal_04.xml"]
    error = _error(udt_fixture.build({"UDCal_04.xml": data[:-20]}))
    assert error.file == f"{udt_fixture.ZIP_NAME} › UDCal_04.xml"
    assert "tronqué" in str(error) and error.line == 4


def test_entities_refused():
    bomb = (b'<?xml version="1.0"?>\n<!DOCTYPE profs [<!ENTITY a "aaaa">]>\n'
            b'<profs><prof code="&a;"/></profs>\n')
    error = _error(udt_fixture.build({"UDCal_04.xml": bomb}))
    assert (error.file, error.line) == (f"{udt_fixture.ZIP_NAME} › UDCal_04.xml", 2)


def test_oversize_zip_and_member():
    assert "trop volumineux" in str(_error(udt_fixture.build(), max_bytes=1000))
    big = udt_fixture.build({"UDCal_03.xml": b"<salles>" + b" " * 60_000 + b"</salles>"})
    error = _error(big, max_bytes=50_000)
    assert error.file.endswith("UDCal_03.xml") and "décompressé" in str(error)


def test_bad_closure_date():
    calendar = udt_fixture.members()["UDCal_24.xml"].replace(b'fin="02/11/2025"',
                                                             b'fin="2 nov."')
    error = _error(udt_fixture.build({"UDCal_24.xml": calendar}))
    assert error.line == 6 and "période de fermeture illisible" in str(error)


def test_bad_first_week():
    params = udt_fixture.members()["UDCal_00.xml"].replace(b'"36"', b'"x"')
    error = _error(udt_fixture.build({"UDCal_00.xml": params}))
    assert "premiere_semaine_ISO" in str(error) and error.line == 3


def test_archive_checked_at_call():
    with pytest.raises(TimetableFileError):
        parse_udt(udt_fixture.build(drop=("UDCal_24.xml",)))

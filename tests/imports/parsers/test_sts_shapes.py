"""STS-web structures read wherever a real export nests them, and nothing lost in silence.

The pairs come from ``sts_fixture``, built like the real exports (its docstring describes
them): a ``<GROUPES>`` block inside ``<DIVISIONS>``, a division's groups inside its own
``<DIVISION>``, the calendar after the structure, a service or a course placed where no
division or group holds it.
"""

import datetime

import pytest
from lxml import etree

from imports.bilan import bilan_build
from imports.parsers.records import Course, CourseItem, Division, Group, Service
from imports.parsers.sts import parse_sts
from imports.presenters import bilan_rows
from imports.selectors import directory_for_matching

from . import sts_fixture as fx

D = datetime.date
MONDAYS = frozenset({D(2018, 9, 3), D(2018, 9, 10), D(2018, 9, 17)})


def _of(records, kind):
    return [r for r in records if isinstance(r, kind)]


@pytest.mark.parametrize("where", [fx.GROUPES_BESIDE, fx.GROUPES_IN_DIVISIONS])
def test_a_group_course_is_read_wherever_groupes_sits(where):
    records = list(parse_sts(fx.sts_emp(where), fx.emp_sts(where)))
    assert [g.ident for g in _of(records, Group)] == ["3B_G2"]
    assert _of(records, Group)[0].divisions == ("3B",)
    assert [d.ident for d in _of(records, Division)] == ["3A"]
    courses = {c.subject: c for c in _of(records, Course)}
    assert set(courses) == {"020700", "030201"}
    group_course = courses["030201"]
    assert group_course.problems == ()
    assert group_course.items == (CourseItem("teacher", "70001"),
                                  CourseItem("group", "3B_G2"), CourseItem("room", "23"))
    assert (group_course.day, group_course.start, group_course.end) == (
        4, datetime.time(15), datetime.time(16, 30))
    assert group_course.weeks == MONDAYS
    # Each service once, sent back by the timetable: none left over as only declared.
    assert sorted((s.subject, s.division, s.group) for s in _of(records, Service)) == [
        ("020700", "3A", ""), ("030201", "", "3B_G2")]


def test_groups_inside_their_division_draw_from_it():
    where = fx.GROUPES_IN_DIVISION
    records = list(parse_sts(fx.sts_emp(where), fx.emp_sts(where)))
    assert _of(records, Group) == [Group(ident="3B_G2", name="3B_G2", divisions=("3A",),
                                         line=_of(records, Group)[0].line)]
    courses = {c.subject: c for c in _of(records, Course)}
    assert courses["030201"].problems == () and courses["020700"].problems == ()
    assert CourseItem("group", "3B_G2") in courses["030201"].items


def test_the_calendar_may_come_after_the_structure():
    records = list(parse_sts(fx.sts_emp(), fx.emp_sts(calendar_last=True)))
    courses = _of(records, Course)
    assert len(courses) == 2
    assert all(c.problems == () and c.weeks == MONDAYS for c in courses)


STRAY_SERVICE = (
    "            <SERVICES>\n"
    + fx.service("020700", "69881", "1.00", fx.cours("H", 2, "1000", "0100", "15"))
    + "            </SERVICES>\n")
STRAY_COURS = ("            <COURS_RATTACHES>\n" + fx.cours("H", 3, "0900", "0100", "15", 16)
               + "            </COURS_RATTACHES>\n")


def _lines_of(data, tag):
    return [e.sourceline for e in etree.fromstring(data).iter(tag)]


def test_what_cannot_be_placed_is_kept_with_its_line():
    emp = fx.emp_sts(extra_structure=STRAY_SERVICE + STRAY_COURS)
    sts = fx.sts_emp(extra_structure=STRAY_SERVICE)
    records = list(parse_sts(sts, emp))
    service_line, stray_service_line = _lines_of(emp, "SERVICE")[-1], _lines_of(sts, "SERVICE")[-1]
    *_, lost_in_service, stray_line = _lines_of(emp, "COURS")
    # Every COURS of the file is a course record, placed or not.
    assert len(_of(records, Course)) == len(_lines_of(emp, "COURS")) == 4
    by_line = {c.line: c for c in _of(records, Course)}
    assert by_line[lost_in_service].problems == (
        f"ligne {lost_in_service} : cours d'un service sans division ni groupe "
        f"(ligne {service_line}) : sa classe est inconnue",)
    assert by_line[stray_line].problems == (
        f"ligne {stray_line} : cours (H 3 0900 0100 15) placé hors de tout service (SERVICE "
        "d'une division ou d'un groupe) : sa matière et sa classe sont inconnues",)
    unplaced = [s for s in _of(records, Service) if s.problems]
    assert [(s.line, s.problems) for s in unplaced] == [(service_line, (
        f"ligne {service_line} : service de la matière « 020700 » placé hors de toute "
        "division et de tout groupe : sa classe est inconnue",))]
    # The one sts_emp declares the same way is the one emp_sts sent back: not counted twice.
    assert stray_service_line not in [s.line for s in _of(records, Service)]


@pytest.mark.django_db
def test_the_bilan_counts_what_cannot_be_placed(world):
    world.etab_a.uai = "0771991W"
    emp = fx.emp_sts(extra_structure=STRAY_SERVICE + STRAY_COURS)
    bilan = bilan_build(records=parse_sts(fx.sts_emp(), emp),
                        directory=directory_for_matching(etab=world.etab_a))
    counts = bilan["counts"]
    assert (counts["courses"], counts["courses_not_importable"]) == (4, 2)
    assert counts["services_not_importable"] == 1
    service_line = _lines_of(emp, "SERVICE")[-1]
    assert bilan["services_not_importable"][0]["line"] == service_line
    rows = {row["key"]: row for row in bilan_rows(bilan)}
    assert rows["services_not_importable"]["label"] == "dont non importables"
    assert rows["services_not_importable"]["items"] == [
        f"ligne {service_line} : service de la matière « 020700 » placé hors de toute "
        "division et de tout groupe : sa classe est inconnue"]
    assert any("placé hors de tout service" in item
               for item in rows["courses_not_importable"]["items"])


def test_structures_are_streamed():
    """Read divisions are dropped from the tree as the file is read, not kept to its end."""
    from imports.parsers import _sts_xml as sx

    divisions = "".join(
        f'<DIVISION CODE="D{n}"><SERVICES><SERVICE CODE_MATIERE="020700"/></SERVICES>'
        "</DIVISION>" for n in range(50))
    data = f"<EDT_STS><DONNEES><STRUCTURE><DIVISIONS>{divisions}</DIVISIONS></STRUCTURE>" \
           "</DONNEES></EDT_STS>".encode()
    held = []
    for node in sx.structures(data, "emp_sts.xml", {"DIVISION", "SERVICE"}):
        if node.tag == "DIVISION":
            held.append(len(list(node.itersiblings(preceding=True))))
    assert len(held) == 50 and max(held) <= 1

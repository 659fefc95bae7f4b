"""Replacements and room changes some weeks become marked séances, not new courses."""

import datetime

import pytest

from imports.apply import timetable_apply
from imports.models import TimetableImport
from imports.parsers import records as r
from imports.selectors import directory_for_matching
from viescolaire.models import Cours, Seance

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 8, 31)
WEEKS = [MONDAY + datetime.timedelta(weeks=n) for n in range(8)]
T = datetime.time


def _records(world):
    yield r.Header("edt", world.etab_a.uai, MONDAY, datetime.date(2027, 7, 4), MONDAY)
    yield r.Subject("1", "MATHS", "Mathématiques", national_code="061300")
    yield r.Teacher("10", "Martin", "Hélène")
    yield r.Teacher("11", "Durand", "Paul")
    yield r.Division("20", "3A")
    yield r.Room("30", "S1")
    yield r.Room("31", "S2")
    yield r.Course("c1", 1, T(8), T(9), "1", (
        r.CourseItem("teacher", "10", frozenset(WEEKS) - {WEEKS[3]}),
        r.CourseItem("teacher", "11", frozenset({WEEKS[3]})),
        r.CourseItem("division", "20"),
        r.CourseItem("room", "30", frozenset(WEEKS) - {WEEKS[4]}),
        r.CourseItem("room", "31", frozenset({WEEKS[4]})),
    ), frozenset(WEEKS), line=40)


def test_a_replaced_week_and_a_moved_week_are_marked_on_their_séances(world):
    imp = TimetableImport.objects.create(etablissement=world.etab_a)
    applied = timetable_apply(etab=world.etab_a, imp=imp, records=list(_records(world)),
                              directory=directory_for_matching(etab=world.etab_a), today=MONDAY)
    assert applied["courses_created"] == 1 and applied["seances_added"] == 8
    cours = Cours.objects.get()
    assert set(cours.enseignants.all()) == {world.teacher_a} and cours.salle == "S1"
    replaced = Seance.objects.get(date=WEEKS[3])
    moved = Seance.objects.get(date=WEEKS[4])
    assert (replaced.remplacant, replaced.salle) == (world.teacher_a2, "")
    assert (moved.remplacant, moved.salle) == (None, "S2")
    assert Seance.objects.filter(remplacant__isnull=True, salle="").count() == 6
    # The same file again changes nothing.
    again = timetable_apply(etab=world.etab_a, imp=imp, records=list(_records(world)),
                            directory=directory_for_matching(etab=world.etab_a), today=MONDAY)
    assert (again["seances_added"], again["seances_changed"], again["seances_removed"]) == (0, 0, 0)

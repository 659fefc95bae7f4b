import datetime

import pytest

from imports.bilan import bilan_build
from imports.parsers import records as r
from imports.selectors import directory_for_matching

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 8, 31)
WEEKS = frozenset(MONDAY + datetime.timedelta(weeks=n) for n in range(10))
T = datetime.time


def _records(world):
    yield r.Header("edt", world.etab_a.uai, MONDAY, datetime.date(2027, 7, 4), MONDAY)
    yield r.Subject("1", "MATHS", "Mathématiques", national_code="061300")
    yield r.Subject("2", "HG", "HISTOIRE-GEOGRAPHIE")
    yield r.Teacher("10", "Martin", "Hélène")
    yield r.Teacher("11", "Nouveau", "Prof")
    yield r.Division("20", "3A")
    yield r.Division("21", "6Z")
    yield r.Group("30", "3LATIN", ("20",))
    yield r.Closure(MONDAY + datetime.timedelta(weeks=2), MONDAY + datetime.timedelta(
        weeks=2, days=6), "Vacances")
    # Maths in 3A, 10 weeks, one cancelled, one closed: 8 séances.
    yield r.Course("c1", 1, T(8), T(9), "1", (
        r.CourseItem("teacher", "10"), r.CourseItem("division", "20")), WEEKS,
        cancelled=frozenset({MONDAY + datetime.timedelta(weeks=5)}), line=40)
    # History with an unknown teacher and class: incomplete, 10 séances less 1 closed.
    yield r.Course("c2", 2, T(10), T(11), "2", (
        r.CourseItem("teacher", "11"), r.CourseItem("division", "21")), WEEKS, line=41)
    yield r.Course("c3", 3, T(10), T(11), "1", (), WEEKS, line=42)  # subject only
    yield r.Course("c4", 9, T(10), T(11), "1", (r.CourseItem("group", "30"),), WEEKS,
                   line=43, problems=("jour 9 hors de la semaine",))


def test_bilan_counts_what_matches_and_what_cannot_be_placed(world):
    bilan = bilan_build(records=_records(world),
                        directory=directory_for_matching(etab=world.etab_a))
    counts = bilan["counts"]
    assert (counts["courses"], counts["courses_not_importable"],
            counts["courses_subject_only"], counts["courses_incomplete"]) == (4, 1, 1, 1)
    assert counts["seances"] == 8 + 9
    assert (counts["teachers_matched"], counts["teachers_unmatched"]) == (1, 1)
    assert (counts["divisions_matched"], counts["divisions_unmatched"]) == (1, 1)
    assert (counts["groups_matched"], counts["subjects_matched"]) == (1, 1)
    assert bilan["lists"]["teachers_unmatched"] == ["NOUVEAU Prof"]
    assert bilan["lists"]["groups_without_courses"] == ["3LATIN"]
    assert bilan["not_importable"] == [{"line": 43, "problems": ["jour 9 hors de la semaine"]}]
    missing = bilan["incomplete"][0]
    assert missing["line"] == 41 and "NOUVEAU Prof non rapproché" in missing["missing"]


def test_a_file_without_header_is_refused(world):
    with pytest.raises(r.TimetableFileError, match="en-tête"):
        bilan_build(records=iter([]), directory=directory_for_matching(etab=world.etab_a))

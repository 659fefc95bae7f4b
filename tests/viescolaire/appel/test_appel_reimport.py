"""A timetable reimport that drops a séance carrying a roll call keeps the roll call.

``Appel.seance`` is PROTECT, and the timetable's writer cancels (« superseded ») a dropped
séance that carries rows instead of deleting it: the séance stays, cancelled, with its roll
call and absences reachable.
"""

import datetime

import pytest

from imports.apply import timetable_apply
from imports.models import TimetableImport
from imports.parsers import records as r
from imports.selectors import directory_for_matching
from viescolaire.appel import services
from viescolaire.appel.marks import MarkData
from viescolaire.appel.models import Absence, Appel
from viescolaire.models import Seance

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 8, 31)
WEEKS = [MONDAY + datetime.timedelta(weeks=n) for n in range(4)]
T = datetime.time


def _records(weeks):
    yield r.Header("edt", "0690001A", MONDAY, datetime.date(2027, 7, 4), MONDAY)
    yield r.Subject("1", "MATHS", "Mathématiques", national_code="061300")
    yield r.Teacher("10", "Martin", "Hélène")
    yield r.Division("20", "3A")
    yield r.Course("c1", 1, T(8), T(9), "1", (
        r.CourseItem("teacher", "10"), r.CourseItem("division", "20")), frozenset(weeks),
        line=40)


def _apply(world, weeks):
    imp = TimetableImport.objects.create(etablissement=world.etab_a)
    return timetable_apply(etab=world.etab_a, imp=imp, records=list(_records(weeks)),
                           directory=directory_for_matching(etab=world.etab_a), today=MONDAY)


def test_reimport_dropping_a_called_seance_keeps_the_roll_call(world):
    _apply(world, WEEKS)
    seance = Seance.objects.get(date=WEEKS[2])
    services.appel_marks_save(seance=seance, marks={world.pupil_a.pk: MarkData(absent=True)},
                              expected_version=0, validate=True, acting_user=world.cpe_a,
                              notify=False)
    _apply(world, [w for w in WEEKS if w != WEEKS[2]])
    appel = Appel.objects.get()
    assert appel.seance_id == seance.pk
    kept = Seance.objects.get(pk=seance.pk)
    assert kept.cancelled and kept.superseded
    assert Absence.objects.get().eleve == world.pupil_a

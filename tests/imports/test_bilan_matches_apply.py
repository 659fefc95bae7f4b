"""The bilan préliminaire announces what validating writes: the same courses, the same séances."""

import datetime

import pytest

from imports.apply import timetable_apply
from imports.bilan import bilan_build
from imports.models import TimetableImport
from imports.selectors import directory_for_matching
from viescolaire.models import Seance

from .test_bilan import MONDAY, _records

pytestmark = pytest.mark.django_db


def test_validation_writes_the_courses_and_séances_the_bilan_counted(world):
    directory = directory_for_matching(etab=world.etab_a)
    counts = bilan_build(records=_records(world), directory=directory)["counts"]
    imp = TimetableImport.objects.create(etablissement=world.etab_a)
    applied = timetable_apply(etab=world.etab_a, imp=imp, records=list(_records(world)),
                              directory=directory, today=MONDAY - datetime.timedelta(days=1))
    importable = (counts["courses"] - counts["courses_not_importable"]
                  - counts["courses_subject_only"])
    assert applied["courses_created"] == importable == 2
    # Cancelled weeks are written too, marked: the bilan counts the séances that take place.
    assert Seance.objects.filter(cancelled=False).count() == counts["seances"] == 8 + 9
    assert Seance.objects.filter(cancelled=True).count() == 1

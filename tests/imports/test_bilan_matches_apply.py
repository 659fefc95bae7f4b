"""The bilan préliminaire announces what validating writes: the same courses, the same séances."""

import datetime

import pytest

from imports.apply import seances_forecast, timetable_apply
from imports.bilan import bilan_build
from imports.models import TimetableImport
from imports.parsers import records as r
from imports.selectors import directory_for_matching
from viescolaire.models import Cours, Seance

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


# --- The séances of the bilan's forecast are those validation writes ------------------------
YEAR = [MONDAY.isoformat(), datetime.date(2027, 7, 4).isoformat()]


def _forecast_then_apply(world, today, records=None):
    """The forecast a bilan made on ``today``, then what validating that day wrote."""
    records = list(records or _records(world))
    directory = directory_for_matching(etab=world.etab_a)
    forecast = seances_forecast(etab=world.etab_a, records=records, directory=directory,
                                today=today)
    imp = TimetableImport.objects.create(etablissement=world.etab_a, bilan={"year": YEAR})
    applied = timetable_apply(etab=world.etab_a, imp=imp, records=records,
                              directory=directory, today=today)
    TimetableImport.objects.filter(pk=imp.pk).update(status=TimetableImport.Status.VALIDE)
    counts = forecast["counts"]
    assert (counts["seances_to_create"], counts["seances_to_change"],
            counts["seances_to_remove"]) == (applied["seances_added"],
                                             applied["seances_changed"],
                                             applied["seances_removed"])
    return forecast, applied


def test_the_first_import_of_the_year_fills_the_weeks_already_past(world):
    today = MONDAY + datetime.timedelta(weeks=5, days=2)
    forecast, applied = _forecast_then_apply(world, today)
    # Every séance of the year, the five weeks already past included: none shows empty.
    assert applied["seances_added"] == Seance.objects.count() == 8 + 9 + 1
    # Weeks 0 to 5 but the closed one: maths on 5 Mondays (one cancelled), history on 5
    # Tuesdays.
    assert Seance.objects.filter(date__lt=today).count() == 5 + 5
    assert forecast["counts"]["seances_past"] == 0 and forecast["first_of_year"]
    assert forecast["notes"] == [
        "Premier import validé de l'année 2026-2027 : les séances sont créées depuis le "
        "premier jour de l'année scolaire, le 31 août 2026, semaines déjà passées comprises."]


def test_a_later_import_never_changes_past_séances(world):
    _forecast_then_apply(world, MONDAY - datetime.timedelta(days=1))
    today = MONDAY + datetime.timedelta(weeks=5, days=2)
    past = list(Seance.objects.filter(date__lt=today).order_by("pk").values())
    # The maths course now from 9:00 to 10:00: a new course, the old one's séances to come go.
    moved = [r.Course("c1", 1, datetime.time(9), datetime.time(10), "1", record.items,
                      record.weeks, cancelled=record.cancelled, line=40)
             if isinstance(record, r.Course) and record.ident == "c1" else record
             for record in _records(world)]
    forecast, applied = _forecast_then_apply(world, today, moved)
    assert list(Seance.objects.filter(date__lt=today).order_by("pk").values()) == past
    counts = forecast["counts"]
    # Maths' weeks 6 to 9: added at 9:00, removed at 8:00.
    assert (applied["seances_added"], applied["seances_removed"]) == (4, 4)
    assert counts["seances_past"] == 4 + 5 and not forecast["first_of_year"]
    assert counts["seances_kept"] == 4  # history's weeks 6 to 9
    assert forecast["notes"][0].startswith("Les séances passées (avant le 7 octobre 2026) "
                                           "ne changent pas")


def test_an_export_of_a_year_already_over_writes_nothing(world):
    today = datetime.date(2027, 9, 6)
    forecast, applied = _forecast_then_apply(world, today)
    assert set(applied.values()) == {0}
    assert not Seance.objects.exists() and not Cours.objects.exists()
    counts = forecast["counts"]
    assert counts["seances_to_create"] == 0 and counts["seances_past"] == 8 + 9
    assert forecast["notes"] == [
        "L'export concerne l'année 2026-2027, terminée : aucune séance ne sera créée, et "
        "l'emploi du temps en vigueur ne changera pas."]


def test_weeks_outside_the_school_year_are_counted_apart_and_never_written(world):
    def late(records):
        for record in records:
            if isinstance(record, r.Course) and record.ident == "c1":
                # Two more weeks, after the year's last day (2027-07-04).
                extra = {datetime.date(2027, 7, 5), datetime.date(2027, 7, 12)}
                record = r.Course("c1", 1, record.start, record.end, "1", record.items,
                                  record.weeks | extra, cancelled=record.cancelled, line=40)
            yield record

    directory = directory_for_matching(etab=world.etab_a)
    bilan = bilan_build(records=late(_records(world)), directory=directory)
    assert bilan["counts"]["seances"] == 8 + 9 + 2
    forecast, _applied = _forecast_then_apply(world, MONDAY, late(_records(world)))
    assert forecast["counts"]["seances_outside_year"] == 2
    assert forecast["counts"]["seances_in_year"] == 8 + 9
    assert not Seance.objects.filter(date__gt=datetime.date(2027, 7, 4)).exists()
    assert "hors de l'année scolaire 2026-2027 (du 31 août 2026 au 4 juillet 2027)" in (
        forecast["notes"][-1])

"""A reimport never deletes a séance under what hangs on it: it cancels it.

The rule reads ``Seance``'s reverse relations, so models that do not exist yet (roll call,
homework) are protected without touching the importer. Here two models are made for the test
only, their tables created in the test database and dropped after: one pointing at a séance
the recommended way (``on_delete=PROTECT``), one hidden (``related_name="+"``, CASCADE).
The tests are transactional because SQLite cannot change its schema inside a transaction.
"""

import datetime
import re

import pytest
from django.apps import apps
from django.db import connection, models
from django.urls import reverse

from imports.apply import seances_forecast, timetable_apply
from imports.models import TimetableImport
from imports.parsers import records as r
from imports.presenters import applied_rows, bilan_rows
from imports.selectors import directory_for_matching
from viescolaire.models import Cours, Seance
from viescolaire.selectors import seance_carriers, seances_carrying_ids

from .test_bilan import MONDAY, _records

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = [MONDAY.isoformat(), datetime.date(2027, 7, 4).isoformat()]
# Wednesday of week 5: maths' Mondays of weeks 6 to 9 are still to come.
TODAY = MONDAY + datetime.timedelta(weeks=5, days=2)


@pytest.fixture
def carriers():
    """Two models pointing at ``Seance``, registered and with a table for this test only."""

    class SeanceNoteForTest(models.Model):
        seance = models.ForeignKey("viescolaire.Seance", on_delete=models.PROTECT,
                                   related_name="notes_for_test")
        text = models.CharField(max_length=100)

        class Meta:
            app_label = "viescolaire"

    class SeanceMarkForTest(models.Model):
        seance = models.ForeignKey("viescolaire.Seance", on_delete=models.CASCADE,
                                   related_name="+")

        class Meta:
            app_label = "viescolaire"

    made = (SeanceNoteForTest, SeanceMarkForTest)
    with connection.schema_editor() as editor:
        for model in made:
            editor.create_model(model)
    try:
        yield made
    finally:
        with connection.schema_editor() as editor:
            for model in made:
                editor.delete_model(model)
        for model in made:
            del apps.all_models["viescolaire"][model._meta.model_name]
        apps.clear_cache()


def _validate(world, today, records):
    """The bilan's forecast on ``today``, then validating that day; both agree."""
    records = list(records)
    directory = directory_for_matching(etab=world.etab_a)
    forecast = seances_forecast(etab=world.etab_a, records=records, directory=directory,
                                today=today)
    imp = TimetableImport.objects.create(etablissement=world.etab_a, bilan={"year": YEAR})
    applied = timetable_apply(etab=world.etab_a, imp=imp, records=records,
                              directory=directory, today=today)
    TimetableImport.objects.filter(pk=imp.pk).update(status=TimetableImport.Status.VALIDE)
    counts = forecast["counts"]
    assert (counts["seances_to_create"], counts["seances_to_change"],
            counts["seances_to_remove"], counts["seances_to_cancel"]) == (
        applied["seances_added"], applied["seances_changed"], applied["seances_removed"],
        applied["seances_cancelled"])
    return forecast, applied


def _maths_moved(world):
    """The same timetable, maths now from 9:00: a new course; the old one's séances to come
    are dropped."""
    for record in _records(world):
        if isinstance(record, r.Course) and record.ident == "c1":
            record = r.Course("c1", 1, datetime.time(9), datetime.time(10), "1", record.items,
                              record.weeks, cancelled=record.cancelled, line=40)
        yield record


def _maths_at_8(week):
    return Seance.objects.get(cours__start=datetime.time(8), date=MONDAY + datetime.timedelta(
        weeks=week))


def _text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_dropped_séance_that_carries_something_is_cancelled_not_deleted(
        world, carriers, login):
    note_model, mark_model = carriers
    assert {(note_model, "seance_id"), (mark_model, "seance_id")} <= set(seance_carriers())
    _validate(world, MONDAY - datetime.timedelta(days=1), _records(world))
    note = note_model.objects.create(seance=_maths_at_8(6), text="Appel fait")
    mark = mark_model.objects.create(seance=_maths_at_8(7))
    bare = [_maths_at_8(8).pk, _maths_at_8(9).pk]

    forecast, applied = _validate(world, TODAY, _maths_moved(world))

    # Weeks 6 and 7 carry a row: cancelled; weeks 8 and 9 carry nothing: deleted.
    assert (applied["seances_cancelled"], applied["seances_removed"]) == (2, 2)
    assert not Seance.objects.filter(pk__in=bare).exists()
    note.refresh_from_db()
    mark.refresh_from_db()
    for seance in (note.seance, mark.seance):
        assert seance.cancelled and seance.superseded
        assert seance.cours.start == datetime.time(8) and not seance.cours.active
    assert list(note.seance.notes_for_test.all()) == [note]
    # The bilan said so, in its counts and in words.
    assert forecast["counts"]["seances_to_cancel"] == 2
    assert any(line.startswith("2 séances que ce fichier retire portent déjà des données")
               for line in forecast["notes"])
    rows = {row["key"]: row for row in bilan_rows({"counts": forecast["counts"]})}
    assert rows["seances_to_cancel"]["label"].startswith(
        "Séances que la validation annulera au lieu de les retirer")
    assert ("Séances annulées au lieu d'être retirées (elles portent des données)", 2) in (
        applied_rows({"applied": applied}))

    # The week shows it, cancelled in words, beside the course at its new hour.
    response = login(world.principal_a).get(
        reverse("viescolaire:week_regroupement", args=[world.div_3a.pk]),
        {"semaine": (MONDAY + datetime.timedelta(weeks=6)).isoformat()})
    assert response.status_code == 200
    text = _text(response.content.decode())
    assert "8h00 – 9h00 Annulée (nouvel emploi du temps)" in text
    assert "9h00 – 10h00" in text


def test_a_cancelled_séance_comes_back_with_what_it_carries(world, carriers):
    note_model, _ = carriers
    _validate(world, MONDAY - datetime.timedelta(days=1), _records(world))
    note = note_model.objects.create(seance=_maths_at_8(6), text="Devoirs")
    _validate(world, TODAY, _maths_moved(world))
    # Dropped again by a later file: left as it is, neither cancelled twice nor deleted.
    _forecast, applied = _validate(world, TODAY, _maths_moved(world))
    assert (applied["seances_cancelled"], applied["seances_removed"]) == (0, 0)

    # The timetable has maths at 8:00 again: the séance is back, its row on it.
    _forecast, applied = _validate(world, TODAY, _records(world))
    seance = Seance.objects.get(pk=note.seance_id)
    assert not seance.cancelled and not seance.superseded and seance.cours.active
    # The 9:00 séances, carrying nothing, go; the three at 8:00 that were deleted come back.
    assert (applied["seances_removed"], applied["seances_changed"],
            applied["seances_added"]) == (4, 1, 3)
    assert note_model.objects.get().seance_id == seance.pk


def test_which_séances_carry_something_costs_one_query(
        world, carriers, django_assert_num_queries):
    note_model, mark_model = carriers
    _validate(world, MONDAY - datetime.timedelta(days=1), _records(world))
    ids = list(Seance.objects.values_list("pk", flat=True))
    note_model.objects.create(seance_id=ids[0], text="x")
    mark_model.objects.create(seance_id=ids[-1])
    for some in (ids[:2], ids):
        with django_assert_num_queries(1):
            found = seances_carrying_ids(seance_ids=some)
        assert found == {ids[0], ids[-1]} & set(some)
    assert Cours.objects.exists()

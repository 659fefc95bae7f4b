"""Whoever analysed or validated a timetable import is told how it ended, with a link."""

import pytest
from django.urls import reverse

from ent.notifications.models import Notification
from imports.models import TimetableImport

from .conftest import EDT, edt_file

pytestmark = pytest.mark.django_db


def told(person):
    return list(Notification.objects.filter(recipient=person).values_list(
        "kind", "title", "url", "etablissement_id"))


def test_timetable_analysis_then_validation_are_told(college, login, upload, run):
    w = college
    upload(login(w.principal_a), w.etab_a)
    imp = TimetableImport.objects.get()
    detail = reverse("imports:detail", args=[w.etab_a.pk, imp.pk])
    assert told(w.principal_a) == [
        ("import_edt", "Bilan préliminaire de l'emploi du temps prêt", detail, w.etab_a.pk)]
    client = login(w.admin_etab_a)
    run(client.post, reverse("imports:validate", args=[w.etab_a.pk, imp.pk]))
    assert TimetableImport.objects.get().status == TimetableImport.Status.VALIDE
    assert told(w.admin_etab_a) == [
        ("import_edt", "Emploi du temps validé", detail, w.etab_a.pk)]


def test_a_failed_timetable_analysis_is_told(college, login, upload):
    w = college
    upload(login(w.principal_a), w.etab_a, edt_file(data=EDT.read_bytes()[:300000]))
    (row,) = Notification.objects.filter(recipient=w.principal_a)
    assert row.title == "Échec de l'analyse de l'emploi du temps"
    assert "fichier XML tronqué" in row.body

"""A timetable upload's files: analysed in the worker, kept while a bilan waits for a decision,
deleted once it is validated, cancelled or replaced, or left too long."""

import os
import time
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from ent.tasks import uploads_purge_task
from imports.models import TimetableImport

from .conftest import edt_file


def _files(settings):
    root = settings.MEDIA_ROOT / "timetable"
    return sorted(p for p in root.rglob("*.xml")) if root.exists() else []


def test_the_web_request_reads_only_the_first_bytes(college, login, settings, monkeypatch):
    # The analysis happens in the task (queued on commit, not run here): the web request only
    # reads the first bytes of each file, to refuse a wrong one at once.
    from imports import services

    seen = []
    real = services.upload_classify

    def spy(files, **kwargs):
        seen.append(kwargs.get("head_only", False))
        return real(files, **kwargs)

    monkeypatch.setattr(services, "upload_classify", spy)
    client = login(college.principal_a)
    client.post(reverse("imports:etab", args=[college.etab_a.pk]), {"files": [edt_file()]})
    assert seen == [True]
    imp = TimetableImport.objects.get()
    assert imp.status == TimetableImport.Status.ANALYSE and len(_files(settings)) == 1


def test_a_validated_import_s_files_are_deleted(college, login, upload, run, settings):
    client = login(college.principal_a)
    upload(client, college.etab_a)
    imp = TimetableImport.objects.get()
    assert imp.status == TimetableImport.Status.BILAN and _files(settings)
    run(client.post, reverse("imports:validate", args=[college.etab_a.pk, imp.pk]))
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.VALIDE
    assert not _files(settings)


def test_cancelled_and_replaced_imports_lose_their_files(college, login, upload, run, settings):
    client = login(college.principal_a)
    upload(client, college.etab_a)
    upload(client, college.etab_a)
    first, second = TimetableImport.objects.order_by("pk")
    assert first.status == TimetableImport.Status.PERIME
    assert len(_files(settings)) == 1
    run(client.post, reverse("imports:cancel", args=[college.etab_a.pk, second.pk]))
    second.refresh_from_db()
    assert second.status == TimetableImport.Status.ANNULE and not _files(settings)


def test_a_bilan_left_without_decision_fails_and_its_files_go(college, login, upload, settings):
    client = login(college.principal_a)
    upload(client, college.etab_a)
    imp = TimetableImport.objects.get()
    old = timezone.now() - timedelta(days=settings.ENT_UPLOAD_PENDING_DAYS + 1)
    TimetableImport.objects.filter(pk=imp.pk).update(created_at=old)
    uploads_purge_task()
    assert _files(settings)  # the folder is too recent for the purge: its age counts too
    for folder in (settings.MEDIA_ROOT / "timetable").iterdir():
        os.utime(folder, (time.time() - 2 * 86400,) * 2)
    uploads_purge_task()
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.ECHEC
    assert "déposez-les à nouveau" in imp.error.lower()
    assert not _files(settings)
    page = client.get(reverse("imports:detail", args=[college.etab_a.pk, imp.pk]))
    assert page.status_code == 200

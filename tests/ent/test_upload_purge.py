"""Uploaded exports hold personal data: deleted when their import ends, kept a short while for
a retry or a decision, and whatever is left behind purged by the hourly beat task."""

import os
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from annuaire import services
from annuaire.models import AafImport, SiecleImport
from ent import uploads
from ent.tasks import uploads_purge_task


def _saved(kind="aaf", age_days=0):
    folder, _ = uploads.upload_save(kind=kind, files=[("ENT_Complet_Eleve.xml", b"<a/>")])
    if age_days:
        past = time.time() - age_days * 86400
        os.utime(folder, (past, past))
    return folder


def test_the_beat_runs_the_purge_every_hour():
    entry = django_settings.CELERY_BEAT_SCHEDULE["purge-uploads"]
    assert entry["task"] == "ent.tasks.uploads_purge_task"


def test_leftovers_older_than_the_delay_are_purged_and_nothing_else(db, tmp_path):
    old, recent, needed = _saved(age_days=2), _saved(), _saved(age_days=2)
    outside = tmp_path / "livraison"
    outside.mkdir()
    # A file a killed web process was receiving.
    uploads.receiving_root().mkdir(parents=True)
    received = uploads.receiving_root() / "tmpabc.upload"
    received.write_bytes(b"<a/>")
    os.utime(received, (time.time() - 2 * 86400,) * 2)
    assert uploads.uploads_purge(in_use={str(needed)}) == 2
    assert not old.exists() and recent.exists() and needed.exists()
    assert not received.exists()
    # The store never deletes what is not its own (the command line's folders).
    assert not uploads.upload_delete(outside) and outside.exists()


@pytest.mark.parametrize(("status", "ended", "kept"), [
    (AafImport.Status.FAILED, timedelta(hours=1), True),
    (AafImport.Status.FAILED, timedelta(hours=25), False),
    (AafImport.Status.SIMULATED, timedelta(days=6), True),
    (AafImport.Status.WAITING, timedelta(days=8), False),
    (AafImport.Status.RUNNING, timedelta(days=30), True),
])
def test_an_aaf_upload_waits_for_a_retry_or_a_decision_then_goes(db, status, ended, kept):
    folder = _saved(age_days=40)
    imp = AafImport.objects.create(status=status, paths=[str(folder)], source_dir=str(folder),
                                   finished_at=timezone.now() - ended)
    uploads_purge_task()
    imp.refresh_from_db()
    assert folder.exists() is kept
    assert (imp.source_dir == str(folder)) is kept
    if not kept and status == AafImport.Status.FAILED:
        with pytest.raises(services.ImportStateError, match="plus disponibles"):
            services.aaf_import_retry(aaf_import=imp, acting_user=None)
    if not kept and status == AafImport.Status.WAITING:
        with pytest.raises(services.ImportStateError, match="plus disponibles"):
            services.aaf_import_confirm(aaf_import=imp, acting_user=None)


def test_a_command_line_import_s_folder_is_never_deleted(db, tmp_path):
    AafImport.objects.create(status=AafImport.Status.APPLIED, origin=AafImport.Origin.CLI,
                             paths=[str(tmp_path)], source_dir=str(tmp_path),
                             finished_at=timezone.now() - timedelta(days=90))
    uploads_purge_task()
    assert tmp_path.exists()


def test_a_siecle_run_that_ended_without_deleting_its_files_loses_them(world):
    folder = _saved(kind="siecle")
    ended = SiecleImport.objects.create(etablissement=world.etab_a, status=SiecleImport.Status.FAILED,
                                        source_dir=str(folder), paths=[str(folder)])
    uploads_purge_task()
    ended.refresh_from_db()
    assert ended.source_dir == "" and not folder.exists()

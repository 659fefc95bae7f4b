"""A validation or an analysis whose worker died (SIGKILL, out of memory), once its heartbeat
has stopped for ENT_IMPORT_STALE_SECONDS and the reaper (beat) has run: pages only read. The
validation goes back to its bilan, to be validated again or cancelled, and the killed task
delivered late applies nothing behind the admin's back; the analysis fails with a message
saying to upload the files again."""

import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from annuaire import progress
from annuaire.progress import Heartbeat, progress_get, progress_set
from ent.jobs.tasks import jobs_reap_task
from imports import services
from imports.models import TimetableImport
from imports.tasks import timetable_validate_task
from viescolaire.models import Cours

from .conftest import EDT

INTERRUPTED = ("Validation interrompue : l'emploi du temps en vigueur n'a pas "
               "changé ; vous pouvez la relancer.")


def detail_url(imp):
    return reverse("imports:detail", args=[imp.etablissement_id, imp.pk])


def progress_url(imp):
    return reverse("imports:progress", args=[imp.etablissement_id, imp.pk])


def _analysed(etab):
    imp = services.timetable_import_create(etab=etab, files=[(EDT.name, EDT.read_bytes())])
    return services.timetable_import_analyse(import_id=imp.pk)


def _claimed(etab):
    """Claimed by « Valider », its task never run: a worker killed before it committed."""
    imp = _analysed(etab)
    services.timetable_import_validate_start(imp=imp, acting_user=None)
    return imp


def _reported(imp, phase, *, ago, queued=False):
    """The import's last heartbeat, ``ago`` seconds back."""
    with mock.patch.object(progress.time, "time", return_value=time.time() - ago):
        progress_set(kind=services.PROGRESS_KIND, pk=imp.pk, phase=phase, fraction=0.5,
                     queued=queued)


def _heartbeat_stopped(imp, *, ago=None):
    """A worker took the claim, then stopped reporting (killed); the claim time set back."""
    ago = ago if ago is not None else settings.ENT_IMPORT_STALE_SECONDS + 60
    _reported(imp, "Application de l'emploi du temps", ago=ago)
    TimetableImport.objects.filter(pk=imp.pk).update(
        validation_claimed_at=timezone.now() - timedelta(seconds=ago))


def test_a_stopped_validation_is_back_to_its_bilan_then_validated_once(college, login):
    w = college
    imp = _claimed(w.etab_a)
    assert imp.validation_attempt == 1
    client = login(w.principal_a)
    html = client.get(detail_url(imp)).content.decode()
    assert "Validation en cours" in html and "Valider cet import" not in html
    _heartbeat_stopped(imp)
    # The page only reads; the reaper puts the claim back.
    client.get(detail_url(imp))
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.VALIDATION
    assert jobs_reap_task() == 1

    html = client.get(detail_url(imp)).content.decode()
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.BILAN and imp.validation_interrupted_at
    assert INTERRUPTED in html
    assert "Valider cet import" in html and "Annuler l'import</button>" in html
    assert not Cours.objects.exists()

    # Relaunched by the admin; the killed worker's message, delivered late, finds its claim
    # gone and leaves the relaunch to its own task.
    response = client.post(reverse("imports:validate", args=[w.etab_a.pk, imp.pk]))
    assert response.status_code == 302
    imp.refresh_from_db()
    assert (imp.status, imp.validation_attempt) == (TimetableImport.Status.VALIDATION, 2)
    assert imp.validation_interrupted_at is None
    assert INTERRUPTED not in client.get(detail_url(imp)).content.decode()
    timetable_validate_task(imp.pk, 1)
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.VALIDATION and not Cours.objects.exists()
    timetable_validate_task(imp.pk, 2)
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.VALIDE and imp.decided_by == w.principal_a
    in_force = sorted(Cours.objects.values_list("key", "active"))
    assert len(in_force) == imp.bilan["applied"]["courses_created"] > 0
    # Delivered again, by the broker or a message queued before claims were numbered.
    timetable_validate_task(imp.pk, 2)
    timetable_validate_task(imp.pk, 1)
    timetable_validate_task(imp.pk)
    assert sorted(Cours.objects.values_list("key", "active")) == in_force
    assert progress_get(kind=services.PROGRESS_KIND, pk=imp.pk) is None


def test_a_stopped_validation_can_be_cancelled_from_the_page_left_open(college, login):
    w = college
    imp = _claimed(w.etab_a)
    _heartbeat_stopped(imp)
    client = login(w.admin_etab_a)
    response = client.post(reverse("imports:cancel", args=[w.etab_a.pk, imp.pk]), follow=True)
    assert "Import annulé" in response.content.decode()
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.ANNULE
    timetable_validate_task(imp.pk, 1)
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.ANNULE and not Cours.objects.exists()


@pytest.mark.parametrize("case", ["fresh heartbeat", "no heartbeat, recent claim"])
def test_a_validation_still_reporting_is_left_alone(college, login, case):
    w = college
    imp = _claimed(w.etab_a)
    if case == "fresh heartbeat":
        # Claimed long ago, but its worker beats: waiting for the establishment, or applying.
        TimetableImport.objects.filter(pk=imp.pk).update(
            validation_claimed_at=timezone.now() - timedelta(days=1))
        progress_set(kind=services.PROGRESS_KIND, pk=imp.pk, phase="Application", fraction=0.5)
    else:
        cache.clear()
    client = login(w.principal_a)
    html = client.get(detail_url(imp)).content.decode()
    assert "Validation en cours" in html and INTERRUPTED not in html
    assert "HX-Refresh" not in client.get(progress_url(imp))
    assert services.timetable_imports_expire_stale(etab=w.etab_a) == []
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.VALIDATION
    assert imp.validation_interrupted_at is None


def test_no_heartbeat_and_an_old_claim_is_a_stopped_validation(college):
    w = college
    imp = _claimed(w.etab_a)
    _heartbeat_stopped(imp)
    cache.clear()
    assert [i.pk for i in services.timetable_imports_expire_stale(etab=w.etab_a)] == [imp.pk]
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.BILAN


def test_the_progress_poll_of_a_stopped_validation_asks_for_a_reload(college, login):
    w = college
    imp = _claimed(w.etab_a)
    client = login(w.principal_a)
    client.get(progress_url(imp))  # the first request of a session reads what later ones have cached
    _heartbeat_stopped(imp)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(progress_url(imp))
    # The poll only reads: still polling until the reaper has run.
    assert response.status_code == 200 and "HX-Refresh" not in response
    reads = [q["sql"] for q in ctx.captured_queries if "imports_timetableimport" in q["sql"]]
    assert not any('"bilan"' in sql for sql in reads), reads
    sql = [q["sql"] for q in ctx.captured_queries
           if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(sql) <= 5, sql
    assert not any(q.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) for q in sql)
    jobs_reap_task()
    response = client.get(progress_url(imp))
    assert response.status_code == 200 and response["HX-Refresh"] == "true"
    assert "Validation interrompue" in response.content.decode()
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.BILAN
    assert INTERRUPTED in client.get(detail_url(imp)).content.decode()


def test_the_listing_shows_a_stopped_validation_back_to_its_bilan(
        college, login, django_assert_max_num_queries):
    w = college
    imp = _claimed(w.etab_a)
    client = login(w.principal_a)
    client.get(reverse("imports:etab", args=[w.etab_a.pk]))
    _heartbeat_stopped(imp)
    jobs_reap_task()
    with django_assert_max_num_queries(14):
        html = client.get(reverse("imports:etab", args=[w.etab_a.pk])).content.decode()
    assert "Bilan préliminaire prêt" in html and "Validation en cours" not in html
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.BILAN


def test_another_establishments_principal_gets_404_and_changes_nothing(college, login):
    w = college
    imp = _claimed(w.etab_a)
    _heartbeat_stopped(imp)
    client = login(w.principal_b)
    for url in (detail_url(imp), progress_url(imp),
                reverse("imports:detail", args=[w.etab_b.pk, imp.pk]),
                reverse("imports:progress", args=[w.etab_b.pk, imp.pk])):
        assert client.get(url).status_code == 404, url
    for name in ("imports:validate", "imports:cancel"):
        assert client.post(reverse(name, args=[w.etab_a.pk, imp.pk])).status_code == 404
    # Collège B's own pages never touch collège A's imports.
    assert client.get(reverse("imports:etab", args=[w.etab_b.pk])).status_code == 200
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.VALIDATION
    assert imp.validation_interrupted_at is None


def test_a_newer_upload_supersedes_a_stopped_validation(college):
    w = college
    old = _claimed(w.etab_a)
    _heartbeat_stopped(old)
    new = _analysed(w.etab_a)
    old.refresh_from_db()
    assert old.status == TimetableImport.Status.PERIME and new.status == TimetableImport.Status.BILAN
    timetable_validate_task(old.pk, 1)
    old.refresh_from_db()
    assert old.status == TimetableImport.Status.PERIME and not Cours.objects.exists()


def test_a_run_whose_claim_was_put_back_meanwhile_applies_nothing(college):
    """The killed task delivered late passed its first check just before the claim was put
    back: under the row's lock it finds the claim no longer its own."""
    w = college
    imp = _claimed(w.etab_a)
    _heartbeat_stopped(imp)
    services.timetable_imports_expire_stale(etab=w.etab_a)
    with pytest.raises(services.ImportStateError):
        services.timetable_import_validate(imp=imp, acting_user=None, attempt=1)
    services.timetable_import_validate_start(imp=imp, acting_user=None)
    with pytest.raises(services.ImportStateError):
        services.timetable_import_validate(imp=imp, acting_user=None, attempt=1)
    assert not Cours.objects.exists()
    imp.refresh_from_db()
    assert (imp.status, imp.validation_attempt) == (TimetableImport.Status.VALIDATION, 2)


def test_the_worker_beats_while_it_validates(college, monkeypatch):
    w = college
    imp = _claimed(w.etab_a)
    monkeypatch.setattr("imports.services.Heartbeat",
                        lambda **kwargs: Heartbeat(**kwargs, every=0.02))
    real, seen = services.timetable_import_validate, {}

    def validate(**kwargs):
        _heartbeat_stopped(imp)
        time.sleep(0.2)
        seen["age"] = time.time() - progress_get(kind=services.PROGRESS_KIND, pk=imp.pk)["at"]
        seen["expired"] = services.timetable_imports_expire_stale(etab=w.etab_a)
        return real(**kwargs)

    monkeypatch.setattr("imports.services.timetable_import_validate", validate)
    timetable_validate_task(imp.pk, 1)
    assert seen["age"] < 1 and seen["expired"] == []
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.VALIDE and Cours.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_validation_whose_row_is_held_is_never_put_back(college, monkeypatch):
    """Its heartbeat says stopped (the cache emptied), but a transaction holds the import's
    row: a run applying it now, which may still commit. It is skipped, not waited for."""
    from django.db import connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("le verrou de ligne se vérifie sur PostgreSQL")
    # Committed for real here: the claim's task must not run at once (Celery is eager).
    monkeypatch.setattr(timetable_validate_task, "delay", lambda *args: None)
    w = college
    imp = _claimed(w.etab_a)
    _heartbeat_stopped(imp)
    held, release = threading.Event(), threading.Event()

    def applying():
        try:
            with transaction.atomic():
                TimetableImport.objects.select_for_update().get(pk=imp.pk)
                held.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=applying)
    thread.start()
    try:
        assert held.wait(10)
        assert services.timetable_imports_expire_stale(etab=w.etab_a) == []
        imp.refresh_from_db()
        assert imp.status == TimetableImport.Status.VALIDATION
    finally:
        release.set()
        thread.join()
    assert [i.pk for i in services.timetable_imports_expire_stale(etab=w.etab_a)] == [imp.pk]


# --- An analysis whose worker died ---------------------------------------------------------
def _analysis_queued(etab):
    """Uploaded and queued, its task never run: a worker killed while analysing."""
    return services.timetable_import_start(
        etab=etab, files=[(EDT.name, EDT.read_bytes())], acting_user=None)


def _analysis_heartbeat_stopped(imp):
    """A worker took the analysis, then stopped reporting (killed)."""
    ago = settings.ENT_IMPORT_STALE_SECONDS + 60
    _reported(imp, "Lecture et rapprochement des fichiers", ago=ago)
    TimetableImport.objects.filter(pk=imp.pk).update(
        created_at=timezone.now() - timedelta(seconds=ago))


def test_a_stopped_analysis_fails_with_a_message_instead_of_polling_for_ever(college, login):
    w = college
    imp = _analysis_queued(w.etab_a)
    client = login(w.principal_a)
    # Alive (its heartbeat fresh): still running, the page polls.
    assert client.get(progress_url(imp)).status_code == 200
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.ANALYSE
    _analysis_heartbeat_stopped(imp)
    assert "HX-Refresh" not in client.get(progress_url(imp))
    jobs_reap_task()

    response = client.get(progress_url(imp))
    assert response["HX-Refresh"] == "true"
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.ECHEC
    assert imp.error == services.ANALYSIS_INTERRUPTED
    assert services.ANALYSIS_INTERRUPTED.replace("'", "&#x27;") in client.get(
        detail_url(imp)).content.decode()
    # The killed worker's message, delivered late, leaves it as it is; a new upload works.
    services.timetable_import_execute(import_id=imp.pk)
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.ECHEC
    again = _analysed(w.etab_a)
    assert again.status == TimetableImport.Status.BILAN


def test_a_running_analysis_keeps_its_heartbeat(college):
    """The worker's heartbeat keeps an analysis longer than ENT_IMPORT_STALE_SECONDS alive."""
    w = college
    imp = _analysis_queued(w.etab_a)
    _analysis_heartbeat_stopped(imp)
    with Heartbeat(kind=services.PROGRESS_KIND, pk=imp.pk, every=0.05):
        time.sleep(0.2)
        assert services.timetable_imports_expire_stale(etab=w.etab_a) == []
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.ANALYSE


def test_another_establishments_page_leaves_a_stopped_analysis_alone(college, login):
    w = college
    imp = _analysis_queued(w.etab_a)
    _analysis_heartbeat_stopped(imp)
    client = login(w.principal_b)
    assert client.get(progress_url(imp)).status_code == 404
    assert client.get(reverse("imports:etab", args=[w.etab_b.pk])).status_code == 200
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.ANALYSE


# --- A job waiting in the queue ------------------------------------------------------------
def test_a_validation_waiting_in_the_queue_is_given_longer_then_put_back(college, login):
    """No worker has taken it (they are busy with an académie's import): its silence is not a
    death, until ENT_IMPORT_QUEUED_STALE_SECONDS says its message was lost."""
    w = college
    imp = _claimed(w.etab_a)
    client = login(w.principal_a)
    waited = settings.ENT_IMPORT_STALE_SECONDS + 60
    _reported(imp, "Validation en attente", ago=waited, queued=True)
    TimetableImport.objects.filter(pk=imp.pk).update(
        validation_claimed_at=timezone.now() - timedelta(seconds=waited))
    assert jobs_reap_task() == 0
    assert "Validation en cours" in client.get(detail_url(imp)).content.decode()
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.VALIDATION

    lost = settings.ENT_IMPORT_QUEUED_STALE_SECONDS + 60
    _reported(imp, "Validation en attente", ago=lost, queued=True)
    assert jobs_reap_task() == 1
    assert INTERRUPTED in client.get(detail_url(imp)).content.decode()
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.BILAN


def test_an_analysis_waiting_in_the_queue_is_not_failed(college):
    w = college
    imp = _analysis_queued(w.etab_a)
    _reported(imp, "En attente", ago=settings.ENT_IMPORT_STALE_SECONDS + 60, queued=True)
    assert services.timetable_imports_expire_stale(etab=w.etab_a) == []
    services.timetable_import_execute(import_id=imp.pk)
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.BILAN

"""The reaper of dead jobs, run every minute by beat: a job whose worker stopped reporting is
settled and its launcher told; a live one is left alone; nothing is done twice."""

import pytest
from django.conf import settings as django_settings

from annuaire.activation import selectors as activation_selectors
from annuaire.activation import services as letters
from annuaire.models import AafImport, ActivationCode, LetterBatch, Person, SiecleImport
from annuaire.tasks import letter_batch_task
from ent.jobs.progress import progress_set
from ent.jobs.services import job_claim, job_models, jobs_reap
from ent.jobs.tasks import jobs_reap_task
from ent.notifications.models import Notification
from imports.models import TimetableImport

from .conftest import heartbeat_stopped

pytestmark = pytest.mark.django_db


def test_every_job_of_the_project_is_watched():
    assert {AafImport, SiecleImport, LetterBatch, TimetableImport} <= set(job_models())


def test_beat_runs_the_reaper_every_minute():
    entry = next(e for e in django_settings.CELERY_BEAT_SCHEDULE.values()
                 if e["task"] == "ent.jobs.tasks.jobs_reap_task")
    assert entry["schedule"] <= 60


def _batch(world):
    Person.objects.update(activated_at=None)
    return letters.letter_batch_create(etab=world.etab_a, acting_user=world.principal_a,
                                       audience=activation_selectors.Audience.PARENTS)


def test_a_dead_job_is_failed_and_its_launcher_told_once(world, django_capture_on_commit_callbacks):
    dead, alive = _batch(world), _batch(world)
    for batch in (dead, alive):
        assert job_claim(job=batch)
    heartbeat_stopped(dead)
    progress_set(kind=alive.PROGRESS_KIND, pk=alive.pk, phase="Mise en page", fraction=0.5)

    with django_capture_on_commit_callbacks(execute=True):
        assert jobs_reap_task() == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == LetterBatch.Status.ECHEC and dead.finished_at
    assert dead.error == LetterBatch.INTERRUPTED_MESSAGE
    assert alive.status == LetterBatch.Status.EN_COURS
    told = Notification.objects.get(recipient=world.principal_a)
    assert told.title == "Échec de l'édition des fiches de connexion"
    assert told.etablissement_id == world.etab_a.pk

    with django_capture_on_commit_callbacks(execute=True):
        assert jobs_reap_task() == 0
    assert Notification.objects.count() == 1


def test_a_job_queued_behind_others_is_given_longer(world):
    from ent.jobs.services import job_enqueued

    batch = _batch(world)
    job_enqueued(job=batch)
    heartbeat_stopped(batch)  # its last sign of life, while queued, set back
    progress_set(kind=batch.PROGRESS_KIND, pk=batch.pk, phase="En attente", fraction=0,
                 queued=True)
    assert jobs_reap() == []
    batch.refresh_from_db()
    assert batch.status == LetterBatch.Status.EN_ATTENTE


def test_a_killed_letter_batch_run_again_issues_each_code_once(world):
    """Killed midway (its one transaction rolled back), then its message delivered again:
    the batch is taken over and done whole; delivered once more, it does nothing."""
    batch = _batch(world)
    assert job_claim(job=batch)  # the killed run's claim; it committed nothing else
    heartbeat_stopped(batch)
    letter_batch_task(batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.attempts) == (LetterBatch.Status.PRET, 2)
    codes = dict(ActivationCode.objects.values_list("person_id", "digest"))
    assert len(codes) == batch.total == batch.done > 0
    letter_batch_task(batch.pk)
    assert dict(ActivationCode.objects.values_list("person_id", "digest")) == codes
    batch.refresh_from_db()
    assert batch.attempts == 2


def test_a_reaped_batch_whose_message_comes_late_issues_nothing(world):
    batch = _batch(world)
    assert job_claim(job=batch)
    heartbeat_stopped(batch)
    assert [job.pk for job in jobs_reap()] == [batch.pk]
    letter_batch_task(batch.pk)
    batch.refresh_from_db()
    assert batch.status == LetterBatch.Status.ECHEC
    assert not ActivationCode.objects.exists()


def test_a_dead_aaf_import_fails_with_its_own_message(world, tmp_path):
    imp = AafImport.objects.create(paths=[str(tmp_path)], created_by=world.academy_admin)
    assert job_claim(job=imp)
    heartbeat_stopped(imp)
    assert jobs_reap(model=SiecleImport) == []
    assert [job.pk for job in jobs_reap(model=AafImport)] == [imp.pk]
    imp.refresh_from_db()
    assert imp.status == AafImport.Status.FAILED
    assert imp.error.startswith("Import interrompu")


def test_a_dead_validation_goes_back_to_its_bilan_and_its_validator_is_told(
        world, django_capture_on_commit_callbacks):
    imp = TimetableImport.objects.create(etablissement=world.etab_a,
                                         status=TimetableImport.Status.BILAN,
                                         uploaded_by=world.admin_etab_a)
    assert job_claim(job=imp, from_statuses=(TimetableImport.Status.BILAN,),
                     to_status=TimetableImport.Status.VALIDATION, decided_by=world.principal_a)
    heartbeat_stopped(imp)
    with django_capture_on_commit_callbacks(execute=True):
        assert len(jobs_reap()) == 1
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.BILAN and imp.validation_interrupted_at
    told = Notification.objects.get()
    assert told.recipient_id == world.principal_a.pk
    assert told.title == "Validation de l'emploi du temps interrompue"

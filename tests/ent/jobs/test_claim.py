"""The one claim idiom: a conditional UPDATE on the status and the number of claims."""

import pytest

from annuaire.models import LetterBatch, SiecleImport
from ent.jobs.services import job_claim

from .conftest import heartbeat_stopped

pytestmark = pytest.mark.django_db


def _batch(world):
    return LetterBatch.objects.create(etablissement=world.etab_a, created_by=world.principal_a,
                                      scope="Tous les parents")


def test_of_two_workers_that_read_the_same_queued_job_one_wins(world):
    first = LetterBatch.objects.get(pk=_batch(world).pk)
    second = LetterBatch.objects.get(pk=first.pk)
    assert job_claim(job=first) is True
    assert job_claim(job=second) is False
    first.refresh_from_db()
    assert (first.status, first.attempts) == (LetterBatch.Status.EN_COURS, 1)
    assert first.started_at is not None and first.finished_at is None


def test_a_claim_updates_the_job_in_place(world):
    batch = _batch(world)
    assert job_claim(job=batch)
    assert (batch.status, batch.attempts) == (LetterBatch.Status.EN_COURS, 1)


def test_a_finished_job_is_never_claimed(world):
    batch = _batch(world)
    LetterBatch.objects.filter(pk=batch.pk).update(status=LetterBatch.Status.PRET)
    batch.refresh_from_db()
    assert job_claim(job=batch) is False
    batch.refresh_from_db()
    assert (batch.status, batch.attempts) == (LetterBatch.Status.PRET, 0)


def test_a_running_job_is_taken_over_only_where_its_work_allows_it(world, monkeypatch):
    """Letters are one transaction: a message delivered again after a kill takes the batch
    over at once. A job without takeover is claimed again only once its heartbeat stopped."""
    batch = _batch(world)
    assert job_claim(job=batch)
    assert job_claim(job=batch) and batch.attempts == 2

    monkeypatch.setattr(SiecleImport, "TAKEOVER", False)
    run = SiecleImport.objects.create(etablissement=world.etab_a)
    assert job_claim(job=run)
    assert job_claim(job=run) is False  # alive: its worker still reports
    heartbeat_stopped(run)
    assert job_claim(job=run) and run.attempts == 2


def test_another_step_names_its_statuses(world):
    """« Valider » claims a bilan: the same idiom, other statuses, its own fields."""
    from imports.models import TimetableImport

    imp = TimetableImport.objects.create(etablissement=world.etab_a,
                                         status=TimetableImport.Status.BILAN)
    again = TimetableImport.objects.get(pk=imp.pk)
    claim = {"from_statuses": (TimetableImport.Status.BILAN,),
             "to_status": TimetableImport.Status.VALIDATION, "decided_by": world.principal_a}
    assert job_claim(job=imp, **claim)
    assert job_claim(job=again, **claim) is False
    assert (imp.status, imp.decided_by_id) == (TimetableImport.Status.VALIDATION,
                                               world.principal_a.pk)

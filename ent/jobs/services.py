"""The lifecycle of every background job: claim, progress, finish, reap."""

from __future__ import annotations

import datetime
import functools
import logging
from collections.abc import Iterable

from django.apps import apps
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Job
from .progress import progress_set, progress_stopped, progress_touch

logger = logging.getLogger(__name__)


def job_models() -> list[type[Job]]:
    """Every concrete job of the project: a model inheriting ``Job`` needs no registration
    to be reaped."""
    return [model for model in apps.get_models() if issubclass(model, Job)]


def job_is_dead(job: Job) -> bool:
    """Whether a queued or running job's worker stopped reporting: no heartbeat for
    ENT_IMPORT_STALE_SECONDS, or ENT_IMPORT_QUEUED_STALE_SECONDS while its message waits in
    the broker's queue (behind an académie's import). Reads only."""
    return job.status in job.live_statuses() and progress_stopped(
        kind=job.PROGRESS_KIND, pk=job.pk, since=job.job_since())


def job_claim(*, job: Job, from_statuses: Iterable[str] | None = None,
              to_status: str | None = None, **fields) -> bool:
    """Claim ``job`` for its run: one conditional UPDATE, on the status and the number of
    claims read with the job, so that of two workers (or two clicks) that read the same row,
    exactly one wins. Returns whether this caller claimed it; ``job`` is then updated in
    place (status, ``started_at``, ``attempts``, ``fields``).

    Claimable by default: a queued job; a running one when the job allows a takeover (its
    message delivered again after a kill) or its heartbeat stopped. ``from_statuses`` and
    ``to_status`` name another step (« Valider » claims a bilan for validation); ``fields``
    are written by the same UPDATE (F expressions allowed).
    """
    model = type(job)
    if from_statuses is None:
        claimable = set(model.QUEUED_STATUSES)
        if job.status in model.RUNNING_STATUSES and (model.TAKEOVER or job_is_dead(job)):
            claimable.add(job.status)
    else:
        claimable = set(from_statuses)
    if job.status not in claimable:
        return False
    now = timezone.now()
    to_status = to_status or model.RUNNING_STATUS
    claimed = model.objects.filter(pk=job.pk, status=job.status, attempts=job.attempts).update(
        status=to_status, started_at=now, finished_at=None, attempts=F("attempts") + 1,
        **fields)
    if not claimed:
        return False
    job.status, job.started_at, job.finished_at = to_status, now, None
    job.attempts += 1
    if fields:
        job.refresh_from_db(fields=list(fields))
    # A worker is on it: it no longer waits in the queue, the shorter limit applies.
    progress_touch(kind=model.PROGRESS_KIND, pk=job.pk)
    return True


def job_enqueued(*, job: Job, phase: str = "En attente") -> None:
    """Mark ``job`` as waiting in the broker's queue (given the longer limit): call it where
    its task is queued, with ``transaction.on_commit``."""
    progress_set(kind=job.PROGRESS_KIND, pk=job.pk, phase=phase, fraction=0, queued=True)


def job_finish(*, job: Job, status: str, error: str = "", **fields) -> bool:
    """End the run this worker claimed: status, error, ``finished_at`` and ``fields`` in one
    UPDATE, only while the job is still this claim's (same number of claims); returns whether
    it was. ``job`` is updated in place. The caller then notifies (``job_end_notify``).
    """
    model = type(job)
    now = timezone.now()
    values = {"status": status, "error": error, "finished_at": now, **fields}
    done = model.objects.filter(pk=job.pk, attempts=job.attempts).update(**values)
    for name, value in values.items():
        setattr(job, name, value)
    if done:
        progress_set(kind=model.PROGRESS_KIND, pk=job.pk, phase="Terminé", fraction=1)
    return bool(done)


def jobs_reap(*, model: type[Job] | None = None, loaded: Iterable[Job] | None = None,
              now: datetime.datetime | None = None, notify: bool = True) -> list[Job]:
    """Settle the jobs whose worker is dead (``job_is_dead``); returns them, updated in place.

    Each dead job gets ``job_reaped_fields`` (failed, with its French message; a timetable
    validation goes back to its bilan) and its launcher is notified. No job is requeued: a
    worker killed with its message unacknowledged has it delivered again by the broker
    (``acks_late``), which a job that allows a takeover claims again by itself; the reaper
    only settles the jobs nobody will come back for, so that their launcher can relaunch.

    On PostgreSQL a row that a transaction holds is being worked on now, whatever its
    heartbeat says (the cache emptied): skipped, never waited for. The same number of
    claims as read: a job claimed again meanwhile is a fresh run.

    ``model``: only that job; ``loaded``: only those rows, already loaded by the caller.
    """
    now = now or timezone.now()
    reaped: list[Job] = []
    groups: dict[type[Job], list[Job]] = {}
    if loaded is not None:
        for job in loaded:
            groups.setdefault(type(job), []).append(job)
    else:
        for job_model in ([model] if model else job_models()):
            groups[job_model] = list(job_model.objects.filter(
                status__in=job_model.live_statuses()))
    for job_model, jobs in groups.items():
        dead = [job for job in jobs if job_is_dead(job)]
        if not dead:
            continue
        with transaction.atomic():
            free = set(job_model.objects.select_for_update(skip_locked=True).filter(
                pk__in=[job.pk for job in dead], status__in=job_model.live_statuses(),
            ).values_list("pk", "status", "attempts"))
            expired = [job for job in dead if (job.pk, job.status, job.attempts) in free]
            for job in expired:
                values = job.job_reaped_fields(now=now)
                job_model.objects.filter(pk=job.pk).update(**values)
                for name, value in values.items():
                    setattr(job, name, value)
        for job in expired:
            logger.warning("%s %s: its worker stopped reporting, reaped", job_model.__name__,
                           job.pk)
            if notify:
                transaction.on_commit(functools.partial(_notify, job))
        reaped.extend(expired)
    return reaped


def _notify(job: Job) -> None:
    from ent.notifications.jobs import job_end_notify

    try:
        job_end_notify(job=job)
    except Exception:  # the reaper goes on with the other jobs
        logger.exception("notifying the end of %s %s", type(job).__name__, job.pk)

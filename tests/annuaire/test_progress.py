"""When a long job's silence means its worker died (``progress_stopped``)."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils import timezone

from annuaire import progress
from annuaire.progress import progress_set, progress_stopped, progress_touch

STALE, QUEUED_STALE = 600, 3600


@pytest.fixture(autouse=True)
def limits(settings):
    settings.ENT_IMPORT_STALE_SECONDS = STALE
    settings.ENT_IMPORT_QUEUED_STALE_SECONDS = QUEUED_STALE
    cache.clear()


def reported(ago, *, queued=False, pk=1):
    with mock.patch.object(progress.time, "time", return_value=time.time() - ago):
        progress_set(kind="test", pk=pk, phase="phase", fraction=0.5, queued=queued)


def stopped(pk=1, since_ago=0):
    return progress_stopped(kind="test", pk=pk,
                            since=timezone.now() - timedelta(seconds=since_ago))


@pytest.mark.parametrize(("ago", "queued", "expected"), [
    (STALE - 60, False, False),
    (STALE + 60, False, True),
    # Waiting behind longer jobs: no worker to report, not dead.
    (STALE + 60, True, False),
    (QUEUED_STALE - 60, True, False),
    (QUEUED_STALE + 60, True, True),
])
def test_a_job_is_stopped_once_silent_for_its_limit(ago, queued, expected):
    reported(ago, queued=queued)
    assert stopped() is expected


def test_without_any_heartbeat_the_time_it_was_queued_or_claimed_stands_for_it():
    assert not stopped(since_ago=STALE - 60)
    assert stopped(since_ago=STALE + 60)


def test_a_worker_s_heartbeat_ends_the_queue_s_grace():
    """Once a worker touches it, the job runs: the shorter limit applies again."""
    reported(10, queued=True)
    progress_touch(kind="test", pk=1)
    with mock.patch.object(progress.time, "time", return_value=time.time() + STALE + 60):
        assert stopped()

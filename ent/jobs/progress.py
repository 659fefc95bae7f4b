"""Progress and heartbeat of background jobs, kept in the cache so a page can poll them
while a worker writes them.

Why the cache and not the job's row: the jobs run inside long transactions (a SIECLE run,
a timetable validation holding its own row locked). A progress written to the row from the
worker's connection stays invisible until commit; one written from another connection would
wait on that lock. The cache is seen at once and never waits. The row keeps what lasts:
status, attempts, timestamps, error (``ent.jobs.models.Job``)."""

import time

from django.core.cache import cache

TTL = 24 * 3600


def _key(kind, pk):
    return f"progress:{kind}:{pk}"


def progress_set(*, kind, pk, phase, fraction, detail="", queued=False):
    """``queued``: the job waits in the broker's queue, no worker has taken it yet."""
    cache.set(_key(kind, pk), {
        "phase": phase, "percent": max(0, min(100, round(fraction * 100))), "detail": detail,
        "at": time.time(), "queued": queued,
    }, TTL)


def progress_get(*, kind, pk):
    return cache.get(_key(kind, pk))


def progress_clear(*, kind, pk):
    cache.delete(_key(kind, pk))


def progress_touch(*, kind, pk):
    """Refresh the heartbeat of a job whose progress did not move (a long SQL statement):
    a worker is on it, it no longer waits in the queue."""
    current = cache.get(_key(kind, pk))
    if current is not None:
        current["at"] = time.time()
        current["queued"] = False
        cache.set(_key(kind, pk), current, TTL)


def progress_stopped(*, kind, pk, since):
    """Whether a job's worker stopped reporting for ENT_IMPORT_STALE_SECONDS (a killed
    worker). With no heartbeat at all (the cache emptied), ``since`` (when it was queued or
    claimed) stands for its last sign of life.

    A job still in the broker's queue has no worker to report: it waits behind longer ones
    (an académie's AAF import, a mass send) and is given ENT_IMPORT_QUEUED_STALE_SECONDS,
    after which its message is taken for lost.
    """
    from django.conf import settings

    beat = progress_get(kind=kind, pk=pk)
    last = beat["at"] if beat else since.timestamp()
    limit = settings.ENT_IMPORT_STALE_SECONDS
    if beat and beat.get("queued"):
        limit = max(limit, settings.ENT_IMPORT_QUEUED_STALE_SECONDS)
    return time.time() - last > limit


class Heartbeat:
    """A thread that keeps a running job's heartbeat fresh until the job ends or dies."""

    def __init__(self, *, kind, pk, every=5.0):
        import threading

        self.kind, self.pk, self.every = kind, pk, every
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True, name=f"heartbeat-{pk}")

    def _beat(self):
        while not self.stopped.wait(self.every):
            progress_touch(kind=self.kind, pk=self.pk)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join(timeout=self.every * 2)


def progress_count(*, kind, pk, phase, done, total):
    """Progress as « done / total » items (letters laid out, messages sent)."""
    progress_set(kind=kind, pk=pk, phase=phase, fraction=done / max(total, 1),
                 detail=f"{done} / {total}")

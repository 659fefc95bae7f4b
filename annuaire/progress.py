"""Progress of long jobs, kept in the cache so a page can poll it while a worker writes it."""

import time

from django.core.cache import cache

TTL = 24 * 3600


def _key(kind, pk):
    return f"progress:{kind}:{pk}"


def progress_set(*, kind, pk, phase, fraction, detail=""):
    cache.set(_key(kind, pk), {
        "phase": phase, "percent": max(0, min(100, round(fraction * 100))), "detail": detail,
        "at": time.time(),
    }, TTL)


def progress_get(*, kind, pk):
    return cache.get(_key(kind, pk))


def progress_clear(*, kind, pk):
    cache.delete(_key(kind, pk))

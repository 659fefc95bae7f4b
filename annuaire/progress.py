"""Moved to ``ent.jobs.progress`` (the one progress channel of every background job); kept so
that older imports keep working."""

from ent.jobs.progress import (  # noqa: F401
    TTL,
    Heartbeat,
    progress_clear,
    progress_get,
    progress_set,
    progress_stopped,
    progress_touch,
    time,
)

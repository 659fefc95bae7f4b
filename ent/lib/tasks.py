"""How a service starts background work: the one way the Celery import direction allows.

Services queue a task once their transaction commits (a worker must not read rows that are
not there yet, nor run for a change rolled back); the task reloads what it needs by id and
calls a service. So a ``tasks`` module imports services, never the reverse at module level: a
service imports its task inside the function that queues it, and hands it to
``enqueue_on_commit``. ``tests/ent/test_celery_direction.py`` holds the code base to it.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task, *args: Any, broker_down_ok: bool = False) -> None:
    """Send ``task.delay(*args)`` when the current transaction commits (at once outside one).

    ``broker_down_ok``: for work a beat task catches up anyway (e-mails due now), a broker out
    of reach is logged instead of failing the request that queued it.
    """

    def send() -> None:
        try:
            task.delay(*args)
        except Exception:
            if not broker_down_ok:
                raise
            logger.exception("%s left to its beat task: the broker is unreachable", task.name)

    transaction.on_commit(send)

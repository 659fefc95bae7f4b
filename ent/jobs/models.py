"""The job base every background job's row inherits (``Job``), and what each job declares."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.db import models


class Job(models.Model):
    """A background job's row: what it is at (``status``, declared by each job with its own
    French labels), who launched it and for which establishment, how many times a worker
    claimed it, when it was created, started and finished, and why it failed (French).

    Each job declares, as class attributes:

    - ``PROGRESS_KIND``: its namespace in the progress channel (``ent.jobs.progress``);
    - ``QUEUED_STATUSES``: waiting for a worker; ``RUNNING_STATUSES``: a worker on it;
      ``RUNNING_STATUS``: what a claim sets; ``FAILED_STATUS``: what the reaper sets;
    - ``TAKEOVER``: whether a claim may take a job still running (its message delivered
      again after its worker was killed). True only for a job whose work is one transaction
      or serialised by a lock, so that a second run can never interleave with a first;
      otherwise a running job is claimed again only once its heartbeat has stopped;
    - ``ACTOR_FIELD`` / ``ETAB_FIELD``: the fields naming who launched it and its
      establishment (None: the académie's);
    - ``INTERRUPTED_MESSAGE``: the French error the reaper writes.
    """

    # Declared by each job (a CharField with its choices); its manager, for the type checker.
    status: str
    objects: ClassVar[models.Manager[Any]]

    PROGRESS_KIND: str = ""
    QUEUED_STATUSES: tuple = ()
    RUNNING_STATUSES: tuple = ()
    RUNNING_STATUS: str = ""
    FAILED_STATUS: str = ""
    TAKEOVER = False
    ACTOR_FIELD = "created_by"
    ETAB_FIELD: str | None = "etablissement"
    INTERRUPTED_MESSAGE = (
        "Traitement interrompu : le processus qui l'exécutait ne donne plus signe de vie. "
        "Rien n'a été enregistré ; vous pouvez le relancer.")

    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        abstract = True

    @classmethod
    def live_statuses(cls) -> tuple:
        """Queued or running: the statuses the reaper watches."""
        return tuple(dict.fromkeys((*cls.QUEUED_STATUSES, *cls.RUNNING_STATUSES)))

    @property
    def is_active(self) -> bool:
        return self.status in self.live_statuses()

    @property
    def actor_id(self) -> int | None:
        return getattr(self, f"{self.ACTOR_FIELD}_id")

    @property
    def establishment_id(self) -> int | None:
        return getattr(self, f"{self.ETAB_FIELD}_id") if self.ETAB_FIELD else None

    def job_since(self) -> datetime.datetime:
        """Its last sign of life that the row keeps (claimed, else created): what stands for
        the heartbeat when the cache has none."""
        return self.started_at or self.created_at

    def job_reaped_fields(self, *, now: datetime.datetime) -> dict:
        """What the reaper writes on this job once its worker is found dead."""
        return {"status": self.FAILED_STATUS, "error": self.INTERRUPTED_MESSAGE,
                "finished_at": now}

from django.conf import settings
from django.db import models

from ent.jobs.models import Job


class ImportRun(Job):
    """What every run of a directory import keeps: who started it and from where, its files,
    its timing and retries (``Job``), its report. Each import has its own statuses and its own
    rule of one active run at a time, so ``status`` and the constraint stay with it."""

    class Origin(models.TextChoices):
        WEB = "web", "Navigateur"
        CLI = "cli", "Ligne de commande"

    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.WEB)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    source_dir = models.CharField(max_length=500, blank=True)
    paths = models.JSONField(default=list)
    files = models.JSONField(default=list)
    report = models.JSONField(default=dict)
    rows_written = models.BigIntegerField(default=0)

    # The import's files are read again by a redelivered task only under the import's own
    # serialisation (AAF: one advisory lock; SIECLE: one transaction), so it takes over.
    TAKEOVER = True
    ETAB_FIELD = None

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

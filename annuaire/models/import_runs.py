from django.conf import settings
from django.db import models


class ImportRun(models.Model):
    """What every run of a directory import keeps: who started it and from where, its files,
    its timing and retries, its report. Each import has its own statuses and its own rule of
    one active run at a time, so ``status`` and the constraint stay with it."""

    class Origin(models.TextChoices):
        WEB = "web", "Navigateur"
        CLI = "cli", "Ligne de commande"

    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.WEB)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    source_dir = models.CharField(max_length=500, blank=True)
    paths = models.JSONField(default=list)
    files = models.JSONField(default=list)
    report = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    rows_written = models.BigIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @property
    def is_active(self):
        return self.status in self.ACTIVE_STATUSES

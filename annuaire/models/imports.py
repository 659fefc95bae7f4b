from django.conf import settings
from django.db import models

from .import_runs import ImportRun


class AafImport(ImportRun):
    """One AAF import: its files, its progress, its report."""

    class Status(models.TextChoices):
        QUEUED = "en_attente", "En attente"
        RUNNING = "en_cours", "En cours"
        WAITING = "a_confirmer", "À confirmer"
        SIMULATED = "simule", "Simulé"
        APPLIED = "applique", "Appliqué"
        FAILED = "echec", "Échec"
        CANCELLED = "annule", "Annulé"

    class Mode(models.TextChoices):
        APPLY = "apply", "Import"
        SIMULATE = "simulate", "Simulation"

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)
    PROGRESS_KIND = "aaf"
    QUEUED_STATUSES, RUNNING_STATUSES = (Status.QUEUED,), (Status.RUNNING,)
    RUNNING_STATUS, FAILED_STATUS = Status.RUNNING, Status.FAILED
    INTERRUPTED_MESSAGE = ("Import interrompu : le processus qui l'exécutait ne donne plus "
                           "signe de vie. Vous pouvez le relancer.")

    scope = models.CharField(max_length=32, default="aaf")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.APPLY)
    kind = models.CharField("type", max_length=10, blank=True)
    force = models.BooleanField(
        "désactivations confirmées", default=False,
        help_text="Appliquer même si le seuil de désactivation est dépassé.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    class Meta(ImportRun.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["scope"], condition=models.Q(status__in=["en_attente", "en_cours"]),
                name="aaf_import_one_active_per_scope",
            ),
        ]

    def __str__(self):
        return f"Import AAF n°{self.pk}"


class ImportIssue(models.Model):
    """A rejected record, a warning, or a record to fix before distributing accounts."""

    class Level(models.TextChoices):
        REJET = "rejet", "Rejet"
        AVERTISSEMENT = "avertissement", "Avertissement"
        CONTROLE = "controle", "Contrôle avant distribution"

    aaf_import = models.ForeignKey(AafImport, on_delete=models.CASCADE, related_name="issues")
    level = models.CharField(max_length=16, choices=Level.choices)
    code = models.CharField(max_length=40)
    population = models.CharField(max_length=16, blank=True)
    file = models.CharField(max_length=255, blank=True)
    line = models.IntegerField(null=True, blank=True)
    identifier = models.CharField(max_length=255, blank=True)
    etab = models.CharField(max_length=255, blank=True)
    message = models.TextField()
    fix = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["aaf_import", "level", "code"], name="issue_import_idx")]


class PurgeRun(models.Model):
    """The audit row a purge leaves: counts only, the personal data is gone."""

    ran_at = models.DateTimeField(auto_now_add=True)
    delay_days = models.PositiveIntegerField()
    cutoff = models.DateTimeField()
    total = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict)
    origin = models.CharField(max_length=16, default="beat")
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-ran_at"]

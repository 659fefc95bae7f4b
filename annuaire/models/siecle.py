from django.db import models

from .import_runs import ImportRun


class SiecleImport(ImportRun):
    """One upload of an establishment's SIECLE and STS-web exports: progress and report."""

    class Status(models.TextChoices):
        QUEUED = "en_attente", "En attente"
        RUNNING = "en_cours", "En cours"
        APPLIED = "applique", "Appliqué"
        FAILED = "echec", "Échec"

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)
    PROGRESS_KIND = "siecle"
    QUEUED_STATUSES, RUNNING_STATUSES = (Status.QUEUED,), (Status.RUNNING,)
    RUNNING_STATUS, FAILED_STATUS = Status.RUNNING, Status.FAILED
    ETAB_FIELD = "etablissement"
    INTERRUPTED_MESSAGE = ("Import interrompu : le processus qui l'exécutait ne donne plus "
                           "signe de vie. Vous pouvez déposer les fichiers à nouveau.")

    etablissement = models.ForeignKey(
        "annuaire.Etablissement", on_delete=models.CASCADE, related_name="siecle_imports")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)

    class Meta(ImportRun.Meta):
        constraints = [
            # Two runs of one establishment at once would race on the same rows.
            models.UniqueConstraint(
                fields=["etablissement"], condition=models.Q(status__in=["en_attente", "en_cours"]),
                name="siecle_import_one_active_per_etab"),
        ]

    def __str__(self):
        # Pages read it numbered within the establishment (selectors annotate ``number``).
        number = getattr(self, "number", None)
        return f"Compléments SIECLE n° {number}" if number else f"Compléments SIECLE n°{self.pk}"


class SiecleIssue(models.Model):
    """A record of the files that matched no account, or could not be read or applied."""

    class Level(models.TextChoices):
        NON_RAPPROCHE = "non_rapproche", "Sans compte correspondant"
        REJET = "rejet", "Rejeté"
        AVERTISSEMENT = "avertissement", "Avertissement"

    siecle_import = models.ForeignKey(SiecleImport, on_delete=models.CASCADE, related_name="issues")
    level = models.CharField(max_length=16, choices=Level.choices)
    population = models.CharField(max_length=32, blank=True)
    file = models.CharField(max_length=255, blank=True)
    line = models.IntegerField(null=True, blank=True)
    identifier = models.CharField(max_length=64, blank=True)
    name = models.CharField(max_length=255, blank=True)
    message = models.TextField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["siecle_import", "level"], name="siecle_issue_idx")]

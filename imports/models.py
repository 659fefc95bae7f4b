from django.db import models

from ent.jobs.models import Job


class TimetableImport(Job):
    """One upload of a timetable export: its bilan préliminaire, then validated or cancelled.

    Nothing of the timetable in force changes until « Valider cet import »; a newer upload of
    the same establishment makes an older unvalidated bilan stale.
    """

    class Source(models.TextChoices):
        EDT = "edt", "EDT / PRONOTE"
        UDT = "udt", "UnDeuxTemps"
        STS = "sts", "STS-web"

    class Status(models.TextChoices):
        ANALYSE = "analyse", "Analyse en cours"
        BILAN = "bilan", "Bilan préliminaire prêt"
        VALIDATION = "validation", "Validation en cours"
        VALIDE = "valide", "Validé"
        ANNULE = "annule", "Annulé"
        PERIME = "perime", "Remplacé par un import plus récent"
        ECHEC = "echec", "Échec"

    class Origin(models.TextChoices):
        WEB = "web", "Navigateur"
        CLI = "cli", "Ligne de commande"

    PENDING = (Status.ANALYSE, Status.BILAN)
    RUNNING = (Status.ANALYSE, Status.VALIDATION)
    # The analysis has one status, queued or running; « Valider » claims a bilan for the
    # validation (``timetable_import_validate_start``). An analysis writes nothing but its
    # own row and a validation is one transaction, locked per establishment: a message
    # delivered again may take either over.
    PROGRESS_KIND = "timetable"
    QUEUED_STATUSES, RUNNING_STATUSES = (Status.ANALYSE,), RUNNING
    RUNNING_STATUS, FAILED_STATUS = Status.ANALYSE, Status.ECHEC
    TAKEOVER = True
    ACTOR_FIELD = "uploaded_by"
    INTERRUPTED_MESSAGE = (
        "Analyse interrompue : le traitement s'est arrêté avant la fin (redémarrage du "
        "serveur ?). Rien n'a changé ; déposez à nouveau les fichiers.")

    etablissement = models.ForeignKey(
        "annuaire.Etablissement", on_delete=models.CASCADE, related_name="timetable_imports")
    source = models.CharField(max_length=8, choices=Source.choices, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ANALYSE)
    files = models.JSONField("fichiers", default=list)
    bilan = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        "annuaire.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Where it came from: an import with nobody named was run from the command line, or its
    # uploader's account has since been purged; the history tells them apart.
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.WEB)
    decided_by = models.ForeignKey(
        "annuaire.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    # Each click on « Valider » is a claim of its own, numbered: a worker applies only the
    # claim its task was queued for, so the message of an interrupted claim, delivered again
    # after the admin relaunched, finds nothing to do.
    validation_attempt = models.PositiveIntegerField(default=0)
    validation_claimed_at = models.DateTimeField(null=True, blank=True)
    # Set when a claim whose worker stopped reporting was put back to its bilan.
    validation_interrupted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "import d'emploi du temps"

    @property
    def actor_id(self):
        # A validation is told to who clicked « Valider », an analysis to who uploaded.
        return self.decided_by_id or self.uploaded_by_id

    def job_since(self):
        if self.status == self.Status.VALIDATION:
            return self.validation_claimed_at or self.created_at
        return self.started_at or self.created_at

    def job_reaped_fields(self, *, now):
        """A validation whose worker died rolled back: back to its bilan, to be validated
        again or cancelled. An analysis fails: the same files uploaded again make a new one."""
        if self.status == self.Status.VALIDATION:
            return {"status": self.Status.BILAN, "validation_interrupted_at": now}
        return super().job_reaped_fields(now=now)

    def __str__(self):
        # Pages read it numbered within the establishment (selectors annotate ``number``).
        number = getattr(self, "number", None)
        return f"Import d'emploi du temps n° {number}" if number else (
            f"Import d'emploi du temps n°{self.pk}")


class Rapprochement(models.Model):
    """The admin's link from a name in timetable files to a directory entry, or « ignorer ».

    Remembered per establishment and applied to every later import: the key is what the
    file says (folded name, national code), not an upload's internal identifier.
    """

    class Kind(models.TextChoices):
        TEACHER = "teacher", "Enseignant"
        DIVISION = "division", "Division"
        GROUP = "group", "Groupe"
        SUBJECT = "subject", "Matière"

    etablissement = models.ForeignKey(
        "annuaire.Etablissement", on_delete=models.CASCADE, related_name="rapprochements")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source_key = models.CharField(max_length=255)
    source_label = models.CharField(max_length=255)
    person = models.ForeignKey("annuaire.Person", on_delete=models.CASCADE, null=True,
                               blank=True, related_name="+")
    regroupement = models.ForeignKey("annuaire.Regroupement", on_delete=models.CASCADE,
                                     null=True, blank=True, related_name="+")
    matiere = models.ForeignKey("annuaire.Matiere", on_delete=models.CASCADE, null=True,
                                blank=True, related_name="+")
    ignored = models.BooleanField("ignorer", default=False)
    updated_by = models.ForeignKey("annuaire.Person", on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["etablissement", "kind", "source_key"],
                                    name="rapprochement_unique"),
        ]

    @property
    def target_id(self):
        return self.person_id or self.regroupement_id or self.matiere_id


class TimetableSettings(models.Model):
    """The principal's choices for the school year's timetable."""

    class GroupSource(models.TextChoices):
        SIECLE = "siecle", "Depuis SIECLE (compléments SIECLE et annuaire académique)"
        EMPLOI_DU_TEMPS = "emploi_du_temps", "Depuis le fichier d'emploi du temps"
        MANUEL = "manuel", "À la main dans l'ENT"

    etablissement = models.OneToOneField(
        "annuaire.Etablissement", on_delete=models.CASCADE, related_name="timetable_settings")
    group_source = models.CharField(
        "composition des groupes", max_length=16, choices=GroupSource.choices,
        default=GroupSource.SIECLE)
    updated_by = models.ForeignKey("annuaire.Person", on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

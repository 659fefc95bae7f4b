"""Roll calls of the séances, the marks they record, and the pupils' absences.

A roll call (``Appel``) exists once someone has started it: a séance without one is « à faire »
(or « non fait » once past). Only what differs from « présent » keeps a row (``Marque``): a
roll call with no absent is an ``Appel`` validated with no mark, never confused with one not
taken. Absent marks make absences (``Absence``), periods of a pupil that the vie scolaire
follows: consecutive absent séances are one period, and an absence known in advance (the
family's word, a phone call) is a period the roll call's marks join.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models


class Appel(models.Model):
    class State(models.TextChoices):
        EN_COURS = "en_cours", "En cours"
        FAIT = "fait", "Fait"

    # PROTECT: the timetable's reimport cancels a séance carrying a roll call, never deletes it.
    seance = models.OneToOneField("viescolaire.Seance", on_delete=models.PROTECT,
                                  related_name="appel")
    state = models.CharField("état", max_length=10, choices=State.choices,
                             default=State.EN_COURS)
    # Optimistic concurrency: every write says which version it read; a stale one is refused.
    version = models.PositiveIntegerField(default=1)
    # The pupils of the séance when it was validated: a pupil missing from the previous
    # roll call of the same course is « nouveau dans la classe ».
    roster = models.JSONField(default=list, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    started_at = models.DateTimeField()
    validated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    validated_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = "appel"

    def __str__(self):
        return f"Appel {self.seance_id} ({self.get_state_display()})"


class Motif(models.Model):
    """A motive of absence of one establishment: national defaults are copied for each one,
    which may then change their flags or add its own."""

    etablissement = models.ForeignKey("annuaire.Etablissement", on_delete=models.CASCADE,
                                      related_name="motifs_absence")
    code = models.SlugField(max_length=40)
    label = models.CharField("libellé", max_length=120)
    justifies = models.BooleanField("justifie l'absence", default=True)
    counts_half_days = models.BooleanField("compte dans les demi-journées", default=True)
    shown_to_parents = models.BooleanField("visible des parents", default=True)
    usable_by_parents = models.BooleanField("proposé aux parents", default=True)
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "label"]
        verbose_name = "motif d'absence"
        constraints = [models.UniqueConstraint(fields=["etablissement", "code"],
                                               name="motif_unique_code")]

    def __str__(self):
        return self.label


class AttachmentStorage(FileSystemStorage):
    """Families' files, outside the web root (never under MEDIA_URL): served only through a
    view that asks the rights module. The folder is read from the settings at each use."""

    @property
    def base_location(self):
        return str(settings.ENT_APPEL_ATTACHMENTS_DIR)

    @property
    def location(self):
        import os

        return os.path.abspath(self.base_location)


attachment_storage = AttachmentStorage()


def _attachment_storage():
    return attachment_storage


class Absence(models.Model):
    """A period a pupil is (or will be) away: from roll calls, entered by the vie scolaire, or
    declared by a legal guardian."""

    class State(models.TextChoices):
        SANS_MOTIF = "sans_motif", "Sans motif"
        EN_ATTENTE = "en_attente", "En attente de justificatif"
        JUSTIFIEE = "justifiee", "Justifiée"
        NON_JUSTIFIEE = "non_justifiee", "Non justifiée"

    class Source(models.TextChoices):
        APPEL = "appel", "Appel"
        VIE_SCOLAIRE = "vie_scolaire", "Saisie par la vie scolaire"
        FAMILLE = "famille", "Déclarée par la famille"

    DECIDED = (State.JUSTIFIEE, State.NON_JUSTIFIEE)

    eleve = models.ForeignKey("annuaire.Person", on_delete=models.CASCADE,
                              related_name="absences")
    etablissement = models.ForeignKey("annuaire.Etablissement", on_delete=models.CASCADE,
                                      related_name="absences")
    start = models.DateTimeField("début")
    end = models.DateTimeField("fin")
    state = models.CharField("état", max_length=16, choices=State.choices,
                             default=State.SANS_MOTIF)
    motif = models.ForeignKey(Motif, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="absences")
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.APPEL)
    # The family's words and file; the vie scolaire's decision.
    family_comment = models.TextField("commentaire de la famille", blank=True)
    family_justified_at = models.DateTimeField(null=True, blank=True)
    family_justified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                            null=True, blank=True, related_name="+")
    attachment = models.FileField("justificatif", storage=_attachment_storage,
                                  upload_to="justificatifs/%Y/%m", blank=True, max_length=255)
    attachment_name = models.CharField(max_length=255, blank=True)
    decision_comment = models.TextField("commentaire de la vie scolaire", blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = "absence"
        indexes = [
            models.Index(fields=["eleve", "start"], name="absence_eleve_idx"),
            models.Index(fields=["etablissement", "start"], name="absence_etab_idx"),
        ]

    def __str__(self):
        return f"Absence {self.eleve_id} {self.start:%Y-%m-%d}"

    @property
    def decided(self):
        return self.state in self.DECIDED


class Marque(models.Model):
    """What a roll call recorded of one pupil, when anything differs from « présent »."""

    appel = models.ForeignKey(Appel, on_delete=models.CASCADE, related_name="marques")
    eleve = models.ForeignKey("annuaire.Person", on_delete=models.CASCADE,
                              related_name="marques_appel")
    absent = models.BooleanField(default=False)
    retard = models.BooleanField("en retard", default=False)
    arrivee = models.TimeField("heure d'arrivée", null=True, blank=True)
    depart = models.TimeField("départ anticipé", null=True, blank=True)
    dispense = models.BooleanField("dispensé", default=False)
    exclu = models.BooleanField("exclu de cours", default=False)
    exclusion_motif = models.CharField("motif de l'exclusion", max_length=200, blank=True)
    observation = models.CharField(max_length=300, blank=True)
    absence = models.ForeignKey(Absence, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="marques")
    # What the family was told of, once: a task rerun tells no one twice.
    notified_absent_at = models.DateTimeField(null=True, blank=True)
    notified_retard_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "marque d'appel"
        constraints = [models.UniqueConstraint(fields=["appel", "eleve"],
                                               name="marque_unique_per_appel")]
        indexes = [models.Index(fields=["eleve", "appel"], name="marque_eleve_idx")]

    def is_blank(self):
        return not (self.absent or self.retard or self.depart or self.dispense or self.exclu
                    or self.observation)


class AppelChange(models.Model):
    """Every write to a roll call: who, when, the pupil's marks before and after."""

    appel = models.ForeignKey(Appel, on_delete=models.CASCADE, related_name="changes")
    eleve = models.ForeignKey("annuaire.Person", on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")
    action = models.CharField(max_length=20)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    changed_at = models.DateTimeField()
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]


class AbsenceChange(models.Model):
    """Every change of an absence's state, motive or period: who, when, before, after."""

    absence = models.ForeignKey(Absence, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="changes")
    eleve = models.ForeignKey("annuaire.Person", on_delete=models.CASCADE, related_name="+")
    etablissement = models.ForeignKey("annuaire.Etablissement", on_delete=models.CASCADE,
                                      related_name="+")
    action = models.CharField(max_length=20)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    changed_at = models.DateTimeField()
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]


class AppelReminder(models.Model):
    """A reminder sent for a séance whose roll call was not taken: by the beat task (once per
    séance) or by the vie scolaire from its board. CASCADE: a reminder is no data to keep."""

    class Origin(models.TextChoices):
        AUTO = "auto", "Automatique"
        VIE_SCOLAIRE = "vie_scolaire", "Vie scolaire"

    seance = models.ForeignKey("viescolaire.Seance", on_delete=models.CASCADE,
                               related_name="appel_reminders")
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.AUTO)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["seance"], condition=models.Q(origin="auto"), name="appel_reminder_auto_once")]

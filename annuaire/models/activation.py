from django.db import models

from ent.jobs.models import Job


class ActivationCode(models.Model):
    """The one-time code a person types at first connection, kept only as a keyed digest.

    One row per person: issuing a new code overwrites the digest, so every earlier printout
    stops working at once.
    """

    person = models.OneToOneField(
        "annuaire.Person", on_delete=models.CASCADE, related_name="activation_code"
    )
    digest = models.CharField(max_length=64)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        "annuaire.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "code d'activation"
        indexes = [models.Index(fields=["expires_at"], name="activation_expires_idx")]


class LetterBatch(Job):
    """One printing of distribution letters: who printed whom, when, and the job's state.

    The PDF holds codes in clear; it lives in a private folder until downloaded and is removed
    once fetched or expired, so codes exist in clear only in the printout.
    """

    class Status(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente"
        EN_COURS = "en_cours", "En cours"
        PRET = "pret", "Prêt"
        TELECHARGE = "telecharge", "Téléchargé"
        ECHEC = "echec", "Échec"

    class Channel(models.TextChoices):
        PDF = "pdf", "Courrier PDF"
        EMAIL = "email", "Courriel"

    PROGRESS_KIND = "letters"
    QUEUED_STATUSES, RUNNING_STATUSES = (Status.EN_ATTENTE,), (Status.EN_COURS,)
    RUNNING_STATUS, FAILED_STATUS = Status.EN_COURS, Status.ECHEC
    # One transaction writes the codes and the file: a killed run left nothing behind.
    TAKEOVER = True
    INTERRUPTED_MESSAGE = ("Édition interrompue : le processus qui l'exécutait ne donne plus "
                           "signe de vie. Aucun code n'a changé ; relancez l'édition.")

    etablissement = models.ForeignKey(
        "annuaire.Etablissement", on_delete=models.CASCADE, related_name="letter_batches"
    )
    created_by = models.ForeignKey(
        "annuaire.Person", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    scope = models.CharField("portée", max_length=255)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.PDF)
    per_page = models.PositiveSmallIntegerField(default=1)
    only_not_activated = models.BooleanField(default=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.EN_ATTENTE)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=255, blank=True)
    persons = models.ManyToManyField("annuaire.Person", related_name="letter_batches")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "édition de fiches de connexion"


class EtabAccountSettings(models.Model):
    """What an establishment's principal sets about accounts: the charte, who reissues codes."""

    etablissement = models.OneToOneField(
        "annuaire.Etablissement", on_delete=models.CASCADE, related_name="account_settings"
    )
    charte = models.TextField("charte d'usage", blank=True)
    charte_updated_at = models.DateTimeField(null=True, blank=True)
    vie_scolaire_reissues_codes = models.BooleanField(
        "la vie scolaire peut régénérer les codes", default=False
    )


class CharteAcceptance(models.Model):
    person = models.ForeignKey(
        "annuaire.Person", on_delete=models.CASCADE, related_name="charte_acceptances"
    )
    etablissement = models.ForeignKey("annuaire.Etablissement", on_delete=models.CASCADE)
    accepted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "etablissement"], name="charte_once")
        ]

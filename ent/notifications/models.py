import datetime as dt

from django.conf import settings
from django.db import models

from .kinds import EmailMode


class EmailState(models.TextChoices):
    NONE = "aucun", "Pas de courriel"
    PENDING = "en_attente", "Courriel en attente"
    CLAIMED = "reserve", "Courriel réservé par un envoi"
    SENDING = "envoi", "Courriel en cours d'envoi"
    SENT = "envoye", "Courriel envoyé"
    NO_ADDRESS = "sans_adresse", "Pas d'adresse électronique"
    INTERRUPTED = "interrompu", "Envoi interrompu"
    FAILED = "echec", "Échec de l'envoi"


class Notification(models.Model):
    """One thing one person is told: shown under the bell, and maybe e-mailed.

    The e-mail columns are the outbox: ``email_due_at`` is when it may leave (after the
    person's quiet hours, or at their digest's time); the beat task claims due rows, sends,
    and marks them, so a killed worker never sends one twice (``services`` says how).
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="+")
    kind = models.CharField(max_length=40)
    title = models.CharField("titre", max_length=200)
    body = models.TextField("texte", blank=True)
    url = models.CharField("lien", max_length=500, blank=True)
    etablissement = models.ForeignKey("annuaire.Etablissement", on_delete=models.CASCADE,
                                      null=True, blank=True, related_name="+")
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    email_mode = models.CharField(max_length=10, choices=EmailMode.choices,
                                  default=EmailMode.NEVER)
    email_state = models.CharField(max_length=12, choices=EmailState.choices,
                                   default=EmailState.NONE)
    email_due_at = models.DateTimeField(null=True, blank=True)
    email_claim = models.UUIDField(null=True, blank=True)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The list page, newest first, one person's rows only.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notif_recipient_list"),
            # The bell: counting one person's unread rows reads this small index only.
            models.Index(fields=["recipient"], condition=models.Q(read_at__isnull=True),
                         name="notif_unread"),
            # The beat task: e-mails waiting, by when they may leave.
            models.Index(fields=["email_due_at"], name="notif_email_waiting",
                         condition=models.Q(email_state__in=["en_attente", "reserve", "envoi"])),
        ]
        verbose_name = "notification"

    def __str__(self):
        return self.title


DEFAULT_QUIET_START = dt.time(19, 0)
DEFAULT_QUIET_END = dt.time(7, 0)


class NotificationSettings(models.Model):
    """A person's quiet hours; a person without a row has the defaults (the national « pause
    numérique »: 19 h to 7 h, and weekends)."""

    person = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="+")
    quiet_hours = models.BooleanField("pause numérique le soir et la nuit", default=True)
    quiet_start = models.TimeField("début", default=DEFAULT_QUIET_START)
    quiet_end = models.TimeField("fin", default=DEFAULT_QUIET_END)
    quiet_weekends = models.BooleanField("pause numérique le week-end", default=True)

    class Meta:
        verbose_name = "réglages des notifications"


class NotificationPreference(models.Model):
    """A person's e-mail choice for one kind, kept only when it differs from the kind's
    default."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="+")
    kind = models.CharField(max_length=40)
    email = models.CharField(max_length=10, choices=EmailMode.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "kind"],
                                               name="notif_pref_one_per_kind")]

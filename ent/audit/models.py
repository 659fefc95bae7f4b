"""The audit trail: who did what, to whom, in which establishment, and when."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from .actions import action_label, details_lines


class AuditEvent(models.Model):
    """One change made by a person (or by the system: no actor).

    The actor and the target are kept as labels too: a purged account's events stay readable
    (« Léa Dupont (compte purgé) ») once its row is gone and the foreign key is null.
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The composite indexes below start with these columns: no separate index each.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+", db_index=False)
    actor_label = models.CharField(max_length=255, blank=True)
    action = models.CharField(max_length=64)
    target = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+", db_index=False)
    target_label = models.CharField(max_length=255, blank=True)
    etablissement = models.ForeignKey("annuaire.Etablissement", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+",
                                      db_index=False)
    details = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = "événement du journal"
        verbose_name_plural = "événements du journal"
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["etablissement", "-created_at", "-id"],
                         name="audit_etab_created_idx"),
            models.Index(fields=["actor", "-created_at"], name="audit_actor_created_idx"),
            models.Index(fields=["target", "-created_at"], name="audit_target_created_idx"),
            models.Index(fields=["action", "-created_at"], name="audit_action_created_idx"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label or 'Système'} {self.action}"

    @property
    def action_label(self) -> str:
        return action_label(self.action)

    @property
    def details_lines(self) -> list[tuple[str, str]]:
        return details_lines(self.details or {})

from django.conf import settings
from django.db import models
from django.db.models import Q


class ServiceGrant(models.Model):
    """Whether a profile has a service: for one establishment (its principal's choice) or, with
    no establishment, for the whole académie (its administrator's default). No row: the
    service's declared default."""

    etablissement = models.ForeignKey(
        "annuaire.Etablissement", on_delete=models.CASCADE, null=True, blank=True,
        related_name="service_grants")
    service = models.CharField(max_length=40)
    profile = models.CharField(max_length=20)
    enabled = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["etablissement", "service", "profile"],
                                    name="service_grant_unique_etab"),
            models.UniqueConstraint(fields=["service", "profile"],
                                    condition=Q(etablissement__isnull=True),
                                    name="service_grant_unique_academie"),
        ]


class ServiceToggle(models.Model):
    """A service's specific right, for one establishment or (no establishment) the académie."""

    etablissement = models.ForeignKey(
        "annuaire.Etablissement", on_delete=models.CASCADE, null=True, blank=True,
        related_name="service_toggles")
    toggle = models.CharField(max_length=60)
    enabled = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["etablissement", "toggle"],
                                    name="service_toggle_unique_etab"),
            models.UniqueConstraint(fields=["toggle"], condition=Q(etablissement__isnull=True),
                                    name="service_toggle_unique_academie"),
        ]


class AdminDelegation(models.Model):
    """The principal's delegation of the establishment-administrator role to a person (an
    académie adviser, « délégation à la DANE ») from ``starts_on`` to ``ends_on`` included.

    It carries a manual ``admin_etab`` Role, so every right of the administrators follows; the
    rights read the role only while today is within the dates (``ent.rights.roles_of``): the
    delegation ends by itself."""

    role = models.OneToOneField("annuaire.Role", on_delete=models.CASCADE,
                                related_name="delegation")
    etablissement = models.ForeignKey("annuaire.Etablissement", on_delete=models.CASCADE,
                                      related_name="admin_delegations")
    person = models.ForeignKey("annuaire.Person", on_delete=models.CASCADE,
                               related_name="admin_delegations")
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin (incluse)")
    motif = models.CharField("motif", max_length=200, blank=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-ends_on"]


class PublicationResponsible(models.Model):
    """The establishment's « responsable de publication » when the principal designated someone
    else; without a row, its direction holds the role."""

    etablissement = models.OneToOneField("annuaire.Etablissement", on_delete=models.CASCADE,
                                         related_name="publication_responsible")
    person = models.ForeignKey("annuaire.Person", on_delete=models.CASCADE, related_name="+")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    since = models.DateTimeField(auto_now=True)

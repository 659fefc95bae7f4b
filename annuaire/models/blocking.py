from django.conf import settings
from django.db import models
from django.db.models import Q

from .roles import Role


class LoginBlock(models.Model):
    """A period during which some people of an establishment may not log in.

    The establishment's direction blocks a profile or a division; only the académie blocks a
    whole establishment. Who a block reaches, and how it combines across establishments, is
    decided in ``annuaire.blocking``.
    """

    class Target(models.TextChoices):
        PROFILE = "profil", "Un profil"
        DIVISION = "division", "Une division"
        ETABLISSEMENT = "etablissement", "Tout l'établissement"

    class BlockedProfile(models.TextChoices):
        ELEVES = "eleves", "Tous les élèves"
        PARENTS = "parents", "Tous les parents"
        ENSEIGNANTS = "enseignants", "Tous les enseignants"
        PERSONNELS = "personnels", "Tous les personnels (hors direction)"

    # The roles each profile reaches. Direction and administrators are in none: a principal
    # cannot lock themselves out of the page that lifts the block.
    PROFILE_ROLES = {
        BlockedProfile.ELEVES: {Role.Kind.ELEVE},
        BlockedProfile.PARENTS: {Role.Kind.PARENT},
        BlockedProfile.ENSEIGNANTS: {Role.Kind.ENSEIGNANT, Role.Kind.DOCUMENTALISTE},
        BlockedProfile.PERSONNELS: {Role.Kind.VIE_SCOLAIRE, Role.Kind.PERSONNEL},
    }

    etablissement = models.ForeignKey(
        "annuaire.Etablissement", on_delete=models.CASCADE, related_name="login_blocks",
        verbose_name="établissement",
    )
    target = models.CharField("qui est bloqué", max_length=16, choices=Target.choices)
    profile = models.CharField("profil", max_length=16, choices=BlockedProfile.choices, blank=True)
    regroupement = models.ForeignKey(
        "annuaire.Regroupement", on_delete=models.CASCADE, null=True, blank=True,
        related_name="login_blocks", verbose_name="division",
    )
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    message = models.CharField("message affiché à la connexion", max_length=300)
    announce = models.BooleanField("afficher aussi le message sur la page de connexion", default=True)
    # Decided (last changed) by the académie: its announcement is the académie's, shown on the
    # login page to everyone; an establishment's is shown only where it applies
    # (annuaire.blocking.login_announcements).
    by_academie = models.BooleanField("décidé par l'académie", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = "blocage de connexion"
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="loginblock_ends_after_start"),
            models.CheckConstraint(
                condition=(Q(target="profil", regroupement__isnull=True) & ~Q(profile=""))
                | (Q(target="division", regroupement__isnull=False, profile=""))
                | (Q(target="etablissement", regroupement__isnull=True, profile="")),
                name="loginblock_target_consistent",
            ),
        ]
        indexes = [models.Index(fields=["ends_at"], name="loginblock_ends_idx")]

    def __str__(self):
        return f"{self.target_label} — {self.etablissement}"

    @property
    def target_label(self):
        if self.target == self.Target.PROFILE:
            return self.BlockedProfile(self.profile).label
        if self.target == self.Target.DIVISION:
            return f"Division {self.regroupement.code}" if self.regroupement_id else "Division"
        return "Tout l'établissement"


class Suspension(models.Model):
    """One establishment's refusal of one person's account, or the académie's.

    A person is refused login where every establishment that holds them has suspended them, or
    everywhere when the académie has (``annuaire.services.suspension_sync`` keeps
    ``Person.suspended_at`` for that case, which the login and every request check). A
    suspension records who decided it and at which level; only that level or above lifts it:
    an establishment's direction its own, the académie any.
    """

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="suspensions")
    # None: decided by the académie, for every establishment.
    etablissement = models.ForeignKey(
        "annuaire.Etablissement", on_delete=models.CASCADE, null=True, blank=True,
        related_name="suspensions", verbose_name="établissement")
    reason = models.CharField("motif", max_length=255)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField("décidée le")

    class Meta:
        verbose_name = "suspension"
        constraints = [
            models.UniqueConstraint(fields=["person", "etablissement"],
                                    name="suspension_one_per_etab"),
            models.UniqueConstraint(fields=["person"], condition=Q(etablissement__isnull=True),
                                    name="suspension_one_academie"),
        ]
        indexes = [models.Index(fields=["etablissement", "person"],
                                name="suspension_etab_idx")]

    @property
    def level_label(self):
        return "l'académie" if self.etablissement_id is None else self.etablissement.name

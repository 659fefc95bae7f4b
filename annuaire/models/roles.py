from django.db import models


class RoleSource(models.TextChoices):
    AAF = "aaf", "Annuaire académique"
    MANUEL = "manuel", "Attribué dans l'ENT"


class Role(models.Model):
    """What a person is in an establishment; the rights module reads nothing else.

    Roles from the feed (``source=aaf``) are recomputed by every import; manual ones
    (administrators) are never touched by it. The académie administrator's role has no
    establishment: it covers them all.
    """

    class Kind(models.TextChoices):
        ELEVE = "eleve", "Élève"
        PARENT = "parent", "Parent"
        ENSEIGNANT = "enseignant", "Enseignant"
        DIRECTION = "direction", "Direction"
        VIE_SCOLAIRE = "vie_scolaire", "CPE / vie scolaire"
        DOCUMENTALISTE = "documentaliste", "Documentaliste"
        PERSONNEL = "personnel", "Personnel"
        ADMIN_ETAB = "admin_etab", "Administrateur d'établissement"
        ADMIN_ACADEMIQUE = "admin_academique", "Administrateur académique"

    # No index of their own: role_unique_per_etab and role_etab_idx start with them.
    person = models.ForeignKey(
        "annuaire.Person", on_delete=models.CASCADE, related_name="roles", db_index=False
    )
    etablissement = models.ForeignKey(
        "annuaire.Etablissement", on_delete=models.CASCADE, null=True, blank=True,
        related_name="roles", db_index=False,
    )
    role = models.CharField(max_length=20, choices=Kind.choices)
    source = models.CharField(max_length=8, choices=RoleSource.choices, default=RoleSource.AAF)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "etablissement", "role"], name="role_unique_per_etab"
            ),
            models.UniqueConstraint(
                fields=["person", "role"], condition=models.Q(etablissement__isnull=True),
                name="role_unique_academie",
            ),
        ]
        indexes = [models.Index(fields=["etablissement", "role"], name="role_etab_idx")]

    def __str__(self):
        return f"{self.get_role_display()} — {self.etablissement or 'académie'}"

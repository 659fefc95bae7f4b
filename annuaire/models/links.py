"""Relations the AAF feed carries in ``$``-separated values, as real rows.

Every row here is owned by one person's record (the pupil for inscriptions and family links,
the staff member for the rest): an import replaces them when that record changes.

A foreign key that leads a unique constraint or a composite index has no index of its own
(``db_index=False``): the composite one serves its lookups, and an import of a whole académie
maintains one index fewer per row.
"""

from django.db import models


class Inscription(models.Model):
    """A pupil in a division or a group."""

    eleve = models.ForeignKey(
        "annuaire.Person", on_delete=models.CASCADE, related_name="inscriptions", db_index=False
    )
    regroupement = models.ForeignKey(
        "annuaire.Regroupement", on_delete=models.CASCADE, related_name="inscriptions",
        db_index=False,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["eleve", "regroupement"], name="inscription_unique"),
        ]
        indexes = [models.Index(fields=["regroupement", "eleve"], name="inscription_reg_idx")]


class Enseignement(models.Model):
    """A teacher teaching a division or a group, in a subject when the feed says which."""

    enseignant = models.ForeignKey(
        "annuaire.Person", on_delete=models.CASCADE, related_name="enseignements"
    )
    regroupement = models.ForeignKey(
        "annuaire.Regroupement", on_delete=models.CASCADE, related_name="enseignements",
        db_index=False,
    )
    matiere = models.ForeignKey(
        "annuaire.Matiere", on_delete=models.CASCADE, null=True, blank=True,
        related_name="enseignements",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enseignant", "regroupement", "matiere"],
                condition=models.Q(matiere__isnull=False), name="enseignement_unique_matiere",
            ),
            models.UniqueConstraint(
                fields=["enseignant", "regroupement"],
                condition=models.Q(matiere__isnull=True), name="enseignement_unique_sans_matiere",
            ),
        ]
        indexes = [models.Index(fields=["regroupement", "enseignant"], name="enseignement_reg_idx")]


class ProfPrincipal(models.Model):
    """A teacher who is professeur principal of a division."""

    enseignant = models.ForeignKey(
        "annuaire.Person", on_delete=models.CASCADE, related_name="divisions_principales",
        db_index=False,
    )
    regroupement = models.ForeignKey(
        "annuaire.Regroupement", on_delete=models.CASCADE, related_name="profs_principaux"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enseignant", "regroupement"], name="pp_unique"),
        ]


class MatiereEnseignee(models.Model):
    """A subject a teacher teaches in an establishment, by its local label."""

    enseignant = models.ForeignKey(
        "annuaire.Person", on_delete=models.CASCADE, related_name="matieres_enseignees",
        db_index=False,
    )
    etablissement = models.ForeignKey(
        "annuaire.Etablissement", on_delete=models.CASCADE, db_index=False
    )
    libelle = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enseignant", "etablissement", "libelle"], name="matiere_enseignee_unique"
            ),
        ]
        indexes = [models.Index(fields=["etablissement", "libelle"], name="matiere_ens_etab_idx")]


class Fonction(models.Model):
    """A staff member's function in an establishment (``ENTPersonFonctions``)."""

    person = models.ForeignKey(
        "annuaire.Person", on_delete=models.CASCADE, related_name="fonctions", db_index=False
    )
    etablissement = models.ForeignKey("annuaire.Etablissement", on_delete=models.CASCADE)
    code = models.CharField(max_length=16)
    libelle = models.CharField("fonction", max_length=255, blank=True)
    discipline_code = models.CharField(max_length=16, blank=True)
    discipline_libelle = models.CharField("discipline", max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "etablissement", "code", "discipline_code"],
                name="fonction_unique",
            ),
        ]

    # The labels pupils and families read for the staff contacts found by function.
    CONTACT_LABELS = {"ORI": "Psychologue de l'Éducation nationale"}

    @property
    def contact_label(self):
        if self.code in self.CONTACT_LABELS:
            return self.CONTACT_LABELS[self.code]
        label = (self.discipline_libelle or self.libelle or "").strip()
        return label[:1].upper() + label[1:].lower() if label else "Personnel"


class Parente(models.Model):
    """A pupil's link to a relative, with the flags of ``ENTElevePersRelEleve``."""

    LIENS = {
        "1": "Père", "2": "Mère", "3": "Tuteur", "4": "Autre membre de la famille",
        "5": "Aide sociale à l'enfance", "6": "Autre cas", "7": "Élève lui-même",
        "10": "Mère", "20": "Père", "37": "Fratrie", "38": "Ascendant",
        "39": "Autre membre de la famille", "41": "Éducateur", "42": "Assistant familial",
        "43": "Garde d'enfant", "50": "Tuteur", "51": "Aide sociale à l'enfance",
        "70": "Élève lui-même", "90": "Autre lien",
    }

    eleve = models.ForeignKey(
        "annuaire.Person", on_delete=models.CASCADE, related_name="responsables_links",
        db_index=False,
    )
    responsable = models.ForeignKey(
        "annuaire.Person", on_delete=models.CASCADE, related_name="enfants_links", db_index=False
    )
    lien_code = models.CharField(max_length=8, blank=True)
    financier = models.BooleanField(default=False)
    legal = models.PositiveSmallIntegerField(default=0)
    contact = models.BooleanField(default=False)
    paiement = models.BooleanField(default=False)
    # Whether « legal » makes them a legal guardian, given ENT_AAF_LEGAL_2 at import time.
    representant_legal = models.BooleanField(default=False)
    # What SIECLE says of the link besides AAF's flags (niveau de responsabilité, rank, lives
    # with the pupil, priority contact) and whether SIECLE created it: {"source": …, …}.
    siecle = models.JSONField(default=dict, blank=True, null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["eleve", "responsable"], name="parente_unique"),
        ]
        indexes = [models.Index(fields=["responsable", "eleve"], name="parente_resp_idx")]

    @property
    def lien_label(self):
        return self.LIENS.get(self.lien_code, "Lien non précisé")

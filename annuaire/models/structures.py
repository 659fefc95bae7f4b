from django.db import models


class Etablissement(models.Model):
    """A structure of the AAF feed (EtabEducNat): collège, lycée, service, zone."""

    aaf_id = models.CharField("identifiant AAF", max_length=64, unique=True, null=True)
    uai = models.CharField("UAI", max_length=16, db_index=True)
    name = models.CharField("nom", max_length=255)
    type_label = models.CharField("type", max_length=120, blank=True)
    type_code = models.CharField("code type", max_length=16, blank=True)
    contrat = models.CharField(max_length=16, blank=True)
    ministere = models.CharField("ministère de tutelle", max_length=255, blank=True)
    ministere_code = models.CharField(max_length=16, blank=True)
    siret = models.CharField("SIRET", max_length=20, blank=True)
    street = models.CharField("adresse", max_length=255, blank=True)
    po_box = models.CharField("boîte postale", max_length=120, blank=True)
    postal_code = models.CharField("code postal", max_length=16, blank=True)
    city = models.CharField("commune", max_length=120, blank=True)
    phone = models.CharField("téléphone", max_length=40, blank=True)
    fax = models.CharField(max_length=40, blank=True)
    mail = models.CharField("courriel", max_length=254, blank=True)
    bassin = models.CharField(max_length=255, blank=True)
    academie = models.CharField("académie", max_length=120, blank=True)
    academie_code = models.CharField(max_length=8, blank=True)
    extra = models.JSONField("attributs non reconnus", default=dict, blank=True)
    aaf_hash = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "établissement"

    def __str__(self):
        return f"{self.name} ({self.uai})"


class Matiere(models.Model):
    """A subject of the national nomenclature (BCN code, MatiereEducNat)."""

    code = models.CharField(max_length=16, unique=True)
    libelle = models.CharField("libellé", max_length=255)
    # The label in proper case and accents (« Mathématiques ») that SIECLE and STS-web print
    # (LIBELLE_EDITION), where AAF gives the uppercase one (« MATHEMATIQUES »).
    # A database default too: the AAF import inserts subjects in SQL, naming its own columns.
    libelle_edition = models.CharField("libellé d'édition", max_length=255, blank=True,
                                       default="", db_default="")
    aaf_hash = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["libelle"]
        verbose_name = "matière"

    def __str__(self):
        return self.libelle

    @property
    def shown_label(self):
        """The edition label where SIECLE or STS-web gave one, else AAF's."""
        return self.libelle_edition or self.libelle


class Mef(models.Model):
    """A « module élémentaire de formation » of the national nomenclature (MefEducNat)."""

    code = models.CharField(max_length=16, unique=True)
    libelle = models.CharField("libellé", max_length=255)
    rattach = models.CharField(max_length=16, blank=True)
    stat11 = models.CharField(max_length=16, blank=True)
    aaf_hash = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "MEF"

    def __str__(self):
        return self.libelle


class Regroupement(models.Model):
    """A division (class) or a group of an establishment.

    The feed never declares them: they exist through the pupils' and teachers' links.
    """

    class Nature(models.TextChoices):
        DIVISION = "division", "Division"
        GROUPE = "groupe", "Groupe"

    # No index of its own: regroupement_unique_code starts with it.
    etablissement = models.ForeignKey(
        Etablissement, on_delete=models.CASCADE, related_name="regroupements", db_index=False
    )
    nature = models.CharField(max_length=10, choices=Nature.choices)
    code = models.CharField(max_length=120)

    class Meta:
        ordering = ["nature", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["etablissement", "nature", "code"], name="regroupement_unique_code"
            ),
        ]

    def __str__(self):
        return self.code

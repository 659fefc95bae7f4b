"""The cahier de textes: what was done in each séance, the travail à faire, the pupils' ticks,
the files attached, and the principal's visas.

Everything hangs on ``viescolaire.Seance`` with ``on_delete=PROTECT``: a timetable reimport
that drops a séance carrying any of this cancels it rather than deleting it.
"""

from django.db import models
from django.db.models import Q


class State(models.TextChoices):
    DRAFT = "brouillon", "Brouillon"
    PUBLISHED = "publie", "Publié"


class Publishable(models.Model):
    """Draft or published, visible from ``publish_at`` on: the visibility is read by date, so
    a deferred publication needs no scheduled job."""

    state = models.CharField("état", max_length=10, choices=State.choices, default=State.DRAFT)
    publish_at = models.DateTimeField("visible à partir du", null=True, blank=True)
    author = models.ForeignKey("annuaire.Person", on_delete=models.PROTECT, related_name="+",
                               verbose_name="auteur")
    updated_by = models.ForeignKey("annuaire.Person", on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField()
    # Not a column: the subject's label, set by the selectors that list items across courses.
    subject: str

    class Meta:
        abstract = True

    def is_visible_at(self, when):
        return (self.state == State.PUBLISHED and self.publish_at is not None
                and self.publish_at <= when)


class Contenu(Publishable):
    """The content of one séance: one per séance, written by any teacher of its course."""

    seance = models.OneToOneField("viescolaire.Seance", on_delete=models.PROTECT,
                                  related_name="cahier_contenu")
    title = models.CharField("titre", max_length=200, blank=True)
    # Sanitised with nh3 before it is stored (viescolaire.cahier.html).
    body = models.TextField("contenu", blank=True)

    class Meta:
        verbose_name = "contenu de séance"
        verbose_name_plural = "contenus de séance"


class TypeTravail(models.Model):
    """A kind of homework: the national defaults (no establishment) and each establishment's."""

    etablissement = models.ForeignKey("annuaire.Etablissement", on_delete=models.CASCADE,
                                      null=True, blank=True, related_name="+")
    label = models.CharField("libellé", max_length=80)
    # A day that already has one is flagged when more homework is given for it.
    is_evaluation = models.BooleanField("évaluation", default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "label"]
        verbose_name = "type de travail"
        verbose_name_plural = "types de travail"

    def __str__(self):
        return self.label


class Devoir(Publishable):
    """A travail à faire given in a séance, due for a later séance or a date."""

    seance = models.ForeignKey("viescolaire.Seance", on_delete=models.PROTECT,
                               related_name="cahier_devoirs")
    due_seance = models.ForeignKey("viescolaire.Seance", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="cahier_devoirs_dus")
    # Always set: the due séance's date when there is one (lists sort and filter on it).
    due_date = models.DateField("pour le")
    type = models.ForeignKey(TypeTravail, on_delete=models.PROTECT, related_name="devoirs")
    minutes = models.PositiveSmallIntegerField("temps estimé (minutes)", default=0)
    description = models.TextField("consigne")

    class Meta:
        verbose_name = "travail à faire"
        verbose_name_plural = "travaux à faire"
        indexes = [models.Index(fields=["due_date"], name="cahier_devoir_due_idx")]


class DevoirFait(models.Model):
    """A pupil's « fait » tick; their parents see it."""

    devoir = models.ForeignKey(Devoir, on_delete=models.CASCADE, related_name="faits")
    eleve = models.ForeignKey("annuaire.Person", on_delete=models.CASCADE, related_name="+")
    done_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["devoir", "eleve"],
                                               name="cahier_fait_unique")]


class PieceJointe(models.Model):
    """A file attached to a séance's content or to a homework, stored outside the web root
    (ENT_CAHIER_FILES_DIR) and served only through a view that checks rights."""

    contenu = models.ForeignKey(Contenu, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="pieces")
    devoir = models.ForeignKey(Devoir, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="pieces")
    owner = models.ForeignKey("annuaire.Person", on_delete=models.PROTECT, related_name="+")
    # The name shown, cleaned of paths and control characters; the file's own name on disk
    # is a random one.
    name = models.CharField("nom", max_length=150)
    storage_name = models.CharField(max_length=80, unique=True)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "pièce jointe"
        constraints = [models.CheckConstraint(
            condition=Q(contenu__isnull=False, devoir__isnull=True)
            | Q(contenu__isnull=True, devoir__isnull=False), name="cahier_piece_one_parent")]


class Visa(models.Model):
    """The principal's visa on a teacher's cahier for a division or group and a subject, up
    to a date. ``locks``: the séances it covers may no longer be changed."""

    etablissement = models.ForeignKey("annuaire.Etablissement", on_delete=models.CASCADE,
                                      related_name="+")
    enseignant = models.ForeignKey("annuaire.Person", on_delete=models.CASCADE,
                                   related_name="+")
    regroupement = models.ForeignKey("annuaire.Regroupement", on_delete=models.CASCADE,
                                     related_name="+")
    # As the course names it (Cours.matiere_label): a subject without a BCN match has one too.
    matiere_label = models.CharField("matière", max_length=255)
    up_to = models.DateField("jusqu'au")
    comment = models.TextField("commentaire", blank=True)
    locks = models.BooleanField("verrouiller les séances visées", default=False)
    given_by = models.ForeignKey("annuaire.Person", on_delete=models.SET_NULL, null=True,
                                 related_name="+")
    given_at = models.DateTimeField()

    class Meta:
        ordering = ["-up_to", "-given_at"]
        indexes = [models.Index(fields=["enseignant", "regroupement"], name="cahier_visa_idx")]

from django.db import models


class Cours(models.Model):
    """A weekly course of the timetable in force: what the séances are dated from.

    ``key`` identifies the course across imports (day, hours, subject, audience, teachers as
    the files name them): a reimport that keeps a course keeps its row and its séances, and
    so everything later attached to them.
    """

    etablissement = models.ForeignKey(
        "annuaire.Etablissement", on_delete=models.CASCADE, related_name="cours")
    key = models.CharField(max_length=64)
    timetable_import = models.ForeignKey(
        "imports.TimetableImport", on_delete=models.SET_NULL, null=True, related_name="cours")
    matiere = models.ForeignKey("annuaire.Matiere", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+")
    matiere_label = models.CharField("matière", max_length=255)
    day = models.PositiveSmallIntegerField("jour")
    start = models.TimeField("début")
    end = models.TimeField("fin")
    salle = models.CharField(max_length=255, blank=True)
    enseignants = models.ManyToManyField("annuaire.Person", blank=True, related_name="cours")
    regroupements = models.ManyToManyField("annuaire.Regroupement", blank=True,
                                           related_name="cours")
    # The names of what matched nothing, to show the course anyway.
    unmatched = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "cours"
        verbose_name_plural = "cours"
        constraints = [
            models.UniqueConstraint(fields=["etablissement", "key"], name="cours_unique_key"),
        ]


class Seance(models.Model):
    """One dated occurrence of a course: the cahier de textes and the roll call hang on it."""

    cours = models.ForeignKey(Cours, on_delete=models.CASCADE, related_name="seances")
    date = models.DateField()
    start = models.TimeField()
    end = models.TimeField()
    cancelled = models.BooleanField("annulée", default=False)
    # Cancelled because a new timetable dropped it while something hung on it (a roll call,
    # homework...): kept, with what it carries, instead of deleted. A later timetable that
    # has it again brings it back (``viescolaire.services.seances_drop``).
    superseded = models.BooleanField("annulée (nouvel emploi du temps)", default=False)
    # What changed for this one séance: the timetable's course is left as it was.
    salle = models.CharField("salle (changement)", max_length=255, blank=True)
    remplacant = models.ForeignKey(
        "annuaire.Person", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="remplacements", verbose_name="remplaçant")

    class Meta:
        verbose_name = "séance"
        ordering = ["date", "start"]
        constraints = [
            models.UniqueConstraint(fields=["cours", "date"], name="seance_unique_per_day"),
        ]
        indexes = [models.Index(fields=["date", "cours"], name="seance_date_idx")]

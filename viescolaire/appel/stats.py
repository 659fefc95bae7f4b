"""Half-days, signalements and statistics: set-based reads over the validated roll calls.

An absence counts in half-days through its absent marks: each (day, morning or afternoon) of a
séance found absent is one half-day (a séance starting before ``ENT_APPEL_MIDDAY`` is in the
morning). A half-day is « non justifiée » unless its absence is justified; an absence whose
motive does not count (a school outing) is not counted at all.
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from annuaire.models import Inscription, Person, Regroupement
from viescolaire.models import Cours, Seance

from .models import Absence, Appel, Marque
from .selectors import STATE_LABELS, seance_state, subject_label


def _counted_marks(*, etab, first, last):
    return Marque.objects.filter(
        absent=True, appel__state=Appel.State.FAIT,
        appel__seance__cours__etablissement=etab,
        appel__seance__date__range=(first, last),
    ).exclude(absence__motif__counts_half_days=False)


def _half_days(marks):
    """(pupil, day, half, justified) of these marks, each once."""
    return marks.annotate(half=Case(
        When(appel__seance__start__lt=settings.ENT_APPEL_MIDDAY, then=Value(0)),
        default=Value(1), output_field=IntegerField()),
        justified=Case(When(absence__state=Absence.State.JUSTIFIEE, then=Value(1)),
                       default=Value(0), output_field=IntegerField()),
    ).values_list("eleve_id", "appel__seance__date", "half", "justified").distinct()


@dataclass
class Signalement:
    pupil: object
    half_days: int


def signalements(*, etab, today):
    """Pupils with at least the legal number of unjustified half-days in the window (4 in 30
    days by default): « signalements à étudier », most half-days first."""
    first = today - dt.timedelta(days=settings.ENT_APPEL_SIGNALEMENT_DAYS - 1)
    counts = Counter()
    for pid, day, half, justified in _half_days(_counted_marks(etab=etab, first=first,
                                                               last=today)):
        if not justified:
            counts[(pid, day, half)] = 1
    per_pupil = Counter(pid for pid, _, _ in counts)
    over = {pid: n for pid, n in per_pupil.items()
            if n >= settings.ENT_APPEL_SIGNALEMENT_HALF_DAYS}
    people = Person.objects.in_bulk(list(over))
    return sorted((Signalement(people[pid], n) for pid, n in over.items()),
                  key=lambda s: (-s.half_days, s.pupil.search_name))


@dataclass
class DivisionStats:
    division: object
    pupils: int
    half_days: int
    unjustified: int
    retards: int

    @property
    def rate(self):
        """Half-days absent per pupil."""
        return round(self.half_days / self.pupils, 1) if self.pupils else 0


def division_stats(*, etab, first, last):
    """Per division, over [first, last]: pupils, half-days absent (and unjustified), lateness.
    A fixed number of queries, whatever the size of the collège."""
    divisions = list(Regroupement.objects.filter(
        etablissement=etab, nature=Regroupement.Nature.DIVISION).order_by("code"))
    division_of = dict(Inscription.objects.filter(regroupement__in=divisions).values_list(
        "eleve_id", "regroupement_id"))
    sizes = Counter(division_of.values())
    half, unjustified = Counter(), Counter()
    for pid, _day, _half, justified in _half_days(_counted_marks(etab=etab, first=first,
                                                                 last=last)):
        reg = division_of.get(pid)
        half[reg] += 1
        if not justified:
            unjustified[reg] += 1
    retards = Counter()
    for pid in Marque.objects.filter(
            Q(retard=True), appel__state=Appel.State.FAIT,
            appel__seance__cours__etablissement=etab,
            appel__seance__date__range=(first, last)).values_list("eleve_id", flat=True):
        retards[division_of.get(pid)] += 1
    return [DivisionStats(d, sizes[d.pk], half[d.pk], unjustified[d.pk], retards[d.pk])
            for d in divisions]


def registre_rows(*, etab, day):
    """The registre d'appel of a day: one row per séance, its state and its absent and late
    pupils (a fixed number of queries)."""
    seances = list(Seance.objects.filter(cours__etablissement=etab, date=day).select_related(
        "cours", "cours__matiere", "appel", "appel__validated_by", "remplacant").order_by(
            "start", "cours__matiere_label", "pk"))
    regs, teachers = defaultdict(list), defaultdict(list)
    for cours_id, code in Cours.regroupements.through.objects.filter(
            cours_id__in={s.cours_id for s in seances}).order_by(
                "regroupement__code").values_list("cours_id", "regroupement__code"):
        regs[cours_id].append(code)
    for cours_id, last, first_name in Cours.enseignants.through.objects.filter(
            cours_id__in={s.cours_id for s in seances}).values_list(
                "cours_id", "person__last_name", "person__first_name"):
        teachers[cours_id].append(f"{last.upper()} {first_name}".strip())
    absent, late = defaultdict(list), defaultdict(list)
    for seance_id, is_absent, last, first_name, arrivee in Marque.objects.filter(
            appel__seance__in=[s.pk for s in seances]).filter(
                Q(absent=True) | Q(retard=True)).order_by(
                    "eleve__search_name").values_list(
                        "appel__seance_id", "absent", "eleve__last_name", "eleve__first_name",
                        "arrivee"):
        name = f"{last.upper()} {first_name}".strip()
        if is_absent:
            absent[seance_id].append(name)
        else:
            late[seance_id].append(f"{name} ({arrivee:%H:%M})" if arrivee else name)
    now = timezone.now()
    for s in seances:
        appel = getattr(s, "appel", None)
        yield [
            day.isoformat(), s.start.strftime("%H:%M"), s.end.strftime("%H:%M"),
            subject_label(s.cours), ", ".join(regs[s.cours_id]),
            s.remplacant.display_name if s.remplacant else ", ".join(teachers[s.cours_id]),
            STATE_LABELS[seance_state(seance=s, appel=appel, now=now)],
            appel.validated_by.display_name if appel and appel.validated_by else "",
            len(absent[s.pk]), ", ".join(absent[s.pk]), ", ".join(late[s.pk]),
        ]

"""The demo's roll calls: four past weeks of the demo pupil's divisions and a few others, taken
through the services (about 5 % absent, some late, some justified by the families and decided
by the vie scolaire), and today's roll calls partly done: every profile sees a living vie
scolaire. Idempotent: séances already called are left as they are."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from annuaire.models import Parente, Person, Regroupement, Role
from viescolaire.models import Seance

from . import selectors, services
from .marks import MarkData
from .models import Absence, Appel

DIVISIONS = 3
# A pupil away for a whole day, or missing one séance: about 5 % of the marks together.
DAY_ABSENT_RATE = 0.02
SEANCE_ABSENT_RATE = 0.025
LATE_RATE = 0.02
# Pupils absent without motive on two whole days: « signalements à étudier ».
TRUANTS = 2


def _aware(day, time):
    return dt.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())


def demo_appels(*, etab, pupil=None, weeks: int = 4, seed: int = 1,
                now: dt.datetime | None = None) -> dict:
    """Roll calls for the demo; returns counts for its summary."""
    rng = random.Random(seed)
    now = now or timezone.now()
    today = timezone.localdate(now)
    services.motifs_defaults_ensure(etablissement=etab)
    cpe = Person.objects.filter(roles__etablissement=etab, roles__role=Role.Kind.VIE_SCOLAIRE,
                                deactivated_at__isnull=True).order_by("login").first()
    if cpe is None:
        return {}
    divisions = list(Regroupement.objects.filter(
        etablissement=etab, nature=Regroupement.Nature.DIVISION).order_by("code").values_list(
            "pk", flat=True))
    chosen = set(rng.sample(divisions, min(DIVISIONS, len(divisions))))
    if pupil is not None:
        chosen |= set(pupil.inscriptions.filter(
            regroupement__nature=Regroupement.Nature.DIVISION).values_list(
                "regroupement_id", flat=True))
    first = today - dt.timedelta(days=7 * weeks)
    seances = list(Seance.objects.filter(
        cours__etablissement=etab, cours__regroupements__in=chosen, date__gte=first,
        date__lte=today, cancelled=False, appel__isnull=True).select_related(
            "cours").prefetch_related("cours__enseignants").distinct().order_by("date", "start"))
    school_days = sorted({s.date for s in seances if s.date < today})
    pool = sorted(Person.objects.filter(
        inscriptions__regroupement__in=chosen).exclude(pk=getattr(pupil, "pk", None))
        .values_list("pk", flat=True).distinct())
    truants = rng.sample(pool, min(TRUANTS, len(pool)))
    away = {(pid, day) for pid in truants
            for day in rng.sample(school_days[-10:], min(2, len(school_days[-10:])))}
    day_rolls = {}
    done = 0
    with transaction.atomic():
        for seance in seances:
            start = _aware(seance.date, seance.start)
            if seance.date == today and (start > now or rng.random() < 0.4):
                continue  # today: the séances to come, and some forgotten
            teachers = list(seance.cours.enseignants.all())
            who = seance.remplacant or (teachers[0] if teachers else cpe)
            pupils = sorted(selectors.seance_pupil_ids(seance=seance))
            marks = {}
            for pid in pupils:
                if (pid, seance.date) not in day_rolls:
                    day_rolls[(pid, seance.date)] = rng.random() < DAY_ABSENT_RATE
                roll = rng.random()
                if (pid, seance.date) in away or day_rolls[(pid, seance.date)] \
                        or roll < SEANCE_ABSENT_RATE:
                    marks[pid] = MarkData(absent=True)
                elif roll < SEANCE_ABSENT_RATE + LATE_RATE:
                    late = start + dt.timedelta(minutes=rng.randint(3, 15))
                    marks[pid] = MarkData(retard=True, arrivee=timezone.localtime(late).time()
                                          .replace(second=0, microsecond=0))
            services.appel_marks_save(
                seance=seance, marks=marks, expected_version=0, validate=True,
                acting_user=who, now=start + dt.timedelta(minutes=5),
                notify=seance.date == today)
            done += 1
        justified = _families_justify(etab=etab, cpe=cpe, today=today, rng=rng,
                                      skip=set(truants))
    return {"appels": done, "absences": Absence.objects.filter(etablissement=etab).count(),
            "justified": justified, "today_done": Appel.objects.filter(
                seance__cours__etablissement=etab, seance__date=today,
                state=Appel.State.FAIT).count()}


def _families_justify(*, etab, cpe, today, rng, skip):
    """Most past absences justified by a legal guardian; the vie scolaire decides on
    most of them; the last few days' wait."""
    motifs = {m.code: m for m in selectors.motifs(etab=etab)}
    parent_of = dict(Parente.objects.filter(
        eleve__absences__etablissement=etab, representant_legal=True).values_list(
            "eleve_id", "responsable_id"))
    parents = Person.objects.in_bulk(set(parent_of.values()))
    justified = 0
    for absence in Absence.objects.filter(etablissement=etab, state=Absence.State.SANS_MOTIF,
                                          source=Absence.Source.APPEL,
                                          start__date__lt=today).order_by("start"):
        parent = parents.get(parent_of.get(absence.eleve_id))
        if parent is None or absence.eleve_id in skip or rng.random() < 0.2:
            continue
        at = absence.end + dt.timedelta(hours=rng.randint(2, 30))
        motif = motifs[rng.choice(["maladie", "maladie", "rdv_medical", "familial", "transport"])]
        services.absence_justify(absence=absence, motif=motif, comment="", attachment=None,
                                 acting_user=parent, now=at)
        justified += 1
        if timezone.localdate(at) < today - dt.timedelta(days=2):
            services.absence_decide(absence=absence, state=Absence.State.JUSTIFIEE, motif=motif,
                                    comment="", acting_user=cpe, now=at + dt.timedelta(hours=3))
    return justified

"""The demo's cahier de textes: four weeks of séance contents and homework for the demo
families' divisions and groups and the demo teacher's classes, written through the services
as the teachers would, the older weeks visa'd by the principal. Rerun-safe: a séance that
already has content is left as it is."""

import datetime as dt
import random

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from annuaire.models import Inscription, Role
from ent.dates import monday_of
from viescolaire.models import Cours, Seance

from . import selectors, services
from .models import Contenu, Visa

TITLES = ["Correction des exercices", "Nouvelle notion", "Travail en groupes",
          "Activité d'introduction", "Bilan du chapitre", "Étude de documents",
          "Exercices d'application", "Évaluation et correction"]
STEPS = ["Rappel de la séance précédente", "Lecture et analyse d'un document",
         "Trace écrite dans le cahier", "Exercices d'application en autonomie",
         "Mise en commun et correction au tableau", "Questions flash de fin de séance"]
HOMEWORK = [
    ("Exercices", "Faire les exercices {a} et {b} page {p}.", 30),
    ("Leçon à apprendre", "Apprendre la leçon et savoir refaire les exemples du cours.", 20),
    ("Devoir maison", "Rédiger le devoir maison distribué en classe (copie double).", 60),
    ("Lecture", "Lire les pages {p} à {q} et noter les mots inconnus.", 25),
    ("Évaluation", "Évaluation sur le chapitre en cours : revoir la leçon et les exercices "
                   "corrigés.", 45),
    ("Exercices", "Terminer l'exercice {a} commencé en classe.", 15),
]


def _body(rng, title):
    steps = rng.sample(STEPS, 3)
    items = "".join(f"<li>{step}</li>" for step in steps)
    return f"<p><strong>{title}.</strong></p><ul>{items}</ul>"


def demo_cahier(*, pupils, teachers=(), today: dt.date | None = None, weeks: int = 4) -> dict:
    """Write the demo cahier; returns what was written."""
    today = today or timezone.localdate()
    start = monday_of(today) - dt.timedelta(weeks=weeks - 1)
    regs = Inscription.objects.filter(eleve__in=[p for p in pupils if p]).values(
        "regroupement_id")
    cours = Cours.objects.filter(Q(regroupements__in=regs) | Q(enseignants__in=[
        t for t in teachers if t]), active=True).values("pk")
    seances = list(Seance.objects.filter(cours__in=cours, date__range=(start, today),
                                         cancelled=False)
                   .exclude(pk__in=Contenu.objects.values("seance_id"))
                   .select_related("cours")
                   .prefetch_related("cours__enseignants", "cours__regroupements")
                   .order_by("date", "start"))
    types = {t.label: t for t in services.national_types_ensure()}
    written = {"contenus": 0, "devoirs": 0, "visas": 0}
    now = timezone.now()
    with transaction.atomic():
        for seance in seances:
            teachers_of = list(seance.cours.enseignants.all())
            if not teachers_of:
                continue
            teacher = teachers_of[0]
            rng = random.Random(seance.pk)
            end = services.seance_end_at(seance)
            title = rng.choice(TITLES)
            # Today's séances still to come are drafts, as a teacher prepares them.
            publish = services.Publish.DRAFT if end > now else services.Publish.END
            services.contenu_save(seance=seance, acting_user=teacher, title=title,
                                  body=_body(rng, title), publish=publish, now=min(end, now))
            written["contenus"] += 1
            if rng.random() < 0.55:
                label, text, minutes = rng.choice(HOMEWORK)
                due = selectors.next_seance(seance=seance)
                services.devoir_save(
                    seance=seance, acting_user=teacher, type=types[label], minutes=minutes,
                    description=text.format(a=rng.randint(1, 30), b=rng.randint(31, 60),
                                            p=rng.randint(10, 200), q=rng.randint(201, 220)),
                    publish=services.Publish.END, due_seance=due,
                    due_date=None if due else seance.date + dt.timedelta(days=7),
                    now=min(end, now), notify=(due.date if due else seance.date) >= today)
                written["devoirs"] += 1
        written["visas"] = _visas(seances=seances, up_to=start + dt.timedelta(days=11),
                                  now=now)
    return written


def _visas(*, seances, up_to, now):
    """The principal visas the first fortnight of every cahier written."""
    done = 0
    keys = set()
    for seance in seances:
        if seance.date > up_to:
            continue
        for teacher in seance.cours.enseignants.all():
            for reg in seance.cours.regroupements.all():
                keys.add((seance.cours.etablissement_id, teacher.pk, reg.pk,
                          seance.cours.matiere_label))
    principals = {}
    for etab_id, teacher_id, reg_id, label in sorted(keys):
        if etab_id not in principals:
            role = Role.objects.filter(etablissement_id=etab_id, role=Role.Kind.DIRECTION,
                                       person__deactivated_at__isnull=True).select_related(
                "person").order_by("person__aaf_id").first()
            principals[etab_id] = role.person if role else None
        if principals[etab_id] is None or Visa.objects.filter(
                enseignant_id=teacher_id, regroupement_id=reg_id, matiere_label=label,
                up_to__gte=up_to).exists():
            continue
        Visa.objects.create(etablissement_id=etab_id, enseignant_id=teacher_id,
                            regroupement_id=reg_id, matiere_label=label, up_to=up_to,
                            comment="Cahier bien tenu.", locks=False,
                            given_by=principals[etab_id], given_at=now)
        done += 1
    return done

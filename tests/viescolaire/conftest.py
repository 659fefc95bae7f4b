"""A small timetable on top of ``world``: the week of Monday 15 September 2025."""

import datetime
import itertools
from dataclasses import dataclass

import pytest

from viescolaire.models import Cours, Seance

MONDAY = datetime.date(2025, 9, 15)
_keys = itertools.count()


def make_cours(etab, *, day, start, end, label, salle="", teachers=(), regs=(), **kwargs):
    cours = Cours.objects.create(
        etablissement=etab, key=f"k{next(_keys)}", matiere_label=label, day=day,
        start=datetime.time(*start), end=datetime.time(*end), salle=salle, **kwargs)
    cours.enseignants.set(teachers)
    cours.regroupements.set(regs)
    return cours


def make_seance(cours, date, **kwargs):
    return Seance.objects.create(cours=cours, date=date, start=cours.start, end=cours.end,
                                 **kwargs)


@dataclass
class Timetable:
    maths: object
    latin: object
    anglais: object
    cours_b: object
    maths_monday: object
    latin_tuesday: object
    anglais_monday: object
    maths_thursday: object


@pytest.fixture
def timetable(world):
    w = world
    maths = make_cours(w.etab_a, day=1, start=(8, 0), end=(9, 0), label="MATHEMATIQUES",
                       salle="S101", teachers=[w.teacher_a], regs=[w.div_3a], matiere=w.maths)
    latin = make_cours(w.etab_a, day=2, start=(10, 0), end=(11, 0), label="LATIN",
                       salle="S102, CDI", teachers=[w.teacher_a], regs=[w.grp_latin])
    anglais = make_cours(w.etab_a, day=1, start=(9, 0), end=(10, 0), label="ANGLAIS LV1",
                         salle="S101", teachers=[w.teacher_a2], regs=[w.div_3b])
    cours_b = make_cours(w.etab_b, day=1, start=(8, 0), end=(9, 0), label="MATHEMATIQUES",
                         salle="B1", teachers=[w.teacher_b], regs=[w.div_b_3a])
    day = datetime.timedelta(days=1)
    make_seance(cours_b, MONDAY)
    return Timetable(
        maths, latin, anglais, cours_b,
        maths_monday=make_seance(maths, MONDAY),
        latin_tuesday=make_seance(latin, MONDAY + day, cancelled=True),
        anglais_monday=make_seance(anglais, MONDAY, remplacant=w.teacher_a),
        maths_thursday=make_seance(maths, MONDAY + 3 * day, salle="B12"),
    )

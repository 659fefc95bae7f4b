"""A séance of today on top of ``world``: teacher_a's maths with 3A (pupil_a, pupil_a2),
started five minutes ago, so that its roll call is open."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from tests.viescolaire.conftest import make_cours, make_seance


@pytest.fixture(autouse=True)
def _attachments_dir(settings, tmp_path):
    settings.ENT_APPEL_ATTACHMENTS_DIR = tmp_path / "justificatifs"


def now_slot(minutes_ago=5, length=55):
    """Today's date and a (start, end) around now, kept inside the day."""
    local = timezone.localtime()
    start = max(local - dt.timedelta(minutes=minutes_ago),
                local.replace(hour=0, minute=0, second=0, microsecond=0))
    end = min(start + dt.timedelta(minutes=length),
              local.replace(hour=23, minute=59, second=0, microsecond=0))
    return local.date(), start.time().replace(second=0, microsecond=0), \
        end.time().replace(second=0, microsecond=0)


@dataclass
class Today:
    day: dt.date
    cours: object
    seance: object
    cours_b: object
    seance_b: object


@pytest.fixture
def today(world):
    w = world
    day, start, end = now_slot()
    cours = make_cours(w.etab_a, day=day.isoweekday(), start=(start.hour, start.minute),
                       end=(end.hour, end.minute), label="MATHEMATIQUES", teachers=[w.teacher_a],
                       regs=[w.div_3a], matiere=w.maths)
    cours_b = make_cours(w.etab_b, day=day.isoweekday(), start=(start.hour, start.minute),
                         end=(end.hour, end.minute), label="MATHEMATIQUES",
                         teachers=[w.teacher_b], regs=[w.div_b_3a])
    return Today(day, cours, make_seance(cours, day), cours_b, make_seance(cours_b, day))


def marks_post(version, *, absent=(), late=(), valider=True, **extra):
    data = {"version": str(version)}
    for p in absent:
        data[f"absent-{p.pk}"] = "1"
    for p in late:
        data[f"retard-{p.pk}"] = "1"
    if valider:
        data["valider"] = "1"
    data.update(extra)
    return data

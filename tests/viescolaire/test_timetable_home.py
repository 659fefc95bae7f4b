"""Today's courses on the home page, with a link to the week."""

import pytest
from django.urls import reverse
from django.utils import timezone

from .conftest import make_cours, make_seance


@pytest.fixture
def today_maths(world):
    cours = make_cours(world.etab_a, day=timezone.localdate().isoweekday(), start=(8, 0),
                       end=(9, 0), label="MATHEMATIQUES", salle="S101",
                       teachers=[world.teacher_a], regs=[world.div_3a])
    return make_seance(cours, timezone.localdate(), remplacant=world.teacher_a2)


@pytest.mark.parametrize("who, title, week", [
    ("pupil_a", "Mes cours du jour", "pupil_a"),
    ("teacher_a", "Mes cours du jour", "teacher_a"),
    ("teacher_a2", "Mes cours du jour", "teacher_a2"),
    ("parent_a", "Cours du jour de Léa", "pupil_a"),
])
def test_home_shows_today_with_a_link_to_the_week(world, login, today_maths, who, title, week):
    html = login(getattr(world, who)).get(reverse("home")).content.decode()
    assert title in html and "MATHEMATIQUES" in html and "Salle S101" in html
    kind = "week_enseignant" if week.startswith("teacher") else "week_eleve"
    assert reverse(f"viescolaire:{kind}", args=[getattr(world, week).pk]) in html


@pytest.mark.parametrize("who", ["pupil_a3", "parent_b", "teacher_b"])
def test_home_today_without_courses(world, login, today_maths, who):
    html = login(getattr(world, who)).get(reverse("home")).content.decode()
    assert "Pas de cours aujourd'hui." in html and "MATHEMATIQUES" not in html


@pytest.mark.parametrize("who", ["principal_a", "cpe_a", "agent_a", "contact_a", "academy_admin"])
def test_home_no_today_block_without_an_own_timetable(world, login, today_maths, who):
    html = login(getattr(world, who)).get(reverse("home")).content.decode()
    assert "du jour" not in html

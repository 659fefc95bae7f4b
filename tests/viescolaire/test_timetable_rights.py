"""Who may open which timetable: every role, every kind of timetable; the rest is a 404."""

import pytest
from django.urls import reverse

from .conftest import MONDAY

ALL_A = {"pupil_a", "pupil_a3", "teacher_a", "teacher_a2", "div_3a", "div_3b", "grp_latin",
         "room_a"}
ALL_B = {"pupil_b", "teacher_b", "div_b_3a", "room_b"}
ALLOWED = {
    "principal_a": ALL_A,
    "admin_etab_a": ALL_A,
    "cpe_a": ALL_A,
    "doc_a": ALL_A,
    "agent_a": set(),
    "teacher_a": {"teacher_a", "div_3a", "grp_latin"},
    "teacher_a2": {"teacher_a2", "div_3b"},
    "pupil_a": {"pupil_a", "div_3a", "grp_latin"},
    "pupil_a2": {"div_3a"},
    "pupil_a3": {"pupil_a3", "div_3b"},
    "parent_a": {"pupil_a"},
    "contact_a": set(),
    "principal_b": ALL_B,
    "teacher_b": {"teacher_b", "div_b_3a"},
    "pupil_b": {"pupil_b", "div_b_3a"},
    "parent_b": {"pupil_b"},
    "academy_admin": ALL_A | ALL_B,
}


def _urls(w):
    def week(name, *args):
        return reverse(f"viescolaire:{name}", args=args)

    return {
        "pupil_a": week("week_eleve", w.pupil_a.pk),
        "pupil_a3": week("week_eleve", w.pupil_a3.pk),
        "pupil_b": week("week_eleve", w.pupil_b.pk),
        "teacher_a": week("week_enseignant", w.teacher_a.pk),
        "teacher_a2": week("week_enseignant", w.teacher_a2.pk),
        "teacher_b": week("week_enseignant", w.teacher_b.pk),
        "div_3a": week("week_regroupement", w.div_3a.pk),
        "div_3b": week("week_regroupement", w.div_3b.pk),
        "grp_latin": week("week_regroupement", w.grp_latin.pk),
        "div_b_3a": week("week_regroupement", w.div_b_3a.pk),
        "room_a": week("week_room", w.etab_a.pk, "S101"),
        "room_b": week("week_room", w.etab_b.pk, "B1"),
    }


def test_every_role_is_listed(world):
    assert set(ALLOWED) == set(world.roles())


@pytest.mark.parametrize("who", sorted(ALLOWED))
def test_each_role_opens_only_its_timetables(world, timetable, login, who):
    client = login(getattr(world, who))
    seen = {}
    for name, url in _urls(world).items():
        seen[name] = client.get(url, {"semaine": MONDAY.isoformat()}).status_code
    assert {n for n, code in seen.items() if code == 200} == ALLOWED[who]
    assert {code for n, code in seen.items() if n not in ALLOWED[who]} <= {404}


@pytest.mark.parametrize("who", ["agent_a", "contact_a"])
def test_no_timetable_no_index(world, login, who):
    assert login(getattr(world, who)).get(reverse("viescolaire:timetable")).status_code == 404


def test_anonymous_goes_to_login(world, client):
    response = client.get(reverse("viescolaire:week_eleve", args=[world.pupil_a.pk]))
    assert response.status_code == 302 and "/compte/login/" in response["Location"]


def test_unknown_room_or_room_of_another_establishment(world, timetable, login):
    client = login(world.principal_a)
    assert client.get(reverse("viescolaire:week_room", args=[world.etab_a.pk, "Z999"])
                      ).status_code == 404
    assert client.get(reverse("viescolaire:week_room", args=[world.etab_b.pk, "B1"])
                      ).status_code == 404
    assert client.get(reverse("viescolaire:week_room", args=[world.etab_a.pk, "CDI"])
                      ).status_code == 200


def test_a_parent_without_legal_link_sees_nothing(world, timetable, login):
    """The relative with no legal link to pupil_a gets a 404, as for a stranger's child."""
    client = login(world.contact_a)
    assert client.get(reverse("viescolaire:week_eleve", args=[world.pupil_a.pk])
                      ).status_code == 404


def test_a_deactivated_child_is_no_longer_shown_to_the_parent(world, timetable, login):
    from django.utils import timezone

    world.pupil_a.deactivated_at = timezone.now()
    world.pupil_a.save(update_fields=["deactivated_at"])
    assert login(world.parent_a).get(
        reverse("viescolaire:week_eleve", args=[world.pupil_a.pk])).status_code == 404


def test_non_get_is_refused(world, timetable, login):
    response = login(world.teacher_a).post(
        reverse("viescolaire:week_enseignant", args=[world.teacher_a.pk]))
    assert response.status_code == 405

import pytest
from django.urls import reverse


def url(person):
    return reverse("annuaire:person", args=[person.pk])


@pytest.mark.parametrize("viewer, target", [
    ("principal_a", "pupil_a"), ("cpe_a", "pupil_a"), ("doc_a", "parent_a"),
    ("teacher_a", "pupil_a"), ("teacher_a", "parent_a"), ("parent_a", "pupil_a"),
    ("parent_a", "teacher_a"), ("pupil_a", "pupil_a2"), ("pupil_a", "teacher_a"),
    ("academy_admin", "pupil_b"), ("pupil_b", "pupil_b"),
])
def test_card_is_shown_within_reach(world, login, viewer, target):
    response = login(getattr(world, viewer)).get(url(getattr(world, target)))
    assert response.status_code == 200


@pytest.mark.parametrize("viewer, target", [
    ("principal_b", "pupil_a"), ("teacher_b", "pupil_a"), ("teacher_a2", "pupil_a"),
    ("teacher_a", "pupil_a3"), ("teacher_a", "contact_a"), ("parent_a", "pupil_a2"),
    ("parent_b", "pupil_a"), ("pupil_b", "pupil_a"), ("pupil_a", "pupil_a3"),
    ("agent_a", "pupil_a"), ("parent_a", "agent_a"), ("contact_a", "pupil_a"),
])
def test_card_outside_reach_is_404(world, login, viewer, target):
    response = login(getattr(world, viewer)).get(url(getattr(world, target)))
    assert response.status_code == 404


def test_unknown_person_is_404(world, login):
    assert login(world.principal_a).get(reverse("annuaire:person", args=[999999])).status_code == 404


def test_card_shows_rattachements(world, login):
    response = login(world.principal_a).get(url(world.pupil_a))
    text = response.content.decode()
    assert "3A" in text and "3LATIN" in text
    assert world.parent_a.display_name in text and "représentant légal" in text
    assert world.contact_a.display_name in text  # the principal sees every relative
    assert world.pupil_a.login in text
    text = login(world.principal_a).get(url(world.teacher_a)).content.decode()
    assert "MATHEMATIQUES" in text and "Professeur principal" in text
    text = login(world.principal_a).get(url(world.parent_a)).content.decode()
    assert world.pupil_a.display_name in text


def test_parent_sees_no_account_details_nor_other_relatives(world, login):
    text = login(world.parent_a).get(url(world.pupil_a)).content.decode()
    assert world.pupil_a.login not in text
    assert world.contact_a.display_name not in text

"""Staff reach a pupil's or a teacher's week: from the person card, and by a pupil search."""

import pytest
from django.urls import reverse

from tests.factories import PersonFactory, RoleFactory


def _card(client, person):
    response = client.get(reverse("annuaire:person", args=[person.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("who", ["principal_a", "cpe_a", "admin_etab_a", "doc_a",
                                 "academy_admin"])
def test_the_person_card_links_to_the_week_for_staff_who_may_open_it(world, login, who):
    client = login(getattr(world, who))
    html = _card(client, world.pupil_a)
    url = reverse("viescolaire:week_eleve", args=[world.pupil_a.pk])
    assert f'<a class="button secondary" href="{url}">Emploi du temps de DUPONT Léa</a>' in html
    assert client.get(url).status_code == 200
    html = _card(client, world.teacher_a)
    url = reverse("viescolaire:week_enseignant", args=[world.teacher_a.pk])
    assert f'href="{url}">Emploi du temps de MARTIN Hélène</a>' in html


@pytest.mark.parametrize("who", ["teacher_a", "agent_a", "pupil_a2"])
def test_no_link_for_those_who_may_not_open_the_week(world, login, who):
    client = login(getattr(world, who))
    response = client.get(reverse("annuaire:person", args=[world.pupil_a.pk]))
    if response.status_code == 200:
        assert "Emploi du temps de" not in response.content.decode()
    assert client.get(reverse("viescolaire:week_eleve",
                              args=[world.pupil_a.pk])).status_code == 404


def test_a_parent_reaches_their_child_s_week_from_the_card(world, login):
    html = _card(login(world.parent_a), world.pupil_a)
    assert reverse("viescolaire:week_eleve", args=[world.pupil_a.pk]) in html


def test_no_link_on_a_staff_card_that_has_no_timetable(world, login):
    html = _card(login(world.principal_a), world.cpe_a)
    assert "Emploi du temps d" not in html


def test_staff_search_a_pupil_on_the_timetable_index(world, login,
                                                     django_assert_max_num_queries):
    client = login(world.cpe_a)
    for n in range(40):  # more than the list shows
        pupil = PersonFactory(profile="eleve", last_name=f"Dupuis{n}", first_name="Emma")
        RoleFactory(person=pupil, etablissement=world.etab_a, role="eleve")
    url = reverse("viescolaire:timetable")
    assert 'id="edt-eleve" name="eleve"' in client.get(url).content.decode()
    with django_assert_max_num_queries(12):
        response = client.get(url, {"eleve": "dupont lea"})
    html = response.content.decode()
    assert [t.pk for t in response.context["pupils"]] == [world.pupil_a.pk]
    week = reverse("viescolaire:week_eleve", args=[world.pupil_a.pk])
    assert f'<a href="{week}">DUPONT Léa</a>' in html and "1 élève trouvé." in html
    # Another establishment's pupil is never found.
    response = client.get(url, {"eleve": "lefebvre"})
    assert response.context["pupils"] == []
    assert "Aucun élève de l'établissement ne correspond à « lefebvre »." in (
        response.content.decode())
    response = client.get(url, {"eleve": "emma"})
    assert len(response.context["pupils"]) == 30 and response.context["more_pupils"]
    assert "précisez la recherche" in response.content.decode()


def test_the_academy_admin_searches_within_the_chosen_establishment(world, timetable, login):
    client = login(world.academy_admin)
    url = reverse("viescolaire:timetable")
    response = client.get(url, {"etablissement": world.etab_b.pk, "eleve": "lefebvre"})
    assert [t.pk for t in response.context["pupils"]] == [world.pupil_b.pk]


@pytest.mark.parametrize("who", ["teacher_a", "pupil_a", "parent_a"])
def test_no_pupil_search_for_those_who_see_only_their_own(world, login, who):
    response = login(getattr(world, who)).get(reverse("viescolaire:timetable"),
                                              {"eleve": "dupont"}, follow=True)
    assert 'name="eleve"' not in response.content.decode()
    assert not response.context.get("pupils")

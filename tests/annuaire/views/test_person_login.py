import pytest
from django.urls import reverse

from annuaire.models import Person
from tests.factories import PersonFactory


def url(person):
    return reverse("annuaire:person_login", args=[person.pk])


@pytest.mark.parametrize("who", ["principal_a", "admin_etab_a", "academy_admin"])
def test_administrators_rename_a_login(world, login, who):
    client = login(getattr(world, who))
    card = client.get(reverse("annuaire:person", args=[world.pupil_a.pk]))
    assert "Changer l'identifiant" in card.content.decode()
    response = client.post(url(world.pupil_a), {"login": "lea.dupont-martin"}, follow=True)
    assert "Identifiant changé" in response.content.decode()
    world.pupil_a.refresh_from_db()
    assert world.pupil_a.login == "lea.dupont-martin"
    assert world.pupil_a.login_base == "lea.dupont-martin"


@pytest.mark.parametrize("who", ["cpe_a", "doc_a", "teacher_a", "parent_a", "pupil_a2",
                                 "principal_b", "teacher_b", "agent_a"])
def test_others_cannot(world, login, who):
    client = login(getattr(world, who))
    before = world.pupil_a.login
    assert client.post(url(world.pupil_a), {"login": "pirate"}).status_code == 404
    world.pupil_a.refresh_from_db()
    assert world.pupil_a.login == before
    if client.get(reverse("annuaire:person", args=[world.pupil_a.pk])).status_code == 200:
        assert "Changer l" not in client.get(
            reverse("annuaire:person", args=[world.pupil_a.pk])).content.decode()


@pytest.mark.parametrize("new, message", [
    ("Léa.Dupont", "minuscules sans accents"),
    ("-lea", "minuscules sans accents"),
    ("lea dupont", "minuscules sans accents"),
])
def test_bad_logins_are_refused_in_french(world, login, new, message):
    response = login(world.principal_a).post(url(world.pupil_a), {"login": new}, follow=True)
    assert message in response.content.decode()


def test_a_taken_login_is_refused_even_a_deactivated_one(world, login):
    PersonFactory(login="deja.pris", deactivated_at=world.pupil_a.date_joined)
    response = login(world.principal_a).post(url(world.pupil_a), {"login": "deja.pris"},
                                             follow=True)
    assert "« deja.pris » est déjà pris" in response.content.decode()
    assert Person.objects.filter(login="deja.pris").count() == 1

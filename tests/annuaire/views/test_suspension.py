import pytest
from django.urls import reverse
from django.utils import timezone

from annuaire.models import AccountState
from tests.factories import PASSWORD

LOGIN = reverse("account_login")


def card(person):
    return reverse("annuaire:person", args=[person.pk])


def suspend(client, person, reason="Usurpation d'identité"):
    return client.post(reverse("annuaire:person_suspend", args=[person.pk]), {"reason": reason},
                       follow=True)


@pytest.mark.parametrize("who", ["principal_a", "admin_etab_a", "academy_admin"])
def test_administrators_suspend_and_reinstate_from_the_card(world, login, who):
    client = login(getattr(world, who))
    assert "Suspendre le compte" in client.get(card(world.pupil_a)).content.decode()
    text = suspend(client, world.pupil_a).content.decode()
    assert "suspendu : ses sessions ouvertes sont fermées" in text
    assert "Rétablir le compte" in text and "Usurpation d&#x27;identité" in text
    world.pupil_a.refresh_from_db()
    assert world.pupil_a.state == AccountState.SUSPENDU
    listing = client.get(reverse("annuaire:suspended_accounts")).content.decode()
    assert "1 compte suspendu" in listing and world.pupil_a.display_name in listing
    response = client.post(reverse("annuaire:person_reinstate", args=[world.pupil_a.pk]),
                           {"next": reverse("annuaire:suspended_accounts")}, follow=True)
    assert "rétabli" in response.content.decode()
    assert "Aucun compte suspendu" in response.content.decode()
    world.pupil_a.refresh_from_db()
    assert world.pupil_a.state == AccountState.OPERATIONNEL


def test_a_reason_is_required(world, login):
    text = suspend(login(world.principal_a), world.pupil_a, reason="").content.decode()
    assert "Indiquez le motif" in text
    world.pupil_a.refresh_from_db()
    assert world.pupil_a.suspended_at is None


@pytest.mark.parametrize("who", ["principal_b", "teacher_a", "cpe_a", "doc_a", "agent_a",
                                 "parent_a", "pupil_a2", "teacher_b"])
def test_others_cannot_suspend(world, login, who):
    client = login(getattr(world, who))
    assert client.post(reverse("annuaire:person_suspend", args=[world.pupil_a.pk]),
                       {"reason": "x"}).status_code == 404
    listing = client.get(reverse("annuaire:suspended_accounts"))
    # The other collège's principal has their own list, not this one's.
    assert listing.status_code == (200 if who == "principal_b" else 404)
    world.pupil_a.refresh_from_db()
    assert world.pupil_a.suspended_at is None
    response = client.get(card(world.pupil_a))
    if response.status_code == 200:
        assert "Suspendre le compte" not in response.content.decode()


@pytest.mark.parametrize("who", ["principal_b", "teacher_a", "parent_a", "pupil_a2"])
def test_others_cannot_reinstate(world, login, who):
    world.pupil_a.suspended_at = timezone.now()
    world.pupil_a.is_active = False
    world.pupil_a.save()
    client = login(getattr(world, who))
    assert client.post(reverse("annuaire:person_reinstate",
                               args=[world.pupil_a.pk])).status_code == 404
    world.pupil_a.refresh_from_db()
    assert world.pupil_a.suspended_at is not None


def test_a_principal_cannot_suspend_themselves_or_the_academie(world, login):
    client = login(world.principal_a)
    for target in (world.principal_a, world.academy_admin):
        assert client.post(reverse("annuaire:person_suspend", args=[target.pk]),
                           {"reason": "x"}).status_code == 404
    assert "Suspendre le compte" not in client.get(card(world.principal_a)).content.decode()


def test_an_open_session_ends_at_once_with_a_message(world, login, client):
    pupil_client = login(world.pupil_a)
    assert pupil_client.get(reverse("home")).status_code == 200
    from django.test import Client

    principal = Client()
    principal.force_login(world.principal_a)
    suspend(principal, world.pupil_a)
    response = pupil_client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert "Votre compte est suspendu" in pupil_client.get(LOGIN).content.decode()
    assert pupil_client.get(reverse("home")).status_code == 302


def test_a_suspended_person_is_refused_at_login_only_with_the_right_password(world, client):
    world.pupil_a.suspended_at = timezone.now()
    world.pupil_a.suspended_reason = "Motif interne"
    world.pupil_a.is_active = False
    world.pupil_a.save()
    wrong = client.post(LOGIN, {"login": world.pupil_a.login, "password": "pas-le-bon"})
    assert "suspendu" not in wrong.content.decode() and "incorrect" in wrong.content.decode()
    right = client.post(LOGIN, {"login": world.pupil_a.login, "password": PASSWORD})
    text = right.content.decode()
    assert right.status_code == 200 and "Votre compte est suspendu" in text
    assert "Motif interne" not in text
    assert client.get(reverse("home")).status_code == 302


def test_the_suspended_list_is_scoped_and_bounded(world, login, django_assert_max_num_queries):
    for person in (world.pupil_a, world.pupil_a2, world.teacher_a, world.pupil_b):
        person.suspended_at = timezone.now()
        person.suspended_reason = "Test"
        person.save()
    text = login(world.principal_a).get(reverse("annuaire:suspended_accounts")).content.decode()
    assert "3 comptes suspendus" in text and world.pupil_b.display_name not in text
    client = login(world.academy_admin)
    assert "4 comptes suspendus" in client.get(
        reverse("annuaire:suspended_accounts")).content.decode()
    filtered = client.get(reverse("annuaire:suspended_accounts"), {"etab": world.etab_b.pk})
    assert "1 compte suspendu" in filtered.content.decode()
    with django_assert_max_num_queries(9):  # with the header's bell
        client.get(reverse("annuaire:suspended_accounts"))


def test_a_principal_cannot_filter_on_another_establishment(world, login):
    response = login(world.principal_a).get(reverse("annuaire:suspended_accounts"),
                                            {"etab": world.etab_b.pk})
    assert response.status_code == 404

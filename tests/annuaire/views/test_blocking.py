from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from annuaire import blocking
from annuaire.models import LoginBlock
from tests.factories import PASSWORD

LOGIN = reverse("account_login")
P = LoginBlock.BlockedProfile


def etab_url(etab):
    return reverse("annuaire:blocks_etab", args=[etab.pk])


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def form(target="profil", profile="eleves", regroupement="", starts=-1, ends=2,
         message="Fermé pendant les examens", announce="on"):
    now = timezone.now()
    data = {"target": target, "profile": profile, "regroupement": regroupement,
            "starts_at": local(now + timedelta(hours=starts)),
            "ends_at": local(now + timedelta(hours=ends)), "message": message}
    if announce:
        data["announce"] = announce
    return data


@pytest.fixture
def running(world):
    def _running(**kwargs):
        now = timezone.now()
        return blocking.login_block_create(
            acting_user=world.principal_a, etab=world.etab_a,
            starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=2),
            message="Fermé pendant les examens",
            **({"target": "profil", "profile": P.ELEVES} | kwargs))

    return _running


@pytest.mark.parametrize("who", ["principal_a", "admin_etab_a", "academy_admin"])
def test_administrators_block_pupils_from_the_page(world, login, who):
    client = login(getattr(world, who))
    page = client.get(etab_url(world.etab_a))
    assert page.status_code == 200 and "Blocages de connexion" in page.content.decode()
    response = client.post(etab_url(world.etab_a), form(), follow=True)
    text = response.content.decode()
    assert "Blocage enregistré" in text and "Tous les élèves" in text and "En cours" in text
    block = LoginBlock.objects.get()
    assert block.created_by == getattr(world, who) and block.profile == P.ELEVES


def test_a_principal_with_one_establishment_lands_on_its_page(world, login):
    response = login(world.principal_a).get(reverse("annuaire:blocks"))
    assert response.status_code == 302 and response["Location"] == etab_url(world.etab_a)


def test_the_academie_chooses_an_establishment(world, login, running):
    running()
    client = login(world.academy_admin)
    text = client.get(reverse("annuaire:blocks")).content.decode()
    assert "COLLEGE VICTOR HUGO" in text and "Fermé pendant les examens" in text
    response = client.get(reverse("annuaire:blocks"), {"etab": world.etab_b.pk})
    assert response["Location"] == etab_url(world.etab_b)


def test_form_errors_are_shown_in_french(world, login):
    client = login(world.principal_a)
    response = client.post(etab_url(world.etab_a), form(starts=3, ends=2))
    assert response.status_code == 400
    assert "La fin du blocage doit venir après son début" in response.content.decode()
    response = client.post(etab_url(world.etab_a), form(target="etablissement", profile=""))
    assert response.status_code == 400
    assert not LoginBlock.objects.exists()


def test_the_principal_blocks_a_division(world, login):
    client = login(world.principal_a)
    client.post(etab_url(world.etab_a), form(target="division", profile="",
                                             regroupement=world.div_3b.pk))
    block = LoginBlock.objects.get()
    assert block.regroupement == world.div_3b and block.target_label == "Division 3B"


def test_a_division_of_another_establishment_is_refused(world, login):
    response = login(world.principal_a).post(etab_url(world.etab_a), form(
        target="division", profile="", regroupement=world.div_b_3a.pk))
    assert response.status_code == 400 and not LoginBlock.objects.exists()


def test_edit_and_lift(world, login, running):
    block = running()
    client = login(world.principal_a)
    edit = reverse("annuaire:block_edit", args=[block.pk])
    assert "Fermé pendant les examens" in client.get(edit).content.decode()
    client.post(edit, form(profile="parents", message="Avant la rentrée"))
    block.refresh_from_db()
    assert block.profile == P.PARENTS and block.message == "Avant la rentrée"
    response = client.post(reverse("annuaire:block_delete", args=[block.pk]), follow=True)
    assert "Blocage levé" in response.content.decode()
    assert not LoginBlock.objects.exists()


@pytest.mark.parametrize("who", ["principal_b", "teacher_a", "cpe_a", "doc_a", "agent_a",
                                 "parent_a", "pupil_a"])
def test_others_get_404_everywhere(world, login, running, who):
    block = running(target="division", profile="", regroupement=world.div_3b)
    client = login(getattr(world, who))
    assert client.get(etab_url(world.etab_a)).status_code == 404
    assert client.post(etab_url(world.etab_a), form(profile="parents")).status_code == 404
    assert client.get(reverse("annuaire:block_edit", args=[block.pk])).status_code == 404
    assert client.post(reverse("annuaire:block_edit", args=[block.pk]),
                       form(profile="parents")).status_code == 404
    assert client.post(reverse("annuaire:block_delete", args=[block.pk])).status_code == 404
    assert LoginBlock.objects.get().target == "division"
    if who != "principal_b":
        assert client.get(reverse("annuaire:blocks")).status_code == 404


def test_a_blocked_pupil_is_refused_at_login_with_the_message(world, client, running):
    running()
    response = client.post(LOGIN, {"login": world.pupil_a.login, "password": PASSWORD})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Connexion impossible pour le moment : Fermé pendant les examens" in text
    assert client.get(reverse("home")).status_code == 302
    # Others log in.
    response = client.post(LOGIN, {"login": world.parent_a.login, "password": PASSWORD})
    assert response.status_code == 302


def test_the_block_message_needs_the_right_password(world, client, running):
    running(announce=False)
    response = client.post(LOGIN, {"login": world.pupil_a.login, "password": "pas-le-bon"})
    text = response.content.decode()
    assert "Fermé pendant les examens" not in text and "incorrect" in text
    unknown = client.post(LOGIN, {"login": "personne.inconnue", "password": "pas-le-bon"})
    assert unknown.content.decode().count("incorrect") == text.count("incorrect")


def test_the_login_page_opened_for_the_establishment_announces_its_running_blocks(
        world, client, running):
    running()
    running(profile=P.PARENTS, announce=False)
    assert "Connexions fermées en ce moment" not in client.get(LOGIN).content.decode()
    text = client.get(LOGIN, {"etab": world.etab_a.uai}).content.decode()
    assert "Connexions fermées en ce moment" in text
    assert "COLLEGE JEAN MOULIN (LYON)" in text and "Fermé pendant les examens" in text
    assert "Tous les parents" not in text


def test_an_open_session_ends_at_once_when_a_block_starts(world, login, running):
    client = login(world.pupil_a)
    assert client.get(reverse("home")).status_code == 200
    running()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == LOGIN
    page = client.get(LOGIN).content.decode()
    assert "Fermé pendant les examens" in page
    assert client.get(reverse("home")).status_code == 302


def test_htmx_requests_are_sent_to_the_login_page(world, login, running):
    client = login(world.pupil_a)
    running()
    response = client.get(reverse("home"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == LOGIN


def test_the_principal_keeps_their_session(world, login, running):
    client = login(world.principal_a)
    running(profile=P.PERSONNELS)
    assert client.get(reverse("home")).status_code == 200


def test_middleware_cost_is_bounded(world, login, running, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(world.pupil_a2)
    client.get(reverse("home"))
    # Session, user and roles, today's courses and the header's unread notifications: the
    # home page reads them anyway; no block adds nothing.
    with CaptureQueriesContext(connection) as home:
        client.get(reverse("home"))
    assert len(home) <= 5
    running(target="division", profile="", regroupement=world.div_3b)
    # A block runs: the list of blocks once for everyone, the person's divisions once.
    with django_assert_max_num_queries(len(home) + 2):
        assert client.get(reverse("home")).status_code == 200
    with django_assert_max_num_queries(len(home)):
        assert client.get(reverse("home")).status_code == 200


def test_an_academie_block_of_a_whole_establishment_ends_the_principals_session(
        world, login, client):
    from django.test import Client

    principal = Client()
    principal.force_login(world.principal_a)
    assert principal.get(reverse("home")).status_code == 200
    academy = login(world.academy_admin)
    response = academy.post(etab_url(world.etab_a), form(target="etablissement", profile="",
                                                         message="Établissement fermé"))
    assert response.status_code == 302
    assert principal.get(reverse("home"))["Location"] == LOGIN
    assert academy.get(reverse("home")).status_code == 200


def test_the_blocks_page_cost_does_not_grow_with_blocks(world, login, running,
                                                        django_assert_max_num_queries):
    for _ in range(3):
        running()
    client = login(world.principal_a)
    client.get(etab_url(world.etab_a))
    with django_assert_max_num_queries(12):
        response = client.get(etab_url(world.etab_a))
    assert response.content.decode().count('badge error">En cours') == 3

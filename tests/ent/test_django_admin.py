"""Django's admin site: not mounted by default; with ENT_DJANGO_ADMIN, the académie's
administrators only, through the portal's login and its limits."""

import importlib

import pytest
from django.urls import clear_url_caches, reverse

import ent.urls
from tests.factories import PASSWORD

ADMIN = "/django-admin/"


def _urls_reload():
    importlib.reload(ent.urls)
    clear_url_caches()


@pytest.fixture
def admin_on(settings):
    settings.ENT_DJANGO_ADMIN = True
    _urls_reload()
    yield
    settings.ENT_DJANGO_ADMIN = False
    _urls_reload()


def test_off_by_default_even_for_the_academie(world, login):
    client = login(world.academy_admin)
    assert client.get(ADMIN).status_code == 404
    assert client.get(ADMIN + "login/").status_code == 404
    home = client.get(reverse("home")).content.decode()
    assert "Administration technique" not in home


def test_on_the_academie_admin_reaches_it(world, login, admin_on):
    client = login(world.academy_admin)
    assert client.get(ADMIN).status_code == 200
    assert ADMIN in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("role", ["principal_a", "admin_etab_a", "cpe_a", "teacher_a",
                                  "pupil_a", "parent_a", "principal_b"])
def test_on_everyone_else_gets_404(world, client, role, admin_on):
    person = getattr(world, role)
    client.force_login(person)
    for path in (ADMIN, ADMIN + "login/", ADMIN + "password_change/", ADMIN + "annuaire/",
                 ADMIN + "account/emailaddress/"):
        assert client.get(path).status_code == 404, path
    assert "Administration technique" not in client.get(reverse("home")).content.decode()


def test_on_its_login_is_the_portals_with_its_limits(world, client, admin_on, login_clock):
    response = client.get(ADMIN)
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response["Location"].startswith(reverse("account_login"))
    # The admin's own form does not log in: its password check would escape the limits.
    response = client.post(ADMIN + "login/", {"username": world.academy_admin.login,
                                              "password": PASSWORD})
    assert response["Location"].startswith(reverse("account_login"))
    assert client.get(ADMIN).status_code == 302
    # Five wrong passwords at the portal's login delay the next attempt, admin or not.
    for _ in range(5):
        client.post(reverse("account_login"), {"login": world.academy_admin.login,
                                               "password": "faux"})
    client.post(reverse("account_login"), {"login": world.academy_admin.login,
                                           "password": PASSWORD})
    assert client.get(ADMIN).status_code == 302
    login_clock.advance(1)
    client.post(reverse("account_login"), {"login": world.academy_admin.login,
                                           "password": PASSWORD, "next": ADMIN})
    assert client.get(ADMIN).status_code == 200

"""The account actions' « next »: a local path is followed; anything else falls back to the
action's own page, never to an error page or another site."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

BAD_NEXT = ["abc", "annuaire:person", "https://evil.example/", "//evil.example/x",
            "/\\evil.example", "javascript:alert(1)", "http:///x", "/a\x00b", " /x"]


def _suspended(person):
    person.suspended_at = timezone.now()
    person.suspended_reason = "test"
    person.save()
    return person


def _deactivated(person):
    person.deactivated_at = timezone.now() - timedelta(days=3)
    person.is_active = False
    person.save()
    return person


def _card(person):
    return reverse("annuaire:person", args=[person.pk])


@pytest.mark.parametrize("target", BAD_NEXT)
def test_suspend(world, login, target):
    response = login(world.principal_a).post(
        reverse("annuaire:person_suspend", args=[world.pupil_a.pk]),
        {"reason": "Usurpation", "next": target})
    assert response.status_code == 302 and response["Location"] == _card(world.pupil_a)


@pytest.mark.parametrize("target", BAD_NEXT)
def test_reinstate(world, login, target):
    _suspended(world.pupil_a)
    response = login(world.principal_a).post(
        reverse("annuaire:person_reinstate", args=[world.pupil_a.pk]), {"next": target})
    assert response.status_code == 302 and response["Location"] == _card(world.pupil_a)


@pytest.mark.parametrize("target", BAD_NEXT)
def test_reactivate(world, login, target):
    _deactivated(world.pupil_a3)
    response = login(world.principal_a).post(
        reverse("annuaire:person_reactivate", args=[world.pupil_a3.pk]), {"next": target})
    assert response.status_code == 302 and response["Location"] == _card(world.pupil_a3)


@pytest.mark.parametrize("target", BAD_NEXT)
def test_purge(world, login, target):
    _deactivated(world.pupil_a3)
    client = login(world.academy_admin)
    url = reverse("annuaire:person_purge", args=[world.pupil_a3.pk])
    page = client.get(url, {"next": target})
    if "\x00" in target:
        # A NUL in the query string is refused before any view (French 400 page).
        assert page.status_code == 400
    else:
        assert page.status_code == 200 and 'name="next" value=""' in page.content.decode()
    response = client.post(url, {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("annuaire:deactivated_accounts")


def test_a_local_next_is_followed(world, login):
    back = reverse("annuaire:suspended_accounts") + "?etab=1"
    response = login(world.principal_a).post(
        reverse("annuaire:person_suspend", args=[world.pupil_a.pk]),
        {"reason": "Usurpation", "next": back})
    assert response["Location"] == back

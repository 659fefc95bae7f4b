"""The allauth adapter refuses a session to a blocked or suspended person, whatever the flow."""

from datetime import timedelta

from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from annuaire import blocking
from ent.accounts import PortalAccountAdapter


def request_for():
    request = RequestFactory().get("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def pre_login(person):
    request = request_for()
    response = PortalAccountAdapter(request).pre_login(
        request, person, email_verification="none", signal_kwargs=None, email=None,
        signup=False, redirect_url=None)
    return request, response


def test_pre_login_lets_an_ordinary_person_in(world):
    assert pre_login(world.pupil_a)[1] is None


def test_pre_login_refuses_a_blocked_person_with_the_message(world):
    now = timezone.now()
    blocking.login_block_create(acting_user=world.principal_a, etab=world.etab_a, target="profil",
                                profile="eleves", starts_at=now - timedelta(minutes=5),
                                ends_at=now + timedelta(hours=1), message="Avant la rentrée")
    request, response = pre_login(world.pupil_a)
    assert response.status_code == 302 and response["Location"] == reverse("account_login")
    assert "Avant la rentrée" in next(str(m) for m in get_messages(request))


def test_pre_login_refuses_a_suspended_person(world):
    world.pupil_a.suspended_at = timezone.now()
    request, response = pre_login(world.pupil_a)
    assert response.status_code == 302
    assert "suspendu" in next(str(m) for m in get_messages(request))

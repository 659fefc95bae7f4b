"""The account pages and e-mails are the portal's own: French, named after ENT_SITE_NAME, in
the activation pages' style, with no dead end."""

import html
import re
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Un-nouveau-mot-de-passe-9"
PROJECT_TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _text(response):
    return html.unescape(response.content.decode())


def _own_templates_only(response):
    """Every account template the page used comes from the portal, none from allauth."""
    used = [t for t in response.templates if t.name.startswith(("account/", "allauth/"))]
    assert used, "aucun gabarit de compte"
    for template in used:
        assert Path(template.origin.name).is_relative_to(PROJECT_TEMPLATES), template.origin.name


@pytest.fixture
def confirmed(world):
    EmailAddress.objects.create(user=world.parent_a, email="sophie@example.org", verified=True,
                                primary=True)
    return world.parent_a


def _reset_link(client, mailoutbox, email="sophie@example.org"):
    client.post(reverse("account_reset_password"), {"email": email})
    body = mailoutbox[-1].body
    return re.search(r"https?://[^/\s]+(/compte/password/reset/key/\S+)", body).group(1)


def test_a_wrong_password_says_identifiant_not_pseudo(world, client):
    page = _text(client.post(reverse("account_login"),
                             {"login": world.teacher_a.login, "password": "faux"}))
    assert "Identifiant ou mot de passe incorrect." in page
    assert "pseudo" not in page


def test_every_account_page_is_the_portal_s_own(world, client, confirmed, mailoutbox, settings):
    settings.ENT_SITE_NAME = "ENT Rhône"
    anonymous = [reverse("account_login"), reverse("account_reset_password"),
                 reverse("account_reset_password_done"), reverse("account_signup"),
                 reverse("account_inactive"), reverse("account_email_verification_sent"),
                 reverse("account_reset_password_from_key_done"),
                 reverse("account_confirm_email", args=["cle-inconnue"]),
                 reverse("account_reset_password_from_key", args=["1", "cle-inconnue"]),
                 _reset_link(client, mailoutbox)]
    for url in anonymous:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        _own_templates_only(response)
        assert "— ENT Rhône</title>" in response.content.decode(), url
    client.force_login(world.parent_a)
    for url in (reverse("account_logout"), reverse("account_change_password"),
                reverse("account_email"), reverse("account_reauthenticate")):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        _own_templates_only(response)


def test_password_change_shows_the_rules_and_goes_home(world, login):
    client = login(world.teacher_a)
    url = reverse("account_change_password")
    page = _text(client.get(url))
    assert 'data-strength="password-strength"' in page and 'data-rule="length"' in page
    assert '<label for="id_oldpassword">Mot de passe actuel</label>' in page
    assert "password-strength.js" in page
    wrong = _text(client.post(url, {"oldpassword": "faux", "password1": "court",
                                    "password2": "autre"}))
    # Every error at once: allauth compared the confirmation only once the password passed.
    assert "3 erreurs à corriger" in wrong and '<a href="#id_oldpassword">' in wrong
    assert '<a href="#id_password2">' in wrong and "ne sont pas identiques" in wrong
    response = client.post(url, {"oldpassword": PASSWORD, "password1": NEW_PASSWORD,
                                 "password2": NEW_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Votre nouveau mot de passe est enregistré." in _text(response)


def test_forgotten_password_mail_and_pages_end_on_se_connecter(
        world, client, confirmed, mailoutbox, settings):
    settings.ENT_SITE_NAME = "ENT Rhône"
    link = _reset_link(client, mailoutbox)
    mail = mailoutbox[-1]
    assert mail.subject == "[ENT Rhône] Choisir un nouveau mot de passe"
    assert mail.body.startswith("Bonjour,\n")
    assert "c'est" not in mail.body and "testserver" not in mail.body.split("\n")[0]
    assert world.parent_a.login in mail.body and "ENT Rhône" in mail.body
    form_url = client.get(link).url  # allauth hides the key behind a redirect
    page = _text(client.get(form_url))
    assert "Choisir un nouveau mot de passe" in page and 'data-rule="length"' in page
    assert world.parent_a.login in page
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
                           follow=True)
    done = _text(response)
    assert "Mot de passe modifié" in done
    assert f'<a class="button" href="{reverse("account_login")}">Se connecter</a>' in done
    world.parent_a.refresh_from_db()
    assert world.parent_a.check_password(NEW_PASSWORD)
    # The link has served: it says so, and leads on.
    spent = _text(client.get(form_url, follow=True))
    assert "Lien expiré" in spent and "Recevoir un nouveau lien" in spent


def test_an_unconfirmed_address_gets_a_french_mail_and_no_link(world, client, mailoutbox):
    EmailAddress.objects.create(user=world.parent_a, email="pas.confirmee@example.org",
                                verified=False)
    client.post(reverse("account_reset_password"), {"email": "pas.confirmee@example.org"})
    mail = mailoutbox[-1]
    assert mail.subject == f"[{settings.ENT_SITE_NAME}] Mot de passe oublié"
    assert "aucun compte n'a confirmé cette adresse" in mail.body
    assert "/compte/password/reset/key/" not in mail.body


def test_adding_an_address_asks_for_the_current_password(world, login, mailoutbox):
    """That address could reset the password: a session left open is not enough to add it."""
    client = login(world.teacher_a)
    url = reverse("account_email")
    page = _text(client.get(url))
    assert '<label for="id_password">Votre mot de passe actuel</label>' in page
    for password in ("", "faux"):
        response = _text(client.post(url, {"action_add": "", "email": "intrus@example.org",
                                           "password": password}))
        assert "1 erreur à corriger" in response and '<a href="#id_password">' in response
    assert not EmailAddress.objects.filter(email="intrus@example.org").exists()
    assert not mailoutbox
    client.post(url, {"action_add": "", "email": "helene@example.org", "password": PASSWORD})
    address = EmailAddress.objects.get(user=world.teacher_a)
    assert address.email == "helene@example.org" and not address.verified
    mail = mailoutbox[-1]
    assert mail.subject == f"[{settings.ENT_SITE_NAME}] Confirmez votre adresse électronique"
    assert mail.body.startswith("Bonjour,\n") and world.teacher_a.login in mail.body
    link = re.search(r"https?://[^/\s]+(/compte/confirm-email/\S+)", mail.body).group(1)
    page = _text(client.get(link))
    assert "Confirmer cette adresse" in page and "helene@example.org" in page
    client.post(link)
    address.refresh_from_db()
    assert address.verified
    listed = _text(client.get(url))
    assert "confirmée" in listed and "Modifier mon mot de passe" in listed


def test_rester_connecte_lasts_the_setting_s_days(world, client):
    assert settings.ENT_SESSION_REMEMBER_DAYS == 7
    page = _text(client.get(reverse("account_login")))
    assert "Rester connecté sur cet appareil (7 jours)" in page
    client.post(reverse("account_login"), {"login": world.teacher_a.login,
                                           "password": PASSWORD, "remember": "on"})
    assert client.session.get_expiry_age() == 7 * 24 * 3600
    assert not client.session.get_expire_at_browser_close()
    client.logout()
    client.post(reverse("account_login"), {"login": world.teacher_a.login,
                                           "password": PASSWORD})
    assert client.session.get_expire_at_browser_close()

import html

import pytest
from django.urls import reverse

from annuaire.activation import services
from annuaire.models import CharteAcceptance, EtabAccountSettings

pytestmark = pytest.mark.django_db
START = reverse("activation_start")
FINISH = reverse("activation_finish")
PASSWORD = "Un-mot-de-passe-solide-7"


@pytest.fixture
def parent_code(world):
    world.parent_a.activated_at = None
    world.parent_a.set_unusable_password()
    world.parent_a.save()
    codes, _ = services.codes_issue(persons=[world.parent_a])
    return world.parent_a, codes[world.parent_a.pk]


def test_login_page_links_to_activation_and_recovery(client):
    page = client.get(reverse("account_login")).content.decode()
    assert START in page and reverse("account_reset_password") in page


def test_whole_activation(client, world, parent_code, mailoutbox):
    EtabAccountSettings.objects.create(etablissement=world.etab_a,
                                       charte="Je respecte les autres utilisateurs.")
    parent, code = parent_code
    response = client.post(START, {"login": parent.login, "code": code.lower()})
    assert response.status_code == 302 and response.url == FINISH
    page = client.get(FINISH).content.decode()
    assert "Je respecte les autres utilisateurs." in page and parent.login in page
    response = client.post(FINISH, {"password1": PASSWORD, "password2": PASSWORD,
                                    "email": "sophie.dupont@example.org"})
    assert "accepter la charte" in response.content.decode()
    response = client.post(FINISH, {"password1": PASSWORD, "password2": PASSWORD,
                                    "accept_charte": "on", "email": "sophie.dupont@example.org"})
    assert response.status_code == 302 and response.url == reverse("home")
    parent.refresh_from_db()
    assert parent.activated_at and parent.check_password(PASSWORD)
    assert CharteAcceptance.objects.filter(person=parent).count() == 1
    assert mailoutbox and "sophie.dupont@example.org" in mailoutbox[0].to
    home = client.get(reverse("home"))
    assert home.status_code == 200 and "Votre compte est activé" in home.content.decode()
    # The code is spent.
    client.logout()
    again = client.post(START, {"login": parent.login, "code": code})
    assert "déjà activé" in again.content.decode()


def test_weak_or_mismatched_passwords_are_refused(client, parent_code):
    parent, code = parent_code
    client.post(START, {"login": parent.login, "code": code})
    page = client.post(FINISH, {"password1": "court", "password2": "court"}).content.decode()
    assert "trop court" in page
    page = client.post(FINISH, {"password1": PASSWORD, "password2": PASSWORD + "x"})
    assert "ne sont pas identiques" in page.content.decode()
    parent.refresh_from_db()
    assert parent.activated_at is None


def test_finish_without_a_checked_code_goes_back(client):
    response = client.get(FINISH)
    assert response.status_code == 302 and response.url == START


def test_wrong_codes_are_rate_limited(client, parent_code, login_clock):
    parent, code = parent_code
    for _ in range(5):
        page = client.post(START, {"login": parent.login, "code": "AAAAA-AAAAA"})
        assert "incorrect" in page.content.decode()
    page = html.unescape(client.post(START, {"login": parent.login, "code": code}).content.decode())
    assert "Trop d'essais infructueux pour cet identifiant : réessayez dans 1 seconde." in page
    parent.refresh_from_db()
    assert parent.activated_at is None
    login_clock.advance(1)
    response = client.post(START, {"login": parent.login, "code": code})
    assert response.status_code == 302 and response.url == FINISH


def test_wrong_codes_and_wrong_passwords_share_one_count(client, parent_code, login_clock):
    parent, code = parent_code
    for _ in range(3):
        client.post(reverse("account_login"), {"login": parent.login, "password": "faux"})
    for _ in range(2):
        client.post(START, {"login": parent.login, "code": "AAAAA-AAAAA"})
    page = html.unescape(client.post(START, {"login": parent.login, "code": code}).content.decode())
    assert "Trop d'essais infructueux" in page


def test_a_class_activates_from_one_address(world, login_clock):
    """30 parents at a réunion de rentrée, on the collège's Wi-Fi, a third mistyping first."""
    from django.test import Client

    from tests.factories import PersonFactory

    parents = PersonFactory.create_batch(30, activated_at=None)
    codes, _ = services.codes_issue(persons=parents)
    for n, parent in enumerate(parents):
        browser = Client(REMOTE_ADDR="192.0.2.10")
        if n % 3 == 0:
            page = browser.post(START, {"login": parent.login, "code": "AAAAA-AAAAA"})
            assert "incorrect" in page.content.decode()
        response = browser.post(START, {"login": parent.login, "code": codes[parent.pk]})
        assert response.status_code == 302 and response.url == FINISH, parent.login


def test_password_reset_mails_only_a_confirmed_address(client, world, mailoutbox):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=world.parent_a, email="a@example.org", verified=False)
    EmailAddress.objects.create(user=world.teacher_a, email="b@example.org", verified=True)
    client.post(reverse("account_reset_password"), {"email": "a@example.org"})
    client.post(reverse("account_reset_password"), {"email": "b@example.org"})
    assert [m.to for m in mailoutbox if "b@example.org" in m.to]
    assert not [m for m in mailoutbox if "a@example.org" in m.to and "réinitialis" in m.body.lower()
                and world.parent_a.login in m.body]


def test_email_given_at_activation_is_confirmed_by_its_link(client, parent_code, mailoutbox):
    import re

    from allauth.account.models import EmailAddress

    parent, code = parent_code
    client.post(START, {"login": parent.login, "code": code})
    client.post(FINISH, {"password1": PASSWORD, "password2": PASSWORD,
                         "email": "sophie.dupont@example.org"})
    link = re.search(r"https?://[^/\s]+(/compte/confirm-email/\S+)", mailoutbox[0].body).group(1)
    assert client.get(link).status_code == 200
    client.post(link)
    assert EmailAddress.objects.get(user=parent).verified
    assert client.get(reverse("account_reset_password")).status_code == 200


def test_a_blocked_profile_cannot_activate_and_reads_why(client, world, parent_code):
    import datetime

    from django.utils import timezone

    from annuaire.blocking import login_block_create

    parent, code = parent_code
    now = timezone.now()
    login_block_create(acting_user=world.principal_a, etab=world.etab_a, target="profil",
                       profile="parents", starts_at=now - datetime.timedelta(hours=1),
                       ends_at=now + datetime.timedelta(days=1),
                       message="Ouverture de l'ENT aux familles le 1er septembre.")
    page = client.post(START, {"login": parent.login, "code": code}).content.decode()
    assert "Ouverture de l" in page
    assert client.get(FINISH).status_code == 302


def test_password_reset_page_says_what_to_do_without_an_address(client, db):
    page = client.get(reverse("account_reset_password")).content.decode()
    assert '<label for="id_email">Adresse électronique</label>' in page
    assert "nouvelle fiche de connexion" in page
    assert f'href="{reverse("activation_start")}"' in page
    assert f'href="{reverse("account_login")}"' in page
    done = client.post(reverse("account_reset_password"), {"email": "personne@example.org"},
                       follow=True).content.decode()
    # Nothing is sent to an unknown address: the page must not claim it was.
    assert "Si cette adresse est enregistrée et confirmée" in done
    assert "nouvelle fiche de connexion" in done


def test_every_error_is_reported_at_once_in_a_summary_linked_to_its_field(
        client, world, parent_code):
    """A weak password, a different confirmation, the charte left unticked and a wrong address:
    one round trip lists all four at the top, each a link to its field's id."""
    import html

    EtabAccountSettings.objects.create(etablissement=world.etab_a, charte="Respect.")
    parent, code = parent_code
    client.post(START, {"login": parent.login, "code": code})
    page = html.unescape(client.post(FINISH, {
        "password1": "court", "password2": "autre", "email": "pas-une-adresse"}).content.decode())
    summary = page[page.index("data-error-summary"):page.index("</div>", page.index(
        "data-error-summary"))]
    assert "4 erreurs à corriger" in summary
    for anchor in ("#id_password1", "#id_password2", "#id_accept_charte", "#id_email"):
        assert f'<a href="{anchor}">' in summary, anchor
    assert "trop court" in summary and "ne sont pas identiques" in summary
    assert "accepter la charte" in summary and "adresse de courriel valide" in summary
    for field in ("id_password1", "id_password2", "id_accept_charte", "id_email"):
        assert f'id="{field}"' in page


def test_the_start_page_sums_up_its_errors_too(client, parent_code):
    import html

    page = html.unescape(client.post(START, {"login": "", "code": ""}).content.decode())
    assert "2 erreurs à corriger" in page
    assert '<a href="#id_login">Identifiant : ' in page
    assert '<a href="#id_code">Code d\'activation : ' in page
    parent, _ = parent_code
    page = html.unescape(client.post(START, {"login": parent.login, "code": "AAAAA-AAAAA"}
                                     ).content.decode())
    assert "1 erreur à corriger" in page and "Identifiant ou code d'activation incorrect" in page

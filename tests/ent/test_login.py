from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD

LOGIN = reverse("account_login")


def test_login_and_logout(world, client):
    response = client.post(LOGIN, {"login": world.teacher_a.login, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_is_refused_in_french(world, client):
    response = client.post(LOGIN, {"login": world.teacher_a.login, "password": "nope"})
    assert response.status_code == 200
    assert "incorrect" in response.content.decode()


def test_deactivated_account_cannot_log_in(world, client):
    world.pupil_a.deactivated_at = timezone.now()
    world.pupil_a.is_active = False
    world.pupil_a.save()
    response = client.post(LOGIN, {"login": world.pupil_a.login, "password": PASSWORD})
    assert client.get(reverse("home")).status_code == 302
    assert response.status_code != 302 or response["Location"] != reverse("home")


def test_login_page_has_labelled_fields(client, db):
    text = client.get(LOGIN).content.decode()
    assert '<label for="id_login">Identifiant</label>' in text
    assert '<label for="id_password">Mot de passe</label>' in text

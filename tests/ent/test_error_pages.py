"""Error pages: French, in the portal's layout (phone viewport, header), with a way back."""

from django.test import Client, RequestFactory
from django.urls import reverse

from ent import urls, views


def _portal_page(response):
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert 'name="viewport"' in html
    assert f'href="{reverse("home")}"' in html and "Retour à l'accueil" in html
    assert "Not Found" not in html and "Forbidden" not in html
    return html


def test_unknown_address_answers_the_french_404(client, db):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in _portal_page(response)


def test_an_object_out_of_reach_answers_the_same_404_page(world, login):
    response = login(world.parent_a).get(
        reverse("viescolaire:week_eleve", args=[world.pupil_b.pk]))
    assert response.status_code == 404
    html = _portal_page(response)
    assert "Page introuvable" in html
    assert world.parent_a.display_name in html  # still signed in: the header says who


def test_an_expired_form_says_so_in_french(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"),
                           {"login": world.pupil_a.login, "password": "x"})
    assert response.status_code == 403
    assert "Formulaire expiré" in _portal_page(response)


def test_server_error_page_stands_without_the_request(settings):
    assert urls.handler500 == "ent.views.server_error"
    settings.ENT_SITE_NAME = "ENT Lyon"
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = _portal_page(response)
    assert "Une erreur est survenue" in html and ">ENT Lyon</a>" in html

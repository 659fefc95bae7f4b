"""Pages met on a phone outside the main flows: what a user trips on at 375 px wide."""

import pytest
from playwright.sync_api import expect

from tests.factories import PersonFactory

SMALL_PHONE = {"width": 375, "height": 667}


@pytest.fixture
def small_phone(browser):
    context = browser.new_context(viewport=SMALL_PHONE, locale="fr-FR", is_mobile=True,
                                  has_touch=True)
    context.set_default_timeout(15000)
    yield context.new_page()
    context.close()


def _no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_dead_link_lands_on_a_french_page_with_a_way_home(
        small_phone, live_server, sign_in, axe_check, transactional_db):
    person = PersonFactory(profile="eleve")
    page = sign_in(small_phone, person)
    response = page.goto(f"{live_server.url}/emploi-du-temps/eleve/999999/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    _no_horizontal_scroll(page)
    axe_check(page)
    page.get_by_role("link", name="Retour à l'accueil").click()
    expect(page).to_have_url(f"{live_server.url}/")


def test_accounts_board_stays_within_the_phone_width(
        world, small_phone, live_server, sign_in, axe_check):
    # Accounts waiting for activation: each line gets its « relance » button, whose hidden
    # words (« de 3A à réimprimer ») once escaped the table's scroll box and widened the page.
    Person = type(world.pupil_a)
    Person.objects.filter(pk__in=[world.pupil_a.pk, world.pupil_a2.pk, world.pupil_a3.pk,
                                  world.parent_a.pk]).update(activated_at=None)
    page = sign_in(small_phone, world.principal_a)
    page.goto(f"{live_server.url}/annuaire/comptes/{world.etab_a.pk}/")
    expect(page.get_by_role("button", name="Élèves : 2 fiches de 3A à réimprimer")).to_be_attached()
    assert page.evaluate("window.innerWidth") == SMALL_PHONE["width"]
    _no_horizontal_scroll(page)
    axe_check(page)


def test_form_controls_fit_a_thumb_and_the_card(
        world, small_phone, live_server, sign_in, axe_check):
    page = sign_in(small_phone, world.principal_a)
    page.goto(f"{live_server.url}/annuaire/comptes/{world.etab_a.pk}/parametres/")
    card = page.locator("form.card").bounding_box()
    charte = page.get_by_label("Charte d'usage").bounding_box()
    assert charte["x"] + charte["width"] <= card["x"] + card["width"]
    box = page.get_by_label("La vie scolaire peut remettre un nouveau code d'activation")
    label = page.locator("label[for=id_vie_scolaire_reissues_codes]").bounding_box()
    box_at = box.bounding_box()
    assert box_at["width"] >= 20 and box_at["height"] >= 20
    assert box_at["x"] < label["x"], "la case est devant son libellé"
    _no_horizontal_scroll(page)
    axe_check(page)

    page.goto(f"{live_server.url}/emploi-du-temps/")
    page.get_by_role("link", name="3A").click()
    page.locator("summary", has_text="Aller à une autre semaine").click()
    assert page.get_by_label("Aller à la semaine du").bounding_box()["height"] >= 44
    _no_horizontal_scroll(page)


def test_forgotten_password_points_to_the_establishment(small_phone, live_server, axe_check,
                                                        transactional_db):
    page = small_phone
    page.goto(f"{live_server.url}/compte/login/")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe oublié")
    _no_horizontal_scroll(page)
    axe_check(page)
    page.get_by_role("textbox", name="Adresse électronique").fill("inconnu@example.org")
    page.get_by_role("button", name="Recevoir le lien").click()
    expect(page.get_by_role("status")).to_contain_text("Si cette adresse est enregistrée")
    axe_check(page)
    page.get_by_role("link", name="J'ai un nouveau code : activer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activer mon compte")

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

"""The header's menu at 390×844: a button folding the services, opened without a script."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import PHONE


def _no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_menu_is_a_button_on_a_phone_without_javascript(world, browser, live_server,
                                                           sign_in):
    context = browser.new_context(viewport=PHONE, locale="fr-FR", is_mobile=True,
                                  has_touch=True, java_script_enabled=False)
    context.set_default_timeout(15000)
    page = context.new_page()
    try:
        sign_in(page, world.principal_a)
        services = page.get_by_role("navigation", name="Services")
        # Folded: the services are one button away, not a screen of links before the page.
        expect(services.get_by_role("link", name="Annuaire")).to_be_hidden()
        menu = page.locator("summary", has_text="Menu")
        expect(menu).to_be_visible()
        menu.click()
        expect(services.get_by_role("link", name="Accueil")).to_have_attribute(
            "aria-current", "page")
        services.get_by_role("link", name="Emploi du temps").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Emploi du temps")
        page.locator("summary", has_text="Menu").click()
        current = page.get_by_role("navigation", name="Services").locator("[aria-current]")
        expect(current).to_have_text("Emploi du temps")
        _no_horizontal_scroll(page)
    finally:
        context.close()


def test_the_menu_on_a_phone_passes_axe(world, phone, live_server, sign_in, axe_check):
    page = sign_in(phone, world.academy_admin)
    page.locator("summary", has_text="Menu").click()
    services = page.get_by_role("navigation", name="Services")
    # Every service of the académie, its Administration, journal of actions and Appel included.
    expect(services.get_by_role("link")).to_have_count(13)
    _no_horizontal_scroll(page)
    axe_check(page)
    services.get_by_role("link", name="Désactivés").click()
    expect(page).to_have_url(re.compile(r"/annuaire/comptes/desactives/$"))


def test_the_menu_is_a_bar_on_a_desktop(world, desktop, live_server, sign_in, axe_check):
    page = sign_in(desktop, world.teacher_a)
    expect(page.locator("summary", has_text="Menu")).to_be_hidden()
    services = page.get_by_role("navigation", name="Services")
    links = services.get_by_role("link")
    expect(links).to_have_text(["Accueil", "Annuaire", "Emploi du temps", "Cahier de textes",
                                "Appel"])
    boxes = [links.nth(n).bounding_box() for n in range(3)]
    assert boxes[0]["y"] == boxes[1]["y"] == boxes[2]["y"] and boxes[1]["x"] > boxes[0]["x"]
    services.get_by_role("link", name="Annuaire").click()
    expect(page.get_by_role("navigation", name="Services").locator("[aria-current]")).to_have_text(
        "Annuaire")
    axe_check(page)

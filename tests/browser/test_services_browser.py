"""Administration > Services on a phone: the principal switches the timetable off for parents,
and a parent no longer sees it; axe finds nothing serious on either page."""

from playwright.sync_api import expect


def test_the_principal_switches_a_service_off_for_parents(world, browser, phone, live_server,
                                                          sign_in, axe_check):
    page = sign_in(phone, world.principal_a)
    page.locator("summary", has_text="Menu").click()
    page.get_by_role("navigation", name="Services").get_by_role(
        "link", name="Administration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration")
    page.get_by_role("link", name="Services — COLLEGE JEAN MOULIN (LYON)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Services")
    box = page.get_by_label("Emploi du temps pour les parents")
    expect(box).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    axe_check(page)
    box.uncheck()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Les services ont été enregistrés.")
    expect(page.get_by_label("Emploi du temps pour les parents")).not_to_be_checked()
    page.context.clear_cookies()

    page = sign_in(page, world.parent_a)
    services = page.get_by_role("region", name="Mes services")
    expect(services.get_by_role("link", name="Annuaire")).to_be_visible()
    expect(services.get_by_text("Emploi du temps")).to_have_count(0)
    page.locator("summary", has_text="Menu").click()
    menu = page.get_by_role("navigation", name="Services")
    expect(menu.get_by_role("link")).to_have_text(["Accueil", "Annuaire", "Cahier de textes",
                                                   "Appel"])
    axe_check(page)
    response = page.goto(f"{live_server.url}/emploi-du-temps/")
    assert response.status == 404

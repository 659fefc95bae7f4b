import re

from playwright.sync_api import expect


def test_teacher_finds_and_prints_a_class_list_on_a_phone(world, phone, live_server, sign_in,
                                                         axe_check):
    page = sign_in(phone, world.teacher_a)
    page.goto(f"{live_server.url}/annuaire/")
    page.get_by_label("Nom, prénom").fill("3a")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("status")).to_have_text("3 personnes")
    axe_check(page)
    page.get_by_role("link", name="Liste imprimable de 3A").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Liste de la classe 3A")
    expect(page.get_by_role("button", name="Imprimer la liste")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("DUPONT"))).to_be_visible()
    # No sideways scroll on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    axe_check(page)
    # On paper: the list alone, without header nor buttons.
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Imprimer la liste")).to_be_hidden()
    expect(page.get_by_role("row", name=re.compile("DUPONT"))).to_be_visible()

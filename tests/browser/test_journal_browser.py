"""The journal of actions on a phone: cards, filters by keyboard, axe."""

import pytest
from playwright.sync_api import expect

from annuaire import services

pytestmark = pytest.mark.browser


def test_a_principal_reads_and_filters_the_journal_on_a_phone(world, phone, live_server,
                                                               sign_in, axe_check):
    services.account_suspend(person=world.pupil_a, reason="Usurpation d'identité",
                             acting_user=world.principal_a)
    services.person_login_rename(person=world.pupil_a2, new_login="noe.bernard2",
                                 acting_user=world.principal_a)
    page = sign_in(phone, world.principal_a)
    page.goto(f"{live_server.url}/journal/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Journal des actions")
    rows = page.locator("table.cards tbody tr")
    expect(rows).to_have_count(2)
    axe_check(page)
    page.get_by_label("Action", exact=True).select_option("account_suspend")
    page.get_by_role("button", name="Filtrer").press("Enter")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Motif : Usurpation d'identité")
    scroll = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert scroll <= 0

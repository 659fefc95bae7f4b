"""Tables of records on a phone (390×844): one card per row, the key column first."""

import datetime

from playwright.sync_api import expect

from imports.models import TimetableImport
from tests.browser.conftest import PHONE


def _no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _card_order(row):
    """The cells of a card, top to bottom, by their column's name."""
    cells = row.locator("td, th")
    boxes = [(cells.nth(n).bounding_box()["y"], cells.nth(n).get_attribute("data-label") or "")
             for n in range(cells.count())]
    return [label for _, label in sorted(boxes)]


def test_the_activation_board_puts_the_relance_first(world, phone, live_server, sign_in,
                                                     axe_check):
    Person = type(world.pupil_a)
    Person.objects.filter(pk__in=[world.pupil_a.pk, world.pupil_a2.pk]).update(
        activated_at=None)
    page = sign_in(phone, world.principal_a)
    page.goto(f"{live_server.url}/annuaire/comptes/{world.etab_a.pk}/")
    relance = page.get_by_role("button", name="Élèves : 2 fiches de 3A à réimprimer")
    expect(relance).to_be_visible()
    # Fully on screen, not off to the right of a scrolling table.
    box = relance.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    row = page.locator("#par-division ~ .table-wrap tbody tr").first
    assert _card_order(row)[:2] == ["", "Relance"]  # the division's name, then its relance
    # Each value under its column's name.
    cell = row.locator("td[data-label='Élèves activés']")
    assert cell.evaluate("el => getComputedStyle(el, '::before').content") == '"Élèves activés : "'

    _no_horizontal_scroll(page)
    axe_check(page)


def test_timetable_imports_show_state_and_decision_first(world, phone, live_server, sign_in,
                                                        axe_check):
    TimetableImport.objects.create(
        etablissement=world.etab_a, status="valide", decided_by=world.principal_a,
        decided_at=datetime.datetime(2026, 9, 1, 10, tzinfo=datetime.UTC))
    page = sign_in(phone, world.principal_a)
    page.goto(f"{live_server.url}/emploi-du-temps/imports/{world.etab_a.pk}/")
    row = page.locator("table.cards tbody tr").first
    expect(row).to_be_visible()
    assert _card_order(row)[:3] == ["", "État", "Décision"]
    _no_horizontal_scroll(page)
    axe_check(page)

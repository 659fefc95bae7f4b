"""The bell and the notification pages on a phone: reachable, readable, accessible."""

from playwright.sync_api import expect

from ent.notifications.jobs import TIMETABLE
from ent.notifications.services import notification_send


def test_bell_list_and_preferences_on_a_phone(world, phone, live_server, sign_in, axe_check):
    for title in ("Bilan préliminaire de l'emploi du temps prêt", "Emploi du temps validé"):
        notification_send(recipients=[world.principal_a], kind=TIMETABLE.code, title=title,
                          url="/emploi-du-temps/imports/")
    page = sign_in(phone, world.principal_a)
    bell = page.get_by_role("link", name="Notifications, 2 non lues")
    expect(bell).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    axe_check(page)
    page.get_by_role("button", name="Marquer comme lue : Emploi du temps validé").click()
    expect(page.get_by_role("link", name="Notifications, 1 non lue")).to_be_visible()
    page.get_by_role("link", name="Courriels et pause numérique").click()
    expect(page.get_by_label("Début de la pause")).to_have_value("19:00")
    axe_check(page)
    page.get_by_label("Jamais").first.check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Vos préférences de notification sont enregistrées.")).to_be_visible()

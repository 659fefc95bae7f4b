"""The real EDT sample, validated, then read by its teacher on a phone and on a desktop."""

import datetime
import os
import re

import pytest
from playwright.sync_api import expect

from imports import services
from tests.conftest import SAMPLES
from tests.factories import EtablissementFactory, PersonFactory, RoleFactory
from tests.samples import samples_missing
from viescolaire.models import Seance

EDT = SAMPLES / "service-cahiertextes" / "Edt_To_LaclasseCom_0134567A_Enclair.xml"
WEEK = "2013-09-16"


@pytest.fixture
def bachelet(transactional_db):
    if not EDT.exists():
        samples_missing("l'échantillon EDT (../shared/samples/service-cahiertextes) est absent")
    etab = EtablissementFactory(uai="0134567A", name="COLLEGE DE DEMONSTRATION")
    teacher = PersonFactory(profile="enseignant", first_name="Hélène", last_name="Bachelet")
    RoleFactory(person=teacher, etablissement=etab, role="enseignant")
    imp = services.timetable_import_create(etab=etab, files=[(EDT.name, EDT.read_bytes())])
    imp = services.timetable_import_analyse(import_id=imp.pk)
    services.timetable_import_validate(imp=imp, acting_user=None, today=datetime.date(2013, 9, 1))
    monday = datetime.date.fromisoformat(WEEK)
    mine = Seance.objects.filter(cours__enseignants=teacher,
                                 date__range=(monday, monday + datetime.timedelta(days=6)))
    assert mine.exists(), "l'échantillon donne des cours à Hélène Bachelet cette semaine-là"
    # What the import does not fill yet: a cancellation, a replacement and a room change.
    first, second = mine.order_by("date", "start")[:2]
    Seance.objects.filter(pk=first.pk).update(cancelled=True)
    stand_in = PersonFactory(profile="enseignant", first_name="Paul", last_name="Remplaçant")
    Seance.objects.filter(pk=second.pk).update(remplacant=stand_in, salle="CDI")
    return teacher, mine.count()


def _day_boxes(page):
    return [page.locator(".edt-day").nth(n).bounding_box() for n in range(2)]


def test_teacher_week_on_a_phone(bachelet, phone, live_server, sign_in, axe_check):
    teacher, count = bachelet
    page = sign_in(phone, teacher)
    page.get_by_role("link", name=re.compile("Emploi du temps")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emploi du temps")
    axe_check(page)
    page.get_by_role("link", name="Mon emploi du temps").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon emploi du temps")
    # The date picker is a plain GET form, folded: no script needed.
    page.locator("summary", has_text="Aller à une autre semaine").click()
    page.get_by_label("Aller à la semaine du").fill(WEEK)
    page.get_by_role("button", name="Afficher").click()
    expect(page).to_have_url(re.compile(rf"\?semaine={WEEK}$"))
    expect(page.get_by_role("heading", level=2)).to_have_text(
        "Semaine du 16 septembre 2013 au 22 septembre 2013")
    expect(page.get_by_role("status")).to_have_text(f"{count} séances cette semaine.")
    # On a phone, one day at a time under day tabs: the first day with courses here.
    tabs = page.get_by_role("navigation", name="Jours de la semaine").get_by_role("link")
    expect(tabs.first).to_have_accessible_name("lundi 16 septembre")
    visible = page.locator(".edt-day:visible")
    expect(visible).to_have_count(1)
    monday = visible.locator("h3")
    expect(monday).to_have_text("Lundi 16 septembre")
    cancelled = page.locator(".seance.cancelled").first
    expect(cancelled).to_contain_text("Annulé")
    assert "line-through" in cancelled.locator(".seance-body").evaluate(
        "el => getComputedStyle(el).textDecorationLine")
    changed = page.locator(".seance.changed").first
    expect(changed).to_contain_text("Modifié")
    expect(changed).to_contain_text("Remplacé par REMPLAÇANT Paul (au lieu de BACHELET Hélène)")
    expect(changed).to_contain_text("Salle CDI (changement de salle, au lieu de")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    axe_check(page)
    if os.environ.get("ENT_SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['ENT_SCREENSHOTS']}/week-phone.png", full_page=True)
    # Another day's tab shows that day alone, and marks the tab.
    tabs.nth(2).click()
    expect(page).to_have_url(re.compile(r"#jour-2013-09-18$"))
    expect(visible).to_have_count(1)
    expect(visible.locator("h3")).to_have_text("Mercredi 18 septembre")
    # The tabs stay within reach after the jump, above the day's heading.
    expect(tabs.first).to_be_in_viewport()
    expect(visible.locator("h3")).to_be_in_viewport()
    assert tabs.nth(2).evaluate("el => getComputedStyle(el).color") == "rgb(255, 255, 255)"
    assert tabs.nth(0).evaluate("el => getComputedStyle(el).color") != "rgb(255, 255, 255)"
    # The tabs and the week's navigation fit above the fold with the day's first course.
    assert page.locator(".edt-day:visible .seance").first.bounding_box()["y"] < 844
    axe_check(page)
    page.get_by_role("link", name="Semaine suivante", exact=True).click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("Semaine du 23 septembre 2013")
    page.get_by_role("link", name="Semaine précédente", exact=True).click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("Semaine du 16 septembre 2013")


def test_teacher_week_on_a_desktop_without_javascript(bachelet, browser, live_server, sign_in,
                                                      axe_check):
    from tests.browser.conftest import DESKTOP

    teacher, count = bachelet
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, teacher)
        page.goto(f"{live_server.url}/emploi-du-temps/enseignant/{teacher.pk}/?semaine={WEEK}")
        expect(page.get_by_role("status")).to_have_text(f"{count} séances cette semaine.")
        # On a desktop the week is a grid: one column per day, side by side.
        first, second = _day_boxes(page)
        assert second["x"] > first["x"] and abs(second["y"] - first["y"]) < 2
        # An hour grid: each course as tall as it lasts, the same hour at the same height.
        sizes = page.locator(".edt-grid .seance").evaluate_all("""els => els.map(el => {
            const [a, b] = [...el.querySelectorAll('time')].map(t => new Date(t.dateTime));
            const box = el.getBoundingClientRect();
            return [(b - a) / 60000, box.height, box.top,
                    a.getHours() * 60 + a.getMinutes()]; })""")
        per_minute = {round((height + 2) / minutes, 1) for minutes, height, _, _ in sizes}
        assert len(per_minute) == 1, sizes
        tops = {}
        for _, _, top, start in sizes:
            tops.setdefault(start, set()).add(round(top))
        assert all(len(at) == 1 for at in tops.values()), tops
        if os.environ.get("ENT_SCREENSHOTS"):
            page.screenshot(path=f"{os.environ['ENT_SCREENSHOTS']}/week-desktop.png",
                            full_page=True)
        page.locator("summary", has_text="Aller à une autre semaine").click()
        page.get_by_label("Aller à la semaine du").fill("2013-10-02")
        page.get_by_role("button", name="Afficher").click()
        expect(page.get_by_role("heading", level=2)).to_contain_text("Semaine du 30 septembre 2013")
    finally:
        context.close()
    # axe needs scripts: the same page, scripts on.
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR")
    page = context.new_page()
    try:
        sign_in(page, teacher)
        page.goto(f"{live_server.url}/emploi-du-temps/enseignant/{teacher.pk}/?semaine={WEEK}")
        axe_check(page)
        page.goto(f"{live_server.url}/")
        expect(page.get_by_role("heading", name=re.compile("Mes cours du jour"))).to_be_visible()
        axe_check(page)
    finally:
        context.close()

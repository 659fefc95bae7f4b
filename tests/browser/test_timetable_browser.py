"""The real EDT sample, validated, then read by its teacher on a phone and on a desktop."""

import datetime
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
    services.timetable_import_validate(imp=imp, user=None, today=datetime.date(2013, 9, 1))
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
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Emploi du temps de BACHELET Hélène")
    # The date picker is a plain GET form: no script needed.
    page.get_by_label("Aller à la semaine du").fill(WEEK)
    page.get_by_role("button", name="Afficher").click()
    expect(page).to_have_url(re.compile(rf"\?semaine={WEEK}$"))
    expect(page.get_by_role("heading", level=2)).to_have_text(
        "Semaine du 16 septembre 2013 au 22 septembre 2013")
    expect(page.get_by_role("status")).to_have_text(f"{count} séances cette semaine.")
    expect(page.locator(".seance").nth(2)).to_contain_text("BACHELET Hélène")
    cancelled = page.locator(".seance.cancelled").first
    expect(cancelled).to_contain_text("Annulé")
    assert "line-through" in cancelled.locator(".seance-body").evaluate(
        "el => getComputedStyle(el).textDecorationLine")
    changed = page.locator(".seance.changed").first
    expect(changed).to_contain_text("Modifié")
    expect(changed).to_contain_text("Remplacé par REMPLAÇANT Paul (au lieu de BACHELET Hélène)")
    expect(changed).to_contain_text("Salle CDI (changement de salle, au lieu de")
    # On a phone the days follow one another.
    first, second = _day_boxes(page)
    assert first["x"] == second["x"] and second["y"] > first["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    axe_check(page)
    page.get_by_role("link", name="Semaine suivante →").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("Semaine du 23 septembre 2013")
    page.get_by_role("link", name="← Semaine précédente").click()
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

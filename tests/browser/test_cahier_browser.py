"""The cahier de textes on a phone (390×844): a teacher writes a séance and gives homework;
a pupil reads a corpus of XSS payloads and nothing runs."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from tests.viescolaire.cahier.xss_payloads import PAYLOADS
from tests.viescolaire.conftest import make_cours, make_seance
from viescolaire.cahier import services
from viescolaire.cahier.models import Contenu, Devoir, State


def _maths(world):
    """Teacher A's maths in 3A: a séance earlier today (or on the last weekday) and the next."""
    today = timezone.localdate()
    day = today - datetime.timedelta(days=max(0, today.weekday() - 4))
    cours = make_cours(world.etab_a, day=day.isoweekday(), start=(0, 5), end=(0, 10),
                       label="MATHEMATIQUES", salle="S101", teachers=[world.teacher_a],
                       regs=[world.div_3a], matiere=world.maths)
    return make_seance(cours, day), make_seance(cours, day + datetime.timedelta(days=7))


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_teacher_writes_a_seance_and_gives_homework_on_a_phone(
        world, phone, live_server, sign_in, axe_check, settings, tmp_path):
    settings.ENT_CAHIER_FILES_DIR = tmp_path / "cahier"
    services.national_types_ensure()
    seance, following = _maths(world)
    page = sign_in(phone, world.teacher_a)
    page.locator("summary", has_text="Menu").click()
    page.locator(".site-nav-phone").get_by_role("link", name="Cahier de textes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon cahier de textes")
    page.goto(f"{live_server.url}/cahier-de-textes/mon-cahier/?semaine={seance.date}")
    row = page.locator(".cahier-seance").first
    expect(row).to_contain_text("MATHEMATIQUES")
    expect(row).to_contain_text("Vide")
    axe_check(page)
    _no_sideways_scroll(page)
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mathématiques") \
        if world.maths.libelle_edition else expect(
        page.get_by_role("heading", level=1)).to_contain_text("MATHEMATIQUES")
    axe_check(page)
    _no_sideways_scroll(page)
    page.get_by_label("Titre").fill("Les fractions")
    body = page.get_by_role("textbox", name=re.compile("^Contenu de la séance"))
    body.fill("Simplifier une fraction")
    body.select_text()
    page.get_by_role("toolbar", name="Mise en forme").first.get_by_role(
        "button", name="Gras").click()
    page.get_by_label("Publier maintenant").first.check()
    page.get_by_role("button", name="Enregistrer le contenu").click()
    expect(page.locator(".messages")).to_contain_text("Contenu de la séance publié")
    contenu = Contenu.objects.get(seance=seance)
    assert contenu.body == "<p><strong>Simplifier une fraction</strong></p>"
    assert contenu.state == State.PUBLISHED
    # Homework: the next séance of the course is proposed; the class's load is shown.
    expect(page.get_by_role("heading", name="Charge de travail de la classe")).to_be_visible()
    form = page.locator("form", has=page.get_by_role("button", name="Donner ce travail"))
    form.get_by_label("Type de travail").select_option(label="Exercices")
    expect(form.get_by_role("combobox", name=re.compile("^Pour"))).to_have_value(
        str(following.pk))
    form.get_by_label("Temps estimé (minutes)").fill("20")
    form.get_by_label("Consigne").fill("Exercices 3 et 4 page 45")
    form.get_by_label("Publier maintenant").check()
    form.get_by_role("button", name="Donner ce travail").click()
    expect(page.locator(".messages")).to_contain_text("Travail à faire publié")
    expect(page.locator("#travail")).to_contain_text("Exercices 3 et 4 page 45")
    axe_check(page)
    _no_sideways_scroll(page)
    devoir = Devoir.objects.get()
    assert (devoir.due_seance, devoir.minutes) == (following, 20)
    page.goto(f"{live_server.url}/cahier-de-textes/mon-cahier/?semaine={seance.date}")
    expect(page.locator(".cahier-seance").first).to_contain_text("Publié")


def test_no_payload_runs_in_the_pupils_pages(world, phone, live_server, sign_in, axe_check,
                                             settings, tmp_path):
    settings.ENT_CAHIER_FILES_DIR = tmp_path / "cahier"
    seance, following = _maths(world)
    exercices = services.national_types_ensure()[0]
    services.contenu_save(seance=seance, acting_user=world.teacher_a, title=PAYLOADS[0],
                          body="\n".join(PAYLOADS), publish="maintenant")
    for payload in PAYLOADS[:40]:
        services.devoir_save(seance=seance, acting_user=world.teacher_a, type=exercices,
                             minutes=5, description="consigne " + payload,
                             publish="maintenant", due_seance=following)
    page = sign_in(phone, world.pupil_a)
    for url in (f"/cahier-de-textes/contenus/?jusquau={following.date}",
                f"/cahier-de-textes/travail-a-faire/?semaine={seance.date}"):
        page.goto(f"{live_server.url}{url}")
        expect(page.locator("main")).to_contain_text(re.compile("consigne|MATHEMATIQUES"))
        page.wait_for_timeout(300)  # onerror/onload handlers would have fired by now
        assert page.evaluate("window.__xss") is None
    page.goto(f"{live_server.url}/cahier-de-textes/travail-a-faire/?semaine={seance.date}")
    page.get_by_role("button", name=re.compile("J'ai fait ce travail")).first.click()
    expect(page.locator(".badge.ok", has_text="Fait").first).to_be_visible()
    assert page.evaluate("window.__xss") is None


def test_the_principal_gives_a_visa_on_a_phone(world, phone, live_server, sign_in, axe_check,
                                               settings, tmp_path):
    settings.ENT_CAHIER_FILES_DIR = tmp_path / "cahier"
    services.national_types_ensure()
    seance, _following = _maths(world)
    services.contenu_save(seance=seance, acting_user=world.teacher_a, title="Les fractions",
                          body="Cours", publish="maintenant")
    page = sign_in(phone, world.principal_a)
    page.goto(f"{live_server.url}/cahier-de-textes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Visas des cahiers de textes")
    expect(page.locator(".cahier-visas")).to_contain_text("100 %")
    axe_check(page)
    page.get_by_role("link", name=re.compile("MARTIN")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("MARTIN")
    axe_check(page)
    page.get_by_label("Commentaire").fill("Cahier bien tenu.")
    page.get_by_label("Verrouiller les séances visées").check()
    page.get_by_role("button", name="Viser ce cahier").click()
    expect(page.locator(".messages")).to_contain_text("Visa donné au cahier de MARTIN")
    expect(page.locator(".cahier-visas")).to_contain_text("jusqu'au")
    _no_sideways_scroll(page)

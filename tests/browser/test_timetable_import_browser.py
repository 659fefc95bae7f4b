"""The principal imports the real EDT sample: bilan, one rapprochement, validate; then cancels
another upload and nothing changes."""

import re

import pytest
from playwright.sync_api import expect

from annuaire.models import Role
from imports.models import Rapprochement, TimetableImport
from tests.conftest import SAMPLES
from tests.factories import EtablissementFactory, PersonFactory, RegroupementFactory, RoleFactory
from tests.samples import samples_missing
from viescolaire.models import Cours, Seance

EDT = SAMPLES / "service-cahiertextes" / "Edt_To_LaclasseCom_0134567A_Enclair.xml"


@pytest.fixture
def college(db):
    if not EDT.exists():
        samples_missing("l'échantillon EDT (../shared/samples/service-cahiertextes) est absent")
    etab = EtablissementFactory(uai="0134567A", name="COLLEGE DE DEMONSTRATION")
    principal = PersonFactory(profile="personnel", first_name="Claire", last_name="Principal")
    RoleFactory(person=principal, etablissement=etab, role=Role.Kind.DIRECTION)
    division = RegroupementFactory(etablissement=etab, code="3EME B")
    return etab, principal, division


def upload_and_wait(page):
    page.get_by_label("Fichiers d'emploi du temps").set_input_files(str(EDT))
    page.get_by_role("button", name="Analyser ces fichiers").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Import d'emploi du temps n°")
    expect(page.get_by_role("heading", name="Bilan préliminaire")).to_be_visible(timeout=90000)


@pytest.mark.integration
def test_upload_read_bilan_fix_a_rapprochement_validate_then_cancel_another(
        college, desktop, phone, live_server, sign_in, celery_worker, axe_check):
    etab, principal, division = college
    page = sign_in(desktop, principal)
    page.get_by_role("link", name=re.compile("Imports d'emploi du temps")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Emploi du temps — COLLEGE DE DEMONSTRATION")
    axe_check(page)
    page.get_by_label("Fichiers d'emploi du temps").set_input_files(str(EDT))
    page.get_by_role("button", name="Analyser ces fichiers").click()
    # No worker yet: the analysis waits and the page shows its progress bar.
    expect(page.get_by_text("En attente d'un processus d'analyse")).to_be_visible()
    expect(page.locator("progress")).to_be_visible()
    axe_check(page)
    celery_worker()
    expect(page.get_by_role("heading", name="Bilan préliminaire")).to_be_visible(timeout=90000)
    expect(page.locator('[data-count="courses"]')).to_have_text("704")
    expect(page.locator('[data-count="divisions_matched"]')).to_have_text("0")
    # A count opens its list.
    unmatched = page.locator("details", has=page.locator('[data-count="divisions_unmatched"]'))
    expect(unmatched.get_by_text("3B", exact=True)).to_be_hidden()
    unmatched.locator("summary").click()
    expect(unmatched.get_by_text("3B", exact=True)).to_be_visible()
    axe_check(page)
    first = TimetableImport.objects.get()

    # Link the file's division « 3B » to the directory's « 3EME B »: the same upload is
    # analysed again.
    page.get_by_role("link", name="Rapprocher les noms non reconnus de l'annuaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapprochements avec l'annuaire")
    axe_check(page)
    divisions = page.get_by_role("group", name=re.compile("^Divisions"))
    divisions.get_by_label("3B", exact=True).select_option(label="3EME B")
    page.get_by_role("button", name="Enregistrer les rapprochements").click()
    expect(page.get_by_text("le bilan est recalculé")).to_be_visible()
    expect(page.locator('[data-count="divisions_matched"]')).to_have_text("1", timeout=90000)
    assert TimetableImport.objects.count() == 1
    assert Rapprochement.objects.get().regroupement == division

    page.get_by_role("button", name="Valider cet import").click()
    expect(page.get_by_role("heading", name="Appliqué à l'emploi du temps")).to_be_visible(
        timeout=90000)
    expect(page.locator("p > .badge").first).to_have_text("Validé")
    axe_check(page)
    courses, seances = Cours.objects.count(), Seance.objects.count()
    # The sample's year (2013-2014) is over: as its bilan said, validating it leaves the
    # timetable in force as it was (tests/imports/test_bilan_matches_apply.py).
    expect(page.get_by_text("L'export concerne l'année 2013-2014, terminée : aucune séance "
                            "ne sera créée").first).to_be_visible()
    assert (courses, seances) == (0, 0)

    # A phone reads the validated bilan.
    mobile = sign_in(phone, principal)
    mobile.goto(f"{live_server.url}/emploi-du-temps/imports/{etab.pk}/{first.pk}/")
    expect(mobile.get_by_role("heading", name="Bilan")).to_be_visible()
    mobile.locator("details", has=mobile.locator('[data-count="divisions_matched"]')
                   ).locator("summary").click()
    expect(mobile.get_by_text("3B", exact=True)).to_be_visible()
    assert mobile.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    axe_check(mobile)

    # Another upload, cancelled: the timetable in force does not change.
    page.get_by_role("link", name="Tous les bilans d'import de l'établissement").click()
    upload_and_wait(page)
    page.get_by_role("button", name="Annuler l'import").click()
    expect(page.get_by_text("Import annulé : l'emploi du temps en vigueur n'a pas changé.").first
           ).to_be_visible()
    assert (Cours.objects.count(), Seance.objects.count()) == (courses, seances)
    page.get_by_role("link", name="Tous les bilans d'import de l'établissement").click()
    history = page.get_by_role("region", name=re.compile("Bilans d'import"))
    expect(history.get_by_role("row", name=re.compile("Annulé par PRINCIPAL Claire"))).to_be_visible()
    expect(history.get_by_role("row", name=re.compile("Validé par PRINCIPAL Claire"))).to_be_visible()
    axe_check(page)

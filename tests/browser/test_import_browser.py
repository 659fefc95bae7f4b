import re

import pytest
from playwright.sync_api import expect

from annuaire.models import AafImport, Person


@pytest.mark.integration
def test_upload_follow_progress_and_read_the_report_on_a_phone(
        world, phone, live_server, sign_in, celery_worker, aaf_samples, axe_check):
    page = sign_in(phone, world.academy_admin)
    page.get_by_role("link", name=re.compile("Imports de l'annuaire")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Imports de l'annuaire (AAF)")
    axe_check(page)
    files = sorted(str(p) for p in (aaf_samples / "entcore" / "aaf-test").glob("*.xml"))
    page.get_by_label("Fichiers AAF").set_input_files(files)
    page.get_by_role("button", name="Lancer l'import").click()
    # No worker runs yet: the import waits in the queue and the page says so.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Import AAF n°")
    expect(page.get_by_text("En attente d'un processus d'import")).to_be_visible()
    expect(page.locator("progress")).to_be_visible()
    axe_check(page)
    celery_worker()
    # htmx polls the progress box, then reloads the page on the report.
    expect(page.get_by_role("heading", name="Comptes par population")).to_be_visible(timeout=60000)
    expect(page.locator("p > .badge").first).to_have_text("Appliqué")
    expect(page.get_by_role("row", name=re.compile("Élèves"))).to_contain_text("642")
    axe_check(page)
    page.get_by_role("link", name=re.compile("3 rattachements")).click()
    expect(page.get_by_role("status")).to_have_text("3 lignes (structure_inconnue)")
    imp = AafImport.objects.get()
    assert imp.status == AafImport.Status.APPLIED and imp.created_by == world.academy_admin
    assert Person.objects.filter(population="Eleve").count() == 642 + 4


def test_a_bad_file_gets_a_french_message_on_desktop(world, desktop, live_server, sign_in,
                                                     aaf_samples, settings):
    page = sign_in(desktop, world.academy_admin)
    page.goto(f"{live_server.url}/annuaire/imports/")
    delta = aaf_samples / "service-annuaire" / "delta"
    bad = delta / "FULL_ENTTSSERVICES_Delta_20130122_PersEducNat_0000.xml"
    page.get_by_label("Fichiers AAF").set_input_files(str(bad))
    page.get_by_role("button", name="Lancer l'import").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "FULL_ENTTSSERVICES_Delta_20130122_PersEducNat_0000.xml, ligne 76")
    expect(page.get_by_role("alert")).to_contain_text("rien n'a été écrit")

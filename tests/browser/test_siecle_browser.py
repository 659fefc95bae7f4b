import re

import pytest
from playwright.sync_api import expect

from annuaire.models import Person, SiecleImport
from tests.annuaire.siecle.conftest import FIXTURES, SET, give_siecle_ids


@pytest.mark.integration
def test_principal_uploads_exports_follows_progress_and_reads_the_report_on_a_phone(
        world, phone, live_server, sign_in, celery_worker, axe_check):
    w = give_siecle_ids(world)
    page = sign_in(phone, w.principal_a)
    page.get_by_role("link", name=re.compile("Compléments SIECLE et STS-web")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compléments SIECLE et STS-web")
    axe_check(page)
    page.get_by_label("Exports SIECLE et STS-web").set_input_files(
        [str(FIXTURES / name) for name in SET])
    page.get_by_role("button", name="Lancer l'import").click()
    # No worker yet: the run waits in the queue and the page says so.
    expect(page.get_by_text("En attente d'un processus d'import")).to_be_visible()
    expect(page.locator("progress")).to_be_visible()
    axe_check(page)
    celery_worker()
    expect(page.get_by_role("heading", name="Fiches à examiner")).to_be_visible(timeout=60000)
    expect(page.locator("p > .badge").first).to_have_text("Appliqué")
    expect(page.get_by_role("row", name=re.compile("FICTIF-CŒUR"))).to_contain_text(
        "ElevesSansAdresses.xml, ligne 55")
    axe_check(page)
    imp = SiecleImport.objects.get()
    assert imp.status == SiecleImport.Status.APPLIED and imp.created_by == w.principal_a
    assert Person.objects.get(pk=w.pupil_a.pk).ine == "00000000123"

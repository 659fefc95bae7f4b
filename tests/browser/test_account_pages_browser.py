"""Account pages on a phone (390×844): the relance's confirmation, the activation's error
summary, and the portal's own password pages."""

import re

from playwright.sync_api import expect

from annuaire.activation import services
from annuaire.activation.codes import code_display
from annuaire.models import ActivationCode, EtabAccountSettings, LetterBatch, Person


def _no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_relance_asks_before_changing_codes(world, phone, live_server, sign_in, axe_check):
    Person.objects.filter(pk__in=[world.pupil_a.pk, world.pupil_a2.pk]).update(activated_at=None)
    services.codes_issue(persons=[world.pupil_a])
    digest = ActivationCode.objects.get(person=world.pupil_a).digest
    page = sign_in(phone, world.principal_a)
    page.goto(f"{live_server.url}/annuaire/comptes/{world.etab_a.pk}/")
    page.get_by_role("button", name="Élèves : 2 fiches de 3A à réimprimer").click()
    expect(page.get_by_role("heading", name="Relance : Élèves de 3A")).to_be_visible()
    expect(page.get_by_text("2 codes d'activation vont changer")).to_be_visible()
    expect(page.get_by_text("1 fiche déjà remise ne fonctionnera plus")).to_be_visible()
    _no_horizontal_scroll(page)
    axe_check(page)
    # Nothing has changed yet; « Annuler » goes back to the board.
    assert ActivationCode.objects.get(person=world.pupil_a).digest == digest
    page.get_by_role("link", name="Annuler").click()
    expect(page.get_by_role("heading", name="Comptes et activation")).to_be_visible()
    assert not LetterBatch.objects.exists()
    page.get_by_role("button", name="Élèves : 2 fiches de 3A à réimprimer").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Changer 2 codes et imprimer les fiches").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert ActivationCode.objects.get(person=world.pupil_a).digest != digest


def test_the_activation_page_sums_up_every_error_and_focuses_the_summary(
        world, phone, live_server, axe_check):
    EtabAccountSettings.objects.create(etablissement=world.etab_a, charte="Respect.")
    parent = world.parent_a
    Person.objects.filter(pk=parent.pk).update(activated_at=None)
    codes, _ = services.codes_issue(persons=[parent])
    page = phone
    page.goto(f"{live_server.url}/compte/activation/")
    page.get_by_label("Identifiant").fill(parent.login)
    page.get_by_label("Code d'activation").fill(code_display(codes[parent.pk]))
    page.get_by_role("button", name="Continuer").click()
    page.get_by_label("Mot de passe", exact=True).fill("court")
    page.get_by_label("Confirmez le mot de passe").fill("autre")
    page.get_by_label("Adresse électronique (facultative)").fill("pas-une-adresse")
    page.get_by_role("button", name="Activer mon compte").click()
    summary = page.get_by_role("alert").filter(has_text="4 erreurs à corriger")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(4)
    _no_horizontal_scroll(page)
    axe_check(page)
    summary.get_by_role("link", name=re.compile("^Adresse électronique")).click()
    expect(page.get_by_label("Adresse électronique (facultative)")).to_be_focused()


def test_password_change_on_a_phone_shows_the_rules_and_goes_home(
        world, phone, live_server, sign_in, axe_check):
    page = sign_in(phone, world.teacher_a)
    page.goto(f"{live_server.url}/compte/password/change/")
    expect(page.get_by_role("heading", name="Modifier mon mot de passe")).to_be_visible()
    page.get_by_label("Nouveau mot de passe", exact=True).fill("court")
    expect(page.locator('[data-rule="length"]')).not_to_have_class(re.compile("ok"))
    page.get_by_label("Nouveau mot de passe", exact=True).fill("Un-nouveau-mot-de-passe-9")
    expect(page.locator('[data-rule="length"]')).to_have_class(re.compile("ok"))
    _no_horizontal_scroll(page)
    axe_check(page)
    from tests.factories import PASSWORD

    page.get_by_label("Mot de passe actuel").fill(PASSWORD)
    page.get_by_label("Confirmez le nouveau mot de passe").fill("Un-nouveau-mot-de-passe-9")
    page.get_by_role("button", name="Enregistrer le nouveau mot de passe").click()
    expect(page.get_by_text("Votre nouveau mot de passe est enregistré.")).to_be_visible()
    assert page.url == f"{live_server.url}/"

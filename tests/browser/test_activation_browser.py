import io
import re
from pathlib import Path

from playwright.sync_api import expect
from pypdf import PdfReader

from annuaire.activation import services
from annuaire.activation.codes import code_display
from annuaire.models import EtabAccountSettings, Person

PASSWORD = "Un-mot-de-passe-solide-7"


def test_parent_activates_their_account_on_a_phone(world, phone, live_server, axe_check):
    EtabAccountSettings.objects.create(etablissement=world.etab_a,
                                       charte="Je respecte les autres utilisateurs.")
    parent = world.parent_a
    parent.activated_at = None
    parent.set_unusable_password()
    parent.save()
    codes, _ = services.codes_issue(persons=[parent])
    page = phone
    page.goto(f"{live_server.url}/compte/login/")
    page.get_by_role("link", name="Première connexion : activer mon compte").click()
    expect(page.get_by_role("heading", name="Activer mon compte")).to_be_visible()
    axe_check(page)
    page.get_by_label("Identifiant").fill(parent.login)
    page.get_by_label("Code d'activation").fill(code_display(codes[parent.pk]).lower())
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_role("heading", name=re.compile("Bienvenue Sophie"))).to_be_visible()
    page.get_by_label("Mot de passe", exact=True).fill("court")
    # The rules are shown as the person types.
    expect(page.locator('[data-rule="length"]')).not_to_have_class(re.compile("ok"))
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    expect(page.locator('[data-rule="length"]')).to_have_class(re.compile("ok"))
    page.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    expect(page.get_by_text("Je respecte les autres utilisateurs.")).to_be_visible()
    axe_check(page)
    page.get_by_label("J'ai lu et j'accepte la charte d'usage").check()
    page.get_by_label("Adresse électronique (facultative)").fill("sophie.dupont@example.org")
    page.get_by_role("button", name="Activer mon compte").click()
    expect(page.get_by_text("Votre compte est activé")).to_be_visible()
    expect(page.get_by_role("heading", name="Bonjour Sophie")).to_be_visible()
    parent.refresh_from_db()
    assert parent.check_password(PASSWORD)
    # Next time, the login page with the chosen password.
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_label("Identifiant").fill(parent.login)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Bonjour Sophie")).to_be_visible()


def test_principal_prints_a_division(world, desktop, live_server, sign_in, axe_check):
    Person.objects.filter(pk__in=[world.pupil_a.pk, world.pupil_a2.pk]).update(activated_at=None)
    page = sign_in(desktop, world.principal_a)
    page.get_by_role("link", name=re.compile("Comptes et activation")).click()
    expect(page.get_by_role("heading", name="Comptes et activation")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Imprimer des fiches de connexion").click()
    page.get_by_label("Destinataires").select_option("eleves")
    page.get_by_label("Division").select_option("3A")
    page.get_by_label("Mise en page").select_option("2")
    axe_check(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Imprimer les fiches").click()
    data = Path(download.value.path()).read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert world.pupil_a.login in text and world.pupil_a2.login in text
    assert "Code d'activation" in text

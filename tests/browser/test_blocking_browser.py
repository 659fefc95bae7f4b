import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import PASSWORD


def test_principal_blocks_pupils_then_a_pupil_is_refused(world, phone, live_server, sign_in,
                                                         axe_check):
    page = sign_in(phone, world.principal_a)
    page.get_by_role("link", name=re.compile("Blocages de connexion")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Blocages de connexion — COLLEGE JEAN MOULIN (LYON)")
    axe_check(page)
    page.get_by_label("Un profil", exact=True).check()
    page.get_by_label("Profil (si « Un profil »)").select_option(label="Tous les élèves")
    ends = timezone.localtime() + timedelta(days=2)
    page.get_by_label("Fin", exact=True).fill(ends.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Message affiché à la connexion").fill("Fermé pendant les examens")
    page.get_by_role("button", name="Bloquer les connexions").click()
    expect(page.get_by_role("status")).to_contain_text("Blocage enregistré")
    expect(page.get_by_role("button", name=re.compile("Lever le blocage Tous les élèves"))).to_be_visible()
    axe_check(page)
    # The establishment's login page (the link the blocks page gives) announces it.
    login_link = page.get_by_role("link", name=re.compile(r"\?etab=0690001A")).get_attribute("href")
    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(f"{live_server.url}{login_link}")
    expect(page.get_by_role("heading", name="Connexions fermées en ce moment")).to_be_visible()
    axe_check(page)
    page.get_by_label("Identifiant").fill(world.pupil_a.login)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Connexion impossible pour le moment : Fermé pendant les examens")
    # A parent of the same collège still gets in.
    sign_in(page, world.parent_a)


def test_principal_suspends_an_account_from_the_card(world, desktop, live_server, sign_in,
                                                     axe_check):
    page = sign_in(desktop, world.principal_a)
    page.goto(f"{live_server.url}/annuaire/personne/{world.pupil_a.pk}/")
    axe_check(page)
    page.get_by_label("Motif de la suspension").fill("Usurpation d'identité")
    page.get_by_role("button", name="Suspendre le compte").click()
    expect(page.get_by_role("status")).to_contain_text("suspendu")
    expect(page.get_by_role("button", name="Rétablir le compte")).to_be_visible()
    page.goto(f"{live_server.url}/annuaire/comptes/suspendus/")
    expect(page.get_by_role("link", name="DUPONT Léa")).to_be_visible()
    axe_check(page)


def test_deactivated_accounts_page_is_accessible(world, phone, live_server, sign_in, axe_check):
    world.pupil_a3.deactivated_at = timezone.now() - timedelta(days=5)
    world.pupil_a3.is_active = False
    world.pupil_a3.save()
    page = sign_in(phone, world.academy_admin)
    page.goto(f"{live_server.url}/annuaire/comptes/desactives/")
    expect(page.get_by_role("status")).to_have_text("1 compte désactivé")
    axe_check(page)
    page.get_by_role("button", name=re.compile("Réactiver")).click()
    expect(page.get_by_text("réactivé")).to_be_visible()

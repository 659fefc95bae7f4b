import re

from playwright.sync_api import expect


def test_login_and_search_the_directory_on_a_phone(world, phone, live_server, sign_in, axe_check):
    page = sign_in(phone, world.principal_a)
    expect(page.get_by_role("heading", name="Bonjour Claire")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name=re.compile("Annuaire")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("COLLEGE JEAN MOULIN")
    page.get_by_label("Nom, prénom").fill("helene")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("status")).to_have_text("1 personne")
    expect(page.get_by_role("link", name="MARTIN Hélène")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="MARTIN Hélène").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("MARTIN Hélène")
    expect(page.get_by_text("Professeur principal")).to_be_visible()
    axe_check(page)


def test_filter_by_subject_on_desktop(world, desktop, live_server, sign_in):
    page = sign_in(desktop, world.principal_a)
    page.goto(f"{live_server.url}/annuaire/")
    page.get_by_text("Plus de filtres").click()
    page.get_by_label("Matière enseignée").select_option("ANGLAIS LV1")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("status")).to_have_text("1 personne")
    expect(page.get_by_role("link", name="DURAND Paul")).to_be_visible()


def test_wrong_password_then_logout(world, phone, live_server, sign_in, axe_check):
    phone.goto(f"{live_server.url}/compte/login/")
    axe_check(phone)
    phone.get_by_label("Identifiant").fill(world.parent_a.login)
    phone.get_by_label("Mot de passe").fill("pas-le-bon")
    phone.get_by_role("button", name="Se connecter").click()
    expect(phone.get_by_role("alert")).to_contain_text("incorrect")
    sign_in(phone, world.parent_a)
    phone.get_by_role("button", name="Se déconnecter").click()
    expect(phone.get_by_role("heading", name="Connexion")).to_be_visible()

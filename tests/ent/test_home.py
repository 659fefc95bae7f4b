import pytest
from django.urls import reverse


def test_home_requires_login(client, db):
    assert client.get(reverse("home")).status_code == 302


def test_home_shows_identity_establishments_and_services(world, login):
    text = login(world.principal_a).get(reverse("home")).content.decode()
    assert world.principal_a.display_name in text and world.principal_a.login in text
    assert "COLLEGE JEAN MOULIN (LYON) — Direction" in text
    assert "Annuaire" in text and "Imports de l&#x27;annuaire" not in text


# Login blocks, suspended and deactivated accounts: the establishment's administrators.
ACCOUNT_ADMIN = {"comptes", "blocages", "comptes_suspendus", "comptes_desactives"}
# The establishment's administrators and the académie's import its timetable.
ETAB_ADMIN = {"siecle", "imports_edt"}


@pytest.mark.parametrize("who, services", [
    ("academy_admin", {"annuaire", "imports_aaf", "purges", "emploi_du_temps", *ETAB_ADMIN,
                       *ACCOUNT_ADMIN}),
    ("principal_a", {"annuaire", "emploi_du_temps", *ETAB_ADMIN, *ACCOUNT_ADMIN}),
    ("admin_etab_a", {"annuaire", "emploi_du_temps", *ETAB_ADMIN, *ACCOUNT_ADMIN}),
    ("cpe_a", {"annuaire", "emploi_du_temps"}),
    ("agent_a", {"annuaire"}),
    ("teacher_a", {"annuaire", "emploi_du_temps"}),
    ("parent_a", {"annuaire", "emploi_du_temps"}),
    ("contact_a", set()),
    ("pupil_a", {"annuaire", "emploi_du_temps"}),
])
def test_services_per_role(world, login, who, services):
    response = login(getattr(world, who)).get(reverse("home"))
    assert {s.key for s in response.context["services"]} == services


def test_health(client, db):
    response = client.get(reverse("health"))
    assert response.status_code == 200 and response.content == b"ok"


def test_home_links_to_the_password_change(world, login):
    text = login(world.pupil_a).get(reverse("home")).content.decode()
    assert f'href="{reverse("account_change_password")}"' in text
    assert login(world.pupil_a).get(reverse("account_change_password")).status_code == 200

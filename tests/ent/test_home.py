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
# Their Administration page, and their journal of actions (the audit trail).
ACCOUNT_ADMIN = {"comptes", "blocages", "comptes_suspendus", "comptes_desactives",
                 "administration_etab", "journal"}
# The establishment's administrators and the académie's import its timetable.
ETAB_ADMIN = {"siecle", "imports_edt"}


@pytest.mark.parametrize("who, services", [
    ("academy_admin", {"annuaire", "imports_aaf", "emploi_du_temps", "appel", *ETAB_ADMIN,
                       *ACCOUNT_ADMIN}),
    ("principal_a", {"annuaire", "emploi_du_temps", "cahier", "appel", *ETAB_ADMIN,
                     *ACCOUNT_ADMIN}),
    ("admin_etab_a", {"annuaire", "emploi_du_temps", "appel", *ETAB_ADMIN, *ACCOUNT_ADMIN}),
    # The CPE reads the cahier de textes by default (a toggle of Administration > Services).
    ("cpe_a", {"annuaire", "emploi_du_temps", "cahier", "appel"}),
    ("agent_a", {"annuaire"}),
    ("teacher_a", {"annuaire", "emploi_du_temps", "cahier", "appel"}),
    ("parent_a", {"annuaire", "emploi_du_temps", "cahier", "appel"}),
    ("contact_a", set()),
    ("pupil_a", {"annuaire", "emploi_du_temps", "cahier", "appel"}),
])
def test_services_per_role(world, login, who, services):
    response = login(getattr(world, who)).get(reverse("home"))
    assert {s.key for s, _ in response.context["services"]} == services


def test_health(client, db):
    response = client.get(reverse("health"))
    assert response.status_code == 200 and response.content == b"ok"


def test_home_links_to_the_password_change(world, login):
    text = login(world.pupil_a).get(reverse("home")).content.decode()
    assert f'href="{reverse("account_change_password")}"' in text
    assert login(world.pupil_a).get(reverse("account_change_password")).status_code == 200


def test_the_academy_admin_has_one_card_per_thing(world, login):
    """« Comptes désactivés et purges » and « Comptes désactivés » were two cards for the same
    accounts: one card now, whose page leads to the purges' history."""
    response = login(world.academy_admin).get(reverse("home"))
    labels = [s.label for s, _ in response.context["services"]]
    assert len(labels) == len(set(labels))
    assert [label for label in labels if "désactivés" in label] == ["Comptes désactivés"]
    text = login(world.academy_admin).get(reverse("annuaire:deactivated_accounts")).content
    assert f'href="{reverse("annuaire:purges")}"'.encode() in text


@pytest.mark.parametrize("who, wording, not_wording", [
    ("pupil_a", "les vôtres et ceux de votre classe et de vos groupes", "enfant"),
    ("parent_a", "ceux de votre enfant", "vos enfants"),
    ("teacher_a", "les vôtres et ceux de vos classes et groupes", "enfant"),
    ("principal_a", "ceux d&#x27;un élève, d&#x27;une division", "enfant"),
])
def test_home_cards_name_the_viewers_own_people(world, login, who, wording, not_wording):
    response = login(getattr(world, who)).get(reverse("home"))
    (description,) = [text for s, text in response.context["services"]
                      if s.key == "emploi_du_temps"]
    text = response.content.decode()
    assert wording in text and not_wording not in description


@pytest.mark.parametrize("who, profile", [
    ("principal_a", "Direction"), ("cpe_a", "CPE / vie scolaire"), ("agent_a", "Personnel"),
    ("teacher_a", "Enseignant"), ("academy_admin", "Administrateur académique"),
    ("pupil_a", "Élève"), ("parent_a", "Parent"),
])
def test_home_names_the_profile_by_role(world, login, who, profile):
    """AAF gives a principal the « Personnel » profile: the home page says « Direction »."""
    html = login(getattr(world, who)).get(reverse("home")).content.decode()
    assert f"<dt>Profil</dt><dd>{profile}</dd>" in html


def test_a_child_s_courses_of_the_day_elide_de(world, login):
    from annuaire.models import Person

    Person.objects.filter(pk=world.pupil_a.pk).update(first_name="Emma")
    html = login(world.parent_a).get(reverse("home")).content.decode()
    assert "Cours du jour d&#x27;Emma" in html and "Voir la semaine de DUPONT" in html

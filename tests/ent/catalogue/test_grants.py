"""Which profiles have each service: declared defaults, the académie's defaults, the
establishment's choice; a service a profile lacks leaves its menu, its home page and its URLs."""

import pytest
from django.urls import get_resolver, reverse

from annuaire.models import SecretariatMember
from ent.catalogue import registry
from ent.catalogue.models import ServiceGrant
from ent.rights import catalogue as catalogue_rights

from .conftest import ELEVE, ENSEIGNANT, PARENT


def _home_keys(client):
    return {s.key for s, _ in client.get(reverse("home")).context["services"]}


def _menu(client):
    return client.get(reverse("home")).content.decode().split(
        '<div class="site-nav-wide">', 1)[1].split("</nav>", 1)[0]


def test_the_apps_declare_their_services():
    keys = {spec.key for spec in registry.services_all()}
    assert {"annuaire", "emploi_du_temps", "comptes", "imports"} <= keys
    assert registry.service_spec("emploi_du_temps").default_profiles >= {PARENT, ELEVE}


def test_defaults_are_what_a_college_expects(world):
    assert catalogue_rights.enabled_services(world.parent_a) == {
        "annuaire", "emploi_du_temps", "cahier", "appel"}
    assert catalogue_rights.enabled_services(world.principal_a) >= {
        "annuaire", "emploi_du_temps", "comptes", "imports"}
    assert catalogue_rights.enabled_services(world.academy_admin) is None
    assert catalogue_rights.enabled_services(world.contact_a) == set()


def test_the_principal_switches_the_timetable_off_for_parents(world, login, client,
                                                              save_services):
    save_services(login(world.principal_a), world.etab_a, off=[("emploi_du_temps", PARENT)])
    assert ServiceGrant.objects.filter(etablissement=world.etab_a, service="emploi_du_temps",
                                       profile=PARENT, enabled=False).count() == 1
    # Only the choice that differs from the default is stored.
    assert ServiceGrant.objects.count() == 1
    parent = login(world.parent_a)
    assert "emploi_du_temps" not in _home_keys(parent)
    assert "Emploi du temps" not in _menu(parent)
    assert parent.get(reverse("viescolaire:timetable")).status_code == 404
    assert parent.get(reverse("viescolaire:week_eleve", args=[world.pupil_a.pk])).status_code \
        == 404
    # The other collège's parents and collège A's pupils keep it.
    assert login(world.parent_b).get(reverse("viescolaire:timetable")).status_code == 302
    assert login(world.pupil_a).get(reverse("viescolaire:timetable")).status_code == 302
    # Switched back on: the row goes, the parent sees it again.
    save_services(login(world.principal_a), world.etab_a)
    assert not ServiceGrant.objects.exists()
    assert login(world.parent_a).get(reverse("viescolaire:timetable")).status_code == 302


def test_the_academies_default_applies_where_the_establishment_did_not_decide(
        world, login, save_services):
    save_services(login(world.academy_admin), None, off=[("annuaire", ELEVE)])
    assert ServiceGrant.objects.get(etablissement=None).enabled is False
    assert login(world.pupil_a).get(reverse("annuaire:directory")).status_code == 404
    assert login(world.pupil_b).get(reverse("annuaire:directory")).status_code == 404
    # Collège A's principal opens it again for their pupils only.
    page = login(world.principal_a).get(
        reverse("catalogue:etab_services", args=[world.etab_a.pk])).content.decode()
    assert 'name="service__annuaire__eleve">' in page
    assert 'name="service__annuaire__parent" checked>' in page
    save_services(login(world.principal_a), world.etab_a)
    assert login(world.pupil_a).get(reverse("annuaire:directory")).status_code == 200
    assert login(world.pupil_b).get(reverse("annuaire:directory")).status_code == 404
    assert "annuaire" not in _home_keys(login(world.pupil_b))


@pytest.mark.parametrize("service, profile, who, url_name, args", [
    ("annuaire", ENSEIGNANT, "teacher_a", "annuaire:directory", ()),
    ("annuaire", ENSEIGNANT, "teacher_a", "annuaire:person", ("pupil_a",)),
    ("annuaire", ENSEIGNANT, "teacher_a", "annuaire:class_list", ("div_3a",)),
    ("emploi_du_temps", ELEVE, "pupil_a", "viescolaire:timetable", ()),
    ("emploi_du_temps", ELEVE, "pupil_a", "viescolaire:week_eleve", ("pupil_a",)),
    ("comptes", "personnel", "agent_a", "annuaire:accounts", ()),
    ("imports", "personnel", "agent_a", "annuaire:siecle_imports", ()),
    ("cahier", "parent", "parent_a", "cahier:travail", ()),
    ("appel", "parent", "parent_a", "appel:home", ()),
])
def test_each_service_s_urls_answer_404_to_a_profile_without_it(
        world, login, save_services, service, profile, who, url_name, args):
    # The agent is the secretariat: letters and SIECLE are theirs while the service is.
    SecretariatMember.objects.create(etablissement=world.etab_a, person=world.agent_a)
    url = reverse(url_name, args=[getattr(world, a).pk for a in args])
    assert login(getattr(world, who)).get(url).status_code in (200, 302)
    save_services(login(world.principal_a), world.etab_a, off=[(service, profile)])
    client = login(getattr(world, who))
    assert client.get(url).status_code == 404
    assert service not in catalogue_rights.enabled_services(getattr(world, who))
    # The principal keeps every service.
    assert catalogue_rights.has_service(world.principal_a, service)


def test_every_url_of_the_services_apps_is_gated_by_a_service():
    """A new page of the directory, the timetable or the imports must say which service it
    belongs to, or the Services page could not close it."""
    resolver = get_resolver()
    for namespace in ("annuaire", "viescolaire", "imports", "cahier", "appel"):
        names = [n for n in resolver.namespace_dict[namespace][1].reverse_dict if isinstance(n, str)]
        assert names
        for name in names:
            assert registry.service_for_url_name(f"{namespace}:{name}"), f"{namespace}:{name}"


def test_the_header_reads_the_grants_in_one_query(world, django_assert_num_queries):
    from tests.factories import RoleFactory

    # A teacher of two collèges, with choices in both and académie defaults.
    RoleFactory(person=world.teacher_a, etablissement=world.etab_b, role=ENSEIGNANT)
    for etab in (world.etab_a, world.etab_b, None):
        ServiceGrant.objects.create(etablissement=etab, service="annuaire", profile=ENSEIGNANT,
                                    enabled=etab is None)
    catalogue_rights.roles_of(world.teacher_a)
    with django_assert_num_queries(1):
        assert catalogue_rights.enabled_services(world.teacher_a) == {
            "emploi_du_temps", "cahier", "appel"}
        catalogue_rights.has_service(world.teacher_a, "annuaire")

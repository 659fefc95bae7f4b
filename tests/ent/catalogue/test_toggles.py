"""The specific rights of the Services page, each enforced by ent.rights."""

from django.urls import reverse

from annuaire.models import EtabAccountSettings
from ent import rights
from ent.catalogue.models import ServiceToggle
from ent.rights import catalogue as catalogue_rights

PUPIL_CARDS = "annuaire.fiches_eleves"
CODES = "comptes.vie_scolaire_codes"


def test_teachers_see_the_pupils_full_card_once_the_principal_allows_it(
        world, login, save_services):
    world.pupil_a.ine = "123456789AB"
    world.pupil_a.save(update_fields=["ine"])
    url = reverse("annuaire:person", args=[world.pupil_a.pk])
    assert "123456789AB" not in login(world.teacher_a).get(url).content.decode()
    save_services(login(world.principal_a), world.etab_a, toggles=[PUPIL_CARDS])
    assert ServiceToggle.objects.get(etablissement=world.etab_a, toggle=PUPIL_CARDS).enabled
    page = login(world.teacher_a).get(url).content.decode()
    assert "123456789AB" in page
    # Not the login and account state, which stay the administrators'.
    assert world.pupil_a.login not in page
    # Another establishment's choice opens nothing here.
    assert not catalogue_rights.can_see_pupil_details(world.teacher_b, {world.etab_a.pk})
    assert login(world.teacher_b).get(url).status_code == 404


def test_the_academies_default_for_a_toggle(world, login, save_services):
    save_services(login(world.academy_admin), None, toggles=[PUPIL_CARDS])
    assert catalogue_rights.can_see_pupil_details(world.teacher_a, {world.etab_a.pk})
    assert catalogue_rights.can_see_pupil_details(world.teacher_b, {world.etab_b.pk})
    save_services(login(world.principal_a), world.etab_a)  # unchecked in collège A
    del world.teacher_a._roles_cache
    assert not catalogue_rights.can_see_pupil_details(world.teacher_a, {world.etab_a.pk})


def test_vie_scolaire_reissues_codes_from_the_services_page(world, login, save_services):
    assert world.etab_a.pk not in rights.code_reissue_etabs(world.cpe_a)
    save_services(login(world.principal_a), world.etab_a, toggles=[CODES])
    # Kept where the accounts' settings page reads and writes it: one storage.
    assert EtabAccountSettings.objects.get(etablissement=world.etab_a).vie_scolaire_reissues_codes
    cpe = login(world.cpe_a)
    assert world.etab_a.pk in rights.code_reissue_etabs(world.cpe_a)
    page = cpe.get(reverse("annuaire:person", args=[world.pupil_a.pk])).content.decode()
    assert reverse("annuaire:person_code", args=[world.pupil_a.pk]) in page
    page = login(world.principal_a).get(
        reverse("catalogue:etab_services", args=[world.etab_a.pk])).content.decode()
    assert 'name="toggle__comptes__vie_scolaire_codes" checked' in page
    save_services(login(world.principal_a), world.etab_a)
    del world.cpe_a._roles_cache
    assert world.etab_a.pk not in rights.code_reissue_etabs(world.cpe_a)


def test_the_academies_default_for_reissuing_codes(world, login, save_services):
    save_services(login(world.academy_admin), None, toggles=[CODES])
    assert world.etab_a.pk in rights.code_reissue_etabs(world.cpe_a)
    # An establishment that decided keeps its choice.
    EtabAccountSettings.objects.create(etablissement=world.etab_a,
                                       vie_scolaire_reissues_codes=False)
    del world.cpe_a._roles_cache
    assert world.etab_a.pk not in rights.code_reissue_etabs(world.cpe_a)


def test_later_services_declare_their_toggles():
    from ent.catalogue import registry

    spec = registry.service_register(key="cahier_test", label="Cahier de textes",
                                     profiles={"enseignant", "eleve"})
    try:
        registry.toggle_register(service="cahier_test", key="cahier_test.salles",
                                 label="Cahier de textes des salles")
        assert registry.toggle_spec("cahier_test.salles").service == "cahier_test"
        assert spec.toggles[0].label == "Cahier de textes des salles"
    finally:
        registry._services.pop("cahier_test")

"""Pupils and families reach their establishment's staff contacts (issue 15): direction, vie
scolaire, documentaliste, and the staff the feed knows only by function — the nurse (MDS) and
the PsyEN (ORI) — with a profile filter that offers only what finds someone."""

import html

import pytest
from django.urls import reverse
from django.utils import timezone

from annuaire.models import Fonction, Population, Profile, Role
from ent import rights
from tests.factories import PersonFactory, RoleFactory

URL = reverse("annuaire:directory")


def staff_by_function(etab, code, libelle, discipline, last_name):
    person = PersonFactory(population=Population.PERS_EDUC_NAT, profile=Profile.PERSONNEL,
                           first_name="Anne", last_name=last_name)
    RoleFactory(person=person, etablissement=etab, role=Role.Kind.PERSONNEL)
    Fonction.objects.create(person=person, etablissement=etab, code=code, libelle=libelle,
                            discipline_code="X", discipline_libelle=discipline)
    return person


@pytest.fixture
def contacts(world):
    nurse = staff_by_function(world.etab_a, "MDS", "MEDICO-SOCIAL", "INFIRMIER", "Soin")
    psyen = staff_by_function(world.etab_a, "ORI", "ORIENTATION", "PSYCHOLOGUE EDUC NAT", "Psy")
    nurse_b = staff_by_function(world.etab_b, "MDS", "MEDICO-SOCIAL", "INFIRMIER", "Soin-B")
    return nurse, psyen, nurse_b


def seen(viewer):
    return set(rights.persons_visible(viewer).values_list("pk", flat=True))


@pytest.mark.parametrize("who", ["pupil_a", "parent_a"])
def test_pupils_and_families_see_the_contacts_of_their_establishment(world, contacts, who):
    nurse, psyen, nurse_b = contacts
    visible = seen(getattr(world, who))
    assert {world.principal_a.pk, world.cpe_a.pk, world.doc_a.pk, nurse.pk, psyen.pk} <= visible
    # Not the rest of the staff, nor another collège's nurse.
    assert world.agent_a.pk not in visible and world.admin_etab_a.pk not in visible
    assert nurse_b.pk not in visible and world.principal_b.pk not in visible


def test_another_establishments_pupil_does_not_see_them(world, contacts):
    nurse, psyen, nurse_b = contacts
    visible = seen(world.pupil_b)
    assert nurse_b.pk in visible and world.principal_b.pk in visible
    assert not {nurse.pk, psyen.pk, world.cpe_a.pk, world.doc_a.pk} & visible


def test_a_contact_gone_from_the_feed_is_not_shown(world, contacts):
    nurse = contacts[0]
    nurse.deactivated_at = timezone.now()
    nurse.save()
    assert nurse.pk not in seen(world.pupil_a)


def test_pupil_finds_the_cpe_and_the_nurse_by_profile(world, contacts, login):
    nurse, psyen, _ = contacts
    client = login(world.pupil_a)
    response = client.get(URL, {"profile": "vie_scolaire"})
    assert {p.pk for p in response.context["page"].object_list} == {world.cpe_a.pk}
    response = client.get(URL, {"profile": "sante"})
    assert {p.pk for p in response.context["page"].object_list} == {nurse.pk}
    content = response.content.decode()
    assert "Infirmier" in content and "Personnel" not in content.split('class="people"')[1]
    response = client.get(URL, {"profile": "psyen"})
    assert {p.pk for p in response.context["page"].object_list} == {psyen.pk}
    assert "Psychologue de l'Éducation nationale" in html.unescape(response.content.decode())


def test_profile_filter_offers_only_what_finds_someone(world, login):
    response = login(world.pupil_a).get(URL)
    offered = dict(response.context["form"].fields["profile"].choices)
    assert {"eleve", "parent", "enseignant", "direction", "vie_scolaire",
            "documentaliste"} <= set(offered)
    # No nurse, no PsyEN in this collège yet; the pupil sees no agent nor administrator.
    assert not {"sante", "psyen", "personnel", "admin_etab"} & set(offered)
    # Another establishment's nurse does not make the choice appear either.
    staff_by_function(world.etab_b, "MDS", "MEDICO-SOCIAL", "INFIRMIER", "Soin-B")
    offered = dict(login(world.pupil_a).get(URL).context["form"].fields["profile"].choices)
    assert "sante" not in offered


def test_principal_is_offered_the_profiles_of_the_establishment(world, contacts, login):
    offered = dict(login(world.principal_a).get(URL).context["form"].fields["profile"].choices)
    assert {"personnel", "sante", "psyen", "admin_etab", "direction"} <= set(offered)
    offered = dict(login(world.principal_b).get(URL).context["form"].fields["profile"].choices)
    assert "psyen" not in offered and "sante" in offered


def test_pupil_cannot_open_a_contact_of_another_establishment(world, contacts, login):
    nurse_b = contacts[2]
    response = login(world.pupil_a).get(reverse("annuaire:person", args=[nurse_b.pk]))
    assert response.status_code == 404
    response = login(world.pupil_a).get(reverse("annuaire:person", args=[world.agent_a.pk]))
    assert response.status_code == 404

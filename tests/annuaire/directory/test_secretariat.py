"""The establishment's secretariat (issue 15): administrative staff by their AAF function (ADF),
or designated by the principal, browse the establishment's directory, deposit SIECLE exports
and print connection letters; the principal withdraws either right on the secretariat page."""

import pytest
from django.urls import reverse

from annuaire.models import Fonction, Person, Population, Profile, Role, SecretariatMember
from ent import rights
from tests.factories import PersonFactory, RoleFactory

DIRECTORY = reverse("annuaire:directory")
SIECLE = reverse("annuaire:siecle_imports")


def secretary_of(etab, last_name="Secretaire"):
    """A « SECRETARIAT DE DIRECTION » as the AAF gives one: personnel, function ADF."""
    person = PersonFactory(population=Population.PERS_EDUC_NAT, profile=Profile.PERSONNEL,
                           first_name="Sylvie", last_name=last_name)
    RoleFactory(person=person, etablissement=etab, role=Role.Kind.PERSONNEL)
    Fonction.objects.create(person=person, etablissement=etab, code="ADF",
                            libelle="ADMINISTRATION", discipline_code="A0030",
                            discipline_libelle="SECRETARIAT DE DIRECTION")
    return person


@pytest.fixture
def secretary(world):
    return secretary_of(world.etab_a)


def page_url(world, etab=None):
    return reverse("annuaire:secretariat", args=[(etab or world.etab_a).pk])


def seen(response):
    return {p.pk for p in response.context["page"].object_list}


def test_secretary_browses_the_establishments_directory(world, secretary, login):
    client = login(secretary)
    response = client.get(DIRECTORY)
    assert response.status_code == 200 and response.context["etab"] == world.etab_a
    assert {world.pupil_a.pk, world.pupil_a3.pk, world.parent_a.pk, world.agent_a.pk} <= seen(
        response)
    assert world.pupil_b.pk not in seen(response)
    assert client.get(DIRECTORY, {"etab": world.etab_b.pk}).status_code == 404
    assert client.get(reverse("annuaire:person", args=[world.pupil_b.pk])).status_code == 404
    # Logins and account states stay the administrators'.
    assert "state" not in response.context["form"].fields


def test_an_administrative_function_elsewhere_gives_nothing_here(world, login):
    # ADF in B, mere personnel in A: B's secretariat only.
    person = secretary_of(world.etab_b)
    RoleFactory(person=person, etablissement=world.etab_a, role=Role.Kind.PERSONNEL)
    assert rights.full_directory_etab_ids(person) == {world.etab_b.pk}
    assert login(person).get(DIRECTORY, {"etab": world.etab_a.pk}).status_code == 404


def test_secretary_deposits_siecle_and_prints_letters_by_default(world, secretary, login):
    client = login(secretary)
    home = client.get(reverse("home")).content.decode()
    assert "Compléments SIECLE et STS-web" in home and "Comptes et activation" in home
    page = client.get(SIECLE)
    assert page.status_code == 200
    assert world.etab_a.name in page.content.decode()
    assert world.etab_b.name not in page.content.decode()
    board = client.get(reverse("annuaire:accounts_etab", args=[world.etab_a.pk]))
    assert board.status_code == 200
    assert reverse("annuaire:account_settings", args=[world.etab_a.pk]) not in (
        board.content.decode())
    assert client.get(reverse("annuaire:letters", args=[world.etab_a.pk])).status_code == 200
    # Another establishment's pages, the charte and the secretariat page: not theirs.
    for url in (reverse("annuaire:accounts_etab", args=[world.etab_b.pk]),
                reverse("annuaire:account_settings", args=[world.etab_a.pk]),
                page_url(world)):
        assert client.get(url).status_code == 404, url
    response = client.post(SIECLE, {"etablissement": world.etab_b.pk})
    assert response.status_code == 404


def test_principal_withdraws_each_right(world, secretary, login):
    principal = login(world.principal_a)
    response = principal.post(page_url(world), {"action": "rights", "prints_letters": "on"})
    assert response.status_code == 302
    client = login(secretary)
    assert client.get(SIECLE).status_code == 404
    assert "Compléments SIECLE" not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("annuaire:accounts_etab", args=[world.etab_a.pk])).status_code \
        == 200
    principal = login(world.principal_a)
    principal.post(page_url(world), {"action": "rights", "imports_siecle": "on"})
    client = login(secretary)
    assert client.get(SIECLE).status_code == 200
    assert client.get(reverse("annuaire:accounts_etab", args=[world.etab_a.pk])).status_code \
        == 404
    assert client.get(reverse("annuaire:accounts")).status_code == 404
    # The directory is the secretariat's whatever the principal withdraws.
    assert world.pupil_a3.pk in seen(client.get(DIRECTORY))


def test_principal_designates_then_withdraws_a_member(world, login):
    principal = login(world.principal_a)
    page = principal.get(page_url(world))
    assert page.status_code == 200
    assert (world.agent_a.pk, world.agent_a.display_name) in page.context[
        "designate_form"].fields["person"].choices
    response = principal.post(page_url(world), {"action": "designate",
                                                "person": world.agent_a.pk})
    assert response.status_code == 302
    member = SecretariatMember.objects.get()
    assert member.person == world.agent_a and member.designated_by == world.principal_a
    agent = login(world.agent_a)
    assert world.pupil_a3.pk in seen(agent.get(DIRECTORY))
    assert agent.get(SIECLE).status_code == 200
    principal = login(world.principal_a)
    principal.post(page_url(world), {"action": "withdraw", "member": member.pk})
    assert not SecretariatMember.objects.exists()
    agent = login(world.agent_a)
    assert agent.get(DIRECTORY, {"etab": world.etab_a.pk}).status_code == 404
    assert agent.get(SIECLE).status_code == 404


@pytest.mark.parametrize("who", ["teacher_a", "cpe_a", "pupil_a", "principal_b"])
def test_only_the_establishments_personnel_can_be_designated(world, login, who):
    principal = login(world.principal_a)
    response = principal.post(page_url(world), {"action": "designate",
                                                "person": getattr(world, who).pk})
    assert response.status_code == 200 and response.context["designate_form"].errors
    assert not SecretariatMember.objects.exists()


@pytest.mark.parametrize("who", ["admin_etab_a", "academy_admin"])
def test_administrators_manage_the_secretariat(world, secretary, login, who,
                                               django_assert_max_num_queries):
    client = login(getattr(world, who))
    with django_assert_max_num_queries(12):
        page = client.get(page_url(world))
    assert page.status_code == 200
    assert secretary.display_name in page.content.decode()
    board = client.get(reverse("annuaire:accounts_etab", args=[world.etab_a.pk]))
    assert page_url(world) in board.content.decode()


@pytest.mark.parametrize("who", ["cpe_a", "doc_a", "agent_a", "teacher_a", "pupil_a",
                                 "parent_a", "principal_b", "teacher_b", "parent_b"])
def test_secretariat_page_refused_to_other_roles(world, secretary, login, who):
    client = login(getattr(world, who))
    assert client.get(page_url(world)).status_code == 404
    response = client.post(page_url(world), {"action": "rights"})
    assert response.status_code == 404
    response = client.post(page_url(world), {"action": "designate", "person": world.agent_a.pk})
    assert response.status_code == 404
    assert not SecretariatMember.objects.exists()
    assert Person.objects.get(pk=secretary.pk)


def test_another_establishments_member_cannot_be_withdrawn(world, login):
    agent_b = PersonFactory(population=Population.PERS_EDUC_NAT, profile=Profile.PERSONNEL)
    RoleFactory(person=agent_b, etablissement=world.etab_b, role=Role.Kind.PERSONNEL)
    member = SecretariatMember.objects.create(etablissement=world.etab_b, person=agent_b)
    response = login(world.principal_a).post(page_url(world), {"action": "withdraw",
                                                               "member": member.pk})
    assert response.status_code == 404
    assert SecretariatMember.objects.filter(pk=member.pk).exists()

"""Administration > Services and its pages: who reaches them, per role; the rest get a 404."""

import pytest
from django.urls import reverse

from ent.catalogue.models import ServiceGrant

ALL = ("principal_a", "admin_etab_a", "cpe_a", "doc_a", "agent_a", "teacher_a", "pupil_a",
       "parent_a", "contact_a", "principal_b", "teacher_b", "parent_b", "academy_admin")


def _status(client, url):
    return client.get(url).status_code


@pytest.mark.parametrize("who", ALL)
def test_the_administration_index(world, login, who):
    allowed = {"principal_a", "admin_etab_a", "principal_b", "academy_admin"}
    status = _status(login(getattr(world, who)), reverse("catalogue:index"))
    assert status == (200 if who in allowed else 404)


@pytest.mark.parametrize("who", ALL)
def test_an_establishments_services_page(world, login, who):
    allowed = {"principal_a", "admin_etab_a", "academy_admin"}
    client = login(getattr(world, who))
    url = reverse("catalogue:etab_services", args=[world.etab_a.pk])
    assert _status(client, url) == (200 if who in allowed else 404)
    if who not in allowed:
        assert client.post(url, {}).status_code == 404
        assert not ServiceGrant.objects.exists()


@pytest.mark.parametrize("who", ALL)
def test_the_academies_defaults_page(world, login, who):
    client = login(getattr(world, who))
    url = reverse("catalogue:academie_services")
    assert _status(client, url) == (200 if who == "academy_admin" else 404)
    if who != "academy_admin":
        assert client.post(url, {}).status_code == 404


@pytest.mark.parametrize("who", ALL)
def test_the_principals_responsibilities_page(world, login, who):
    # The establishment's administrator administers, but delegating is the principal's.
    allowed = {"principal_a", "academy_admin"}
    client = login(getattr(world, who))
    url = reverse("catalogue:responsibilities", args=[world.etab_a.pk])
    assert _status(client, url) == (200 if who in allowed else 404)
    if who not in allowed:
        publication = reverse("catalogue:publication", args=[world.etab_a.pk])
        assert client.post(publication, {"person": world.doc_a.pk}).status_code == 404


def test_unknown_establishment_is_a_404(world, login):
    client = login(world.academy_admin)
    assert _status(client, reverse("catalogue:etab_services", args=[999999])) == 404


def test_the_page_is_a_table_of_labelled_checkboxes(world, login):
    html = login(world.principal_a).get(
        reverse("catalogue:etab_services", args=[world.etab_a.pk])).content.decode()
    assert '<label for="service__emploi_du_temps__parent" class="visually-hidden">' \
           "Emploi du temps pour les parents</label>" in html
    assert "Consultation des fiches élèves" in html
    assert "La vie scolaire peut réimprimer des codes" in html
    # The administrators keep their own tools: no box to switch them off.
    assert 'name="service__comptes__direction"' not in html


def test_the_menu_leads_the_principal_to_services(world, login):
    client = login(world.principal_a)
    assert reverse("catalogue:index") in client.get(reverse("home")).content.decode()
    index = client.get(reverse("catalogue:index")).content.decode()
    assert reverse("catalogue:etab_services", args=[world.etab_a.pk]) in index
    assert reverse("catalogue:etab_services", args=[world.etab_b.pk]) not in index


def test_the_services_page_has_a_bounded_query_count(world, login, django_assert_max_num_queries,
                                                     save_services):
    client = login(world.principal_a)
    url = reverse("catalogue:etab_services", args=[world.etab_a.pk])
    save_services(client, world.etab_a, off=[("annuaire", "parent")])
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200

"""The principal's two roles: administration (delegated for a period) and publication."""

import datetime

from django.urls import reverse
from django.utils import timezone

from annuaire.models import Role
from ent import rights
from ent.catalogue.models import AdminDelegation, PublicationResponsible
from ent.rights import catalogue as catalogue_rights

TODAY = timezone.localdate


def _delegate(client, etab, person, ends_on, starts_on=None, motif="Délégation à la DANE"):
    return client.post(reverse("catalogue:responsibilities", args=[etab.pk]), {
        "login": person.login, "starts_on": (starts_on or TODAY()).isoformat(),
        "ends_on": ends_on.isoformat(), "motif": motif})


def _fresh(person):
    for cache in ("_roles_cache", "_service_pairs_cache"):
        person.__dict__.pop(cache, None)
    return person


def test_a_delegate_administers_until_the_end_date(world, login):
    adviser = world.teacher_b
    services_url = reverse("catalogue:etab_services", args=[world.etab_a.pk])
    assert login(adviser).get(services_url).status_code == 404
    response = _delegate(login(world.principal_a), world.etab_a, adviser,
                         TODAY() + datetime.timedelta(days=30))
    assert response.status_code == 302
    delegation = AdminDelegation.objects.get()
    assert delegation.role.role == Role.Kind.ADMIN_ETAB and delegation.granted_by == \
        world.principal_a
    assert rights.administers(_fresh(adviser), world.etab_a)
    client = login(adviser)
    assert client.get(services_url).status_code == 200
    assert client.get(reverse("annuaire:blocks_etab", args=[world.etab_a.pk])).status_code \
        == 200
    # A delegate administers but does not delegate further.
    assert client.get(reverse("catalogue:responsibilities", args=[world.etab_a.pk])
                      ).status_code == 404
    # Its end date passed: it ends by itself.
    AdminDelegation.objects.update(ends_on=TODAY() - datetime.timedelta(days=1))
    assert not rights.administers(_fresh(adviser), world.etab_a)
    assert login(adviser).get(services_url).status_code == 404
    assert "Terminée" in login(world.principal_a).get(
        reverse("catalogue:responsibilities", args=[world.etab_a.pk])).content.decode()


def test_a_delegation_to_come_gives_nothing_yet(world, login):
    _delegate(login(world.principal_a), world.etab_a, world.teacher_b,
              TODAY() + datetime.timedelta(days=10),
              starts_on=TODAY() + datetime.timedelta(days=2))
    assert not rights.administers(_fresh(world.teacher_b), world.etab_a)


def test_the_principal_ends_a_delegation(world, login):
    principal = login(world.principal_a)
    _delegate(principal, world.etab_a, world.teacher_b, TODAY() + datetime.timedelta(days=30))
    delegation = AdminDelegation.objects.get()
    end = reverse("catalogue:delegation_end", args=[world.etab_a.pk, delegation.pk])
    # Another collège's principal cannot.
    assert login(world.principal_b).post(end).status_code == 404
    assert login(world.principal_a).post(end).status_code == 302
    assert not rights.administers(_fresh(world.teacher_b), world.etab_a)
    # Granted again later, the same delegation takes new dates.
    _delegate(login(world.principal_a), world.etab_a, world.teacher_b,
              TODAY() + datetime.timedelta(days=5))
    assert AdminDelegation.objects.count() == 1
    assert rights.administers(_fresh(world.teacher_b), world.etab_a)


def test_refusals_of_the_delegation_form(world, login):
    principal = login(world.principal_a)
    response = _delegate(principal, world.etab_a, world.admin_etab_a,
                         TODAY() + datetime.timedelta(days=3))
    assert response.status_code == 200
    assert "administre déjà" in response.content.decode()
    response = _delegate(principal, world.etab_a, world.teacher_b,
                         TODAY() - datetime.timedelta(days=3),
                         starts_on=TODAY() - datetime.timedelta(days=5))
    assert "La date de fin est déjà passée." in response.content.decode()
    assert not AdminDelegation.objects.exists()


def test_publication_is_a_right_apart_from_administration(world, login):
    assert catalogue_rights.is_publication_responsible(world.principal_a, world.etab_a)
    assert not catalogue_rights.is_publication_responsible(world.principal_b, world.etab_a)
    response = login(world.principal_a).post(
        reverse("catalogue:publication", args=[world.etab_a.pk]), {"person": world.doc_a.pk})
    assert response.status_code == 302
    assert PublicationResponsible.objects.get().person == world.doc_a
    assert catalogue_rights.is_publication_responsible(world.doc_a, world.etab_a)
    assert not catalogue_rights.is_publication_responsible(world.principal_a, world.etab_a)
    # Publication does not make the documentaliste an administrator.
    assert not rights.administers(world.doc_a, world.etab_a)
    # A person of another collège cannot be named.
    response = login(world.principal_a).post(
        reverse("catalogue:publication", args=[world.etab_a.pk]),
        {"person": world.teacher_b.pk})
    assert response.status_code == 200
    assert PublicationResponsible.objects.get().person == world.doc_a
    login(world.principal_a).post(reverse("catalogue:publication", args=[world.etab_a.pk]),
                                  {"person": ""})
    assert catalogue_rights.is_publication_responsible(world.principal_a, world.etab_a)

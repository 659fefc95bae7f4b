"""Actions on one account held by several establishments, or on an establishment's
administrator: new code, login, suspension, reactivation, purge (issue 13, item 5)."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from annuaire.models import ActivationCode, EtabAccountSettings, Person, Role
from ent import rights
from tests.factories import ParenteFactory, RoleFactory

# Everyone who is not the académie: none of them may change a shared account.
ETAB_VIEWERS = ["principal_a", "admin_etab_a", "cpe_a", "teacher_a", "principal_b", "parent_b"]


@pytest.fixture
def shared(world):
    """parent_a also has a child in collège B: a legal guardian there too."""
    ParenteFactory(eleve=world.pupil_b, responsable=world.parent_a)
    RoleFactory(person=world.parent_a, etablissement=world.etab_b, role=Role.Kind.PARENT)
    # And the contact without a role now answers for a pupil of B as well.
    ParenteFactory(eleve=world.pupil_b, responsable=world.contact_a, lien_code="4", legal=0,
                   representant_legal=False, financier=False)
    EtabAccountSettings.objects.create(etablissement=world.etab_a,
                                       vie_scolaire_reissues_codes=True)
    return world


def _deactivated(person):
    Person.objects.filter(pk=person.pk).update(
        deactivated_at=timezone.now() - timedelta(days=3), is_active=False)
    person.refresh_from_db()
    return person


def _actions(person, suspend=False):
    """The actions on the whole account. A suspension is one establishment's (item 6,
    test_suspension_levels.py): it belongs here only for establishment administrators."""
    actions = {
        "code": (reverse("annuaire:person_code", args=[person.pk]), {}),
        "login": (reverse("annuaire:person_login", args=[person.pk]), {"login": "pirate.x"}),
    }
    if suspend:
        actions["suspend"] = (reverse("annuaire:person_suspend", args=[person.pk]), {"reason": "x"})
    return actions


def _unchanged(person, login_before):
    person.refresh_from_db()
    assert person.login == login_before and person.has_usable_password()
    assert person.suspended_at is None and person.activated_at is not None
    assert not ActivationCode.objects.filter(person=person).exists()


@pytest.mark.parametrize("who", ETAB_VIEWERS)
@pytest.mark.parametrize("target", ["parent_a", "contact_a"])
def test_an_establishment_cannot_change_a_shared_account(shared, login, mailoutbox, who, target):
    person = getattr(shared, target)
    client = login(getattr(shared, who))
    before = person.login
    for name, (url, data) in _actions(person).items():
        assert client.post(url, data).status_code == 404, name
    _unchanged(person, before)
    assert not mailoutbox


@pytest.mark.parametrize("who", ["principal_a", "admin_etab_a", "principal_b"])
def test_nor_reactivate_or_purge_it(shared, login, who):
    person = _deactivated(shared.parent_a)
    client = login(getattr(shared, who))
    for name in ("person_reactivate", "person_purge"):
        url = reverse(f"annuaire:{name}", args=[person.pk])
        assert client.post(url).status_code == 404, name
        assert client.get(url).status_code in (404, 405), name
    person.refresh_from_db()
    assert person.deactivated_at is not None


def test_the_card_says_why_and_offers_nothing(shared, login):
    html = login(shared.principal_a).get(
        reverse("annuaire:person", args=[shared.parent_a.pk])).content.decode()
    assert "seule l&#x27;académie peut le modifier" in html
    for offer in ("Imprimer une fiche avec un nouveau code", "Changer l'identifiant"):
        assert offer not in html


def test_the_academie_may(shared, login):
    client = login(shared.academy_admin)
    response = client.post(reverse("annuaire:person_login", args=[shared.parent_a.pk]),
                           {"login": "sophie.dupont2"})
    assert response.status_code == 302
    shared.parent_a.refresh_from_db()
    assert shared.parent_a.login == "sophie.dupont2"
    response = client.post(reverse("annuaire:person_code", args=[shared.parent_a.pk]))
    assert response["Content-Type"] == "application/pdf"


def test_a_direction_of_every_establishment_may(shared, login):
    RoleFactory(person=shared.principal_a, etablissement=shared.etab_b, role=Role.Kind.DIRECTION)
    response = login(shared.principal_a).post(
        reverse("annuaire:person_code", args=[shared.parent_a.pk]))
    assert response["Content-Type"] == "application/pdf"


def test_a_teacher_shared_by_two_collèges(world, login):
    RoleFactory(person=world.teacher_a, etablissement=world.etab_b, role=Role.Kind.ENSEIGNANT)
    client = login(world.principal_a)
    assert client.post(reverse("annuaire:person_code", args=[world.teacher_a.pk])).status_code \
        == 404
    assert client.post(reverse("annuaire:person_code", args=[world.teacher_a2.pk]))[
        "Content-Type"] == "application/pdf"


@pytest.mark.parametrize(("who", "target"), [("principal_a", "admin_etab_a"),
                                             ("admin_etab_a", "principal_a")])
def test_only_the_academie_acts_on_an_establishment_administrator(world, login, who, target):
    person = getattr(world, target)
    client = login(getattr(world, who))
    before = person.login
    for name, (url, data) in _actions(person, suspend=True).items():
        assert client.post(url, data).status_code == 404, name
    _unchanged(person, before)
    html = client.get(reverse("annuaire:person", args=[person.pk])).content.decode()
    assert "Imprimer une fiche avec un nouveau code" not in html
    admin = login(world.academy_admin)
    assert admin.post(reverse("annuaire:person_code", args=[person.pk]))[
        "Content-Type"] == "application/pdf"


@pytest.mark.parametrize("who", ETAB_VIEWERS)
def test_the_rule_per_role(shared, who):
    viewer = getattr(shared, who)
    for target in (shared.parent_a, shared.contact_a, shared.principal_a, shared.admin_etab_a):
        if target.pk != viewer.pk:
            if target in (shared.principal_a, shared.admin_etab_a):
                assert not rights.can_suspend(viewer, target)
            assert not rights.can_act_on_account(viewer, target)
            assert not rights.can_change_account_state(viewer, target)
            assert not rights.can_reissue_code(viewer, target, shared.etab_a)
    assert rights.can_act_on_account(shared.academy_admin, shared.parent_a)


def test_a_reissue_of_an_activated_account_tells_its_owner(
        world, login, mailoutbox, django_capture_on_commit_callbacks):
    parent = world.parent_a
    parent.email = "sophie.dupont@example.org"
    parent.save(update_fields=["email"])
    EmailAddress.objects.create(user=parent, email="sophie@perso.example", verified=True,
                                primary=True)
    EmailAddress.objects.create(user=parent, email="jamais.confirmee@example.org",
                                verified=False, primary=False)
    client = login(world.principal_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("annuaire:person_code", args=[parent.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert sorted(m.to[0] for m in mailoutbox) == ["sophie.dupont@example.org",
                                                  "sophie@perso.example"]
    mail = mailoutbox[0]
    assert "Nouveau code d'activation" in mail.subject
    assert parent.login in mail.body and world.etab_a.name in mail.body
    assert "Votre mot de passe ne fonctionne plus" in mail.body
    # A second reissue, the account not activated again: nothing to tell.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("annuaire:person_code", args=[parent.pk]))
    assert not mailoutbox


def test_vie_scolaire_by_the_principal_s_leave_stays_within_its_collège(shared, login):
    client = login(shared.cpe_a)
    assert client.post(reverse("annuaire:person_code", args=[shared.parent_a.pk])).status_code \
        == 404
    assert client.post(reverse("annuaire:person_code", args=[shared.pupil_a.pk]))[
        "Content-Type"] == "application/pdf"

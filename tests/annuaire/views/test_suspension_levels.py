"""Suspension per establishment, recorded with its level (issue 13, item 6): a person is
refused only where every establishment that holds them refused them, and only the level that
decided a suspension, or the académie, lifts it."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from annuaire import blocking
from annuaire.models import AccountState, LoginBlock, Role, Suspension
from ent import rights
from tests.factories import PASSWORD, ParenteFactory, RoleFactory

LOGIN = reverse("account_login")


@pytest.fixture
def shared(world):
    """parent_a has a child in collège B too, where they are a legal guardian as well."""
    ParenteFactory(eleve=world.pupil_b, responsable=world.parent_a)
    RoleFactory(person=world.parent_a, etablissement=world.etab_b, role=Role.Kind.PARENT)
    return world


def suspend(client, person, reason="Usurpation d'identité"):
    return client.post(reverse("annuaire:person_suspend", args=[person.pk]), {"reason": reason},
                       follow=True)


def reinstate(client, person):
    return client.post(reverse("annuaire:person_reinstate", args=[person.pk]), follow=True)


def logs_in(person):
    response = Client().post(LOGIN, {"login": person.login, "password": PASSWORD})
    return response.status_code == 302


def test_a_suspension_by_a_does_not_block_the_parent_in_b(shared, login):
    w = shared
    text = suspend(login(w.principal_a), w.parent_a).content.decode()
    assert "suspendu dans votre établissement" in text
    assert f"Suspendu par {w.etab_a.name}" in text
    w.parent_a.refresh_from_db()
    assert w.parent_a.suspended_at is None and w.parent_a.is_active
    assert w.parent_a.state == AccountState.OPERATIONNEL
    assert logs_in(w.parent_a)
    row = Suspension.objects.get(person=w.parent_a)
    assert row.etablissement == w.etab_a and row.decided_by == w.principal_a
    # Once collège B refuses them too, they are refused everywhere.
    suspend(login(w.principal_b), w.parent_a, reason="Menaces")
    w.parent_a.refresh_from_db()
    assert w.parent_a.state == AccountState.SUSPENDU and not w.parent_a.is_active
    assert not logs_in(w.parent_a)


def test_each_level_lifts_only_its_own(shared, login):
    w = shared
    suspend(login(w.principal_a), w.parent_a)
    suspend(login(w.principal_b), w.parent_a, reason="Menaces")
    # B lifts its own; A's stays, so the parent logs in again for B.
    text = reinstate(login(w.principal_b), w.parent_a).content.decode()
    assert "reste suspendu ailleurs" in text
    assert list(Suspension.objects.filter(person=w.parent_a).values_list(
        "etablissement_id", flat=True)) == [w.etab_a.pk]
    w.parent_a.refresh_from_db()
    assert w.parent_a.suspended_at is None and logs_in(w.parent_a)
    # Nothing of B's left: B cannot lift A's suspension.
    text = reinstate(login(w.principal_b), w.parent_a).content.decode()
    assert f"suspendu par {w.etab_a.name}" in text
    assert Suspension.objects.filter(person=w.parent_a).count() == 1
    # The académie is above: it lifts A's.
    reinstate(login(w.academy_admin), w.parent_a)
    assert not Suspension.objects.filter(person=w.parent_a).exists()


def test_a_cannot_lift_the_academie_s_suspension(world, login):
    w = world
    suspend(login(w.academy_admin), w.pupil_a)
    row = Suspension.objects.get(person=w.pupil_a)
    assert row.etablissement is None and row.decided_by == w.academy_admin
    w.pupil_a.refresh_from_db()
    assert w.pupil_a.state == AccountState.SUSPENDU
    principal = login(w.principal_a)
    card = principal.get(reverse("annuaire:person", args=[w.pupil_a.pk])).content.decode()
    assert "Suspendu par l&#x27;académie" in card and "Rétablir le compte" not in card
    assert "seule l'académie peut lever cette suspension" in card
    text = reinstate(principal, w.pupil_a).content.decode()
    assert "décidée par l&#x27;académie : seule l&#x27;académie peut la lever" in text
    w.pupil_a.refresh_from_db()
    assert w.pupil_a.state == AccountState.SUSPENDU and not logs_in(w.pupil_a)
    listing = principal.get(reverse("annuaire:suspended_accounts")).content.decode()
    assert w.pupil_a.display_name in listing and "Seule l'académie peut lever" in listing
    reinstate(login(w.academy_admin), w.pupil_a)
    w.pupil_a.refresh_from_db()
    assert w.pupil_a.state == AccountState.OPERATIONNEL and logs_in(w.pupil_a)


def test_a_suspension_where_the_others_block_refuses(shared, login):
    """A's suspension and B's block of parents together refuse the parent everywhere."""
    w = shared
    suspend(login(w.principal_a), w.parent_a)
    assert logs_in(w.parent_a)
    now = timezone.now()
    blocking.login_block_create(
        acting_user=w.principal_b, etab=w.etab_b, target=LoginBlock.Target.PROFILE,
        profile=LoginBlock.BlockedProfile.PARENTS, starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=2), message="Conseils de classe")
    assert blocking.login_refusal(person=w.parent_a)
    assert not logs_in(w.parent_a)
    # parent_b, only in B, is blocked by the block alone; a parent of A only is not.
    assert blocking.login_refusal(person=w.parent_b)


def test_the_lists_follow_the_levels(shared, login):
    w = shared
    suspend(login(w.principal_a), w.parent_a)
    listing = login(w.principal_a).get(reverse("annuaire:suspended_accounts")).content.decode()
    assert w.parent_a.display_name in listing
    assert "Se connecte encore pour ses autres établissements" in listing
    other = login(w.principal_b).get(reverse("annuaire:suspended_accounts")).content.decode()
    assert w.parent_a.display_name not in other and "Aucun compte suspendu" in other
    card = login(w.principal_b).get(reverse("annuaire:person", args=[w.parent_a.pk]))
    html = card.content.decode()
    # B sees A's decision, not its reason, and may suspend in B.
    assert f"Suspendu par {w.etab_a.name}" in html and "Usurpation" not in html
    assert "Suspendre le compte" in html and "pour votre établissement seulement" in html


@pytest.mark.parametrize(("who", "levels"), [
    ("principal_a", "a"), ("admin_etab_a", "a"), ("principal_b", "b"), ("academy_admin", None),
    ("cpe_a", ()), ("teacher_a", ()), ("parent_b", ()), ("pupil_a", ())])
def test_levels_per_role(shared, who, levels):
    w = shared
    expected = {"a": [w.etab_a.pk], "b": [w.etab_b.pk], None: [None], (): []}[levels]
    viewer = getattr(w, who)
    assert rights.suspension_levels(viewer, w.parent_a) == expected
    manages = rights.can_manage_account_state(viewer, w.parent_a)
    assert rights.can_suspend(viewer, w.parent_a) is bool(expected and manages)

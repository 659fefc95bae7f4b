"""Suspension, reinstatement, reactivation and purge of one account."""

from datetime import timedelta

import pytest
from django.utils import timezone

from annuaire import services
from annuaire.models import AccountState, Inscription, Person, PurgeRun
from ent import rights


def test_suspend_and_reinstate(world):
    services.account_suspend(person=world.pupil_a, reason="Usurpation", acting_user=world.principal_a)
    world.pupil_a.refresh_from_db()
    assert world.pupil_a.state == AccountState.SUSPENDU and not world.pupil_a.is_active
    assert world.pupil_a.suspended_reason == "Usurpation"
    services.account_reinstate(person=world.pupil_a, acting_user=world.principal_a)
    world.pupil_a.refresh_from_db()
    assert world.pupil_a.state == AccountState.OPERATIONNEL and world.pupil_a.is_active
    assert world.pupil_a.suspended_reason == ""


def test_a_reason_is_required(world):
    with pytest.raises(services.AccountStateError, match="motif"):
        services.account_suspend(person=world.pupil_a, reason=" ", acting_user=world.principal_a)


def test_reactivation_gives_the_same_account_back(world):
    pupil = world.pupil_a
    pupil.deactivated_at = timezone.now() - timedelta(days=3)
    pupil.is_active = False
    pupil.save()
    services.account_reactivate(person=pupil, acting_user=world.principal_a)
    again = Person.objects.get(pk=pupil.pk)
    assert again.deactivated_at is None and again.is_active
    assert again.login == pupil.login and again.password == pupil.password
    assert Inscription.objects.filter(eleve=again).count() == 2


def test_reactivating_a_suspended_account_keeps_it_suspended(world):
    pupil = world.pupil_a
    pupil.deactivated_at = pupil.suspended_at = timezone.now()
    pupil.is_active = False
    pupil.save()
    services.account_reactivate(person=pupil, acting_user=world.principal_a)
    pupil.refresh_from_db()
    assert pupil.state == AccountState.SUSPENDU and not pupil.is_active


def test_purge_one_account_now_is_audited(world):
    world.pupil_a3.deactivated_at = timezone.now()
    world.pupil_a3.save()
    run = services.account_purge(person=world.pupil_a3, acting_user=world.principal_a)
    assert not Person.objects.filter(pk=world.pupil_a3.pk).exists()
    assert run.total == 1 and run.counts == {"Eleve": 1} and run.origin == "manuel"
    assert run.triggered_by == world.principal_a
    assert PurgeRun.objects.count() == 1


def test_an_active_account_is_never_purged(world):
    with pytest.raises(services.AccountStateError):
        services.account_purge(person=world.pupil_a, acting_user=world.academy_admin)
    assert Person.objects.filter(pk=world.pupil_a.pk).exists()


@pytest.mark.parametrize("viewer, target, allowed", [
    ("principal_a", "pupil_a", True), ("admin_etab_a", "teacher_a", True),
    ("principal_a", "contact_a", True),  # a relative with no role, through their pupil
    ("academy_admin", "pupil_b", True), ("academy_admin", "principal_a", True),
    ("principal_a", "principal_a", False), ("principal_a", "academy_admin", False),
    ("principal_b", "pupil_a", False), ("cpe_a", "pupil_a", False),
    ("teacher_a", "pupil_a", False), ("parent_a", "pupil_a", False),
    ("pupil_a", "pupil_a2", False),
])
def test_who_may_suspend_whom(world, viewer, target, allowed):
    assert rights.can_suspend(getattr(world, viewer), getattr(world, target)) is allowed

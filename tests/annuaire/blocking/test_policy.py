"""Who a block reaches, and how blocks combine across establishments."""

from datetime import timedelta

import pytest
from django.utils import timezone

from annuaire import blocking
from annuaire.models import LoginBlock, Role
from tests.factories import RoleFactory

P = LoginBlock.BlockedProfile
T = LoginBlock.Target


def blocked(person):
    return bool(blocking.blocks_applying_to(person=person))


def test_nobody_is_blocked_without_blocks(world):
    assert not any(blocked(p) for p in world.roles().values())


def test_a_profile_block_reaches_that_profile_in_that_establishment_only(world, block):
    block(profile=P.ELEVES)
    assert blocked(world.pupil_a) and blocked(world.pupil_a3)
    assert not blocked(world.pupil_b)
    assert not blocked(world.parent_a) and not blocked(world.teacher_a)
    assert not blocked(world.principal_a) and not blocked(world.admin_etab_a)


@pytest.mark.parametrize("profile, reached, spared", [
    (P.PARENTS, ["parent_a", "contact_a"], ["pupil_a", "teacher_a", "parent_b"]),
    (P.ENSEIGNANTS, ["teacher_a", "doc_a"], ["cpe_a", "principal_a", "teacher_b"]),
    (P.PERSONNELS, ["cpe_a", "agent_a"], ["principal_a", "admin_etab_a", "teacher_a"]),
])
def test_each_profile(world, block, profile, reached, spared):
    block(profile=profile)
    assert all(blocked(getattr(world, name)) for name in reached)
    assert not any(blocked(getattr(world, name)) for name in spared)


def test_a_division_block_reaches_its_pupils(world, block):
    block(T.DIVISION, regroupement=world.div_3a)
    assert blocked(world.pupil_a) and blocked(world.pupil_a2)
    assert not blocked(world.pupil_a3) and not blocked(world.teacher_a)
    assert not blocked(world.parent_a)


def test_a_whole_establishment_block_reaches_its_direction_but_not_the_academie(world, block):
    block(T.ETABLISSEMENT)
    for name in ("principal_a", "admin_etab_a", "teacher_a", "pupil_a", "parent_a", "agent_a"):
        assert blocked(getattr(world, name)), name
    assert not blocked(world.academy_admin) and not blocked(world.pupil_b)


def test_academy_admins_and_superusers_are_never_blocked(world, block):
    RoleFactory(person=world.academy_admin, etablissement=world.etab_a, role=Role.Kind.ENSEIGNANT)
    world.agent_a.is_superuser = True
    world.agent_a.save()
    block(T.ETABLISSEMENT)
    assert not blocked(world.academy_admin) and not blocked(world.agent_a)


def test_a_parent_of_two_establishments_is_blocked_only_when_both_block(world, block):
    # Sophie Dupont also has a child in the other collège.
    RoleFactory(person=world.parent_a, etablissement=world.etab_b, role=Role.Kind.PARENT)
    block(profile=P.PARENTS)
    assert not blocked(world.parent_a)
    block(profile=P.PARENTS, etab=world.etab_b, viewer=world.principal_b, message="Rentrée")
    applying = blocking.blocks_applying_to(person=world.parent_a)
    assert {b.message for b in applying} == {"Fermé pendant les examens", "Rentrée"}
    message = blocking.block_message(applying)
    assert "Fermé pendant les examens" in message and "Rentrée" in message


def test_a_teacher_who_is_also_a_parent_is_not_locked_out_by_a_parents_block(world, block):
    RoleFactory(person=world.teacher_a, etablissement=world.etab_a, role=Role.Kind.PARENT)
    block(profile=P.PARENTS)
    assert not blocked(world.teacher_a)
    block(profile=P.ENSEIGNANTS)
    assert blocked(world.teacher_a)


def test_blocks_apply_only_between_their_dates(world, block):
    block(profile=P.ELEVES, starts=1, ends=3)
    assert not blocked(world.pupil_a)
    later = timezone.now() + timedelta(hours=2)
    assert blocking.blocks_applying_to(person=world.pupil_a, now=later)
    assert not blocking.blocks_applying_to(person=world.pupil_a,
                                           now=timezone.now() + timedelta(hours=4))


def test_login_refusal_messages(world, block):
    assert blocking.login_refusal(person=world.pupil_a) is None
    block(profile=P.ELEVES, message="Avant la rentrée")
    refusal = blocking.login_refusal(person=world.pupil_a)
    assert refusal.startswith("Connexion impossible pour le moment : Avant la rentrée (jusqu'au ")
    world.pupil_a.suspended_at = timezone.now()
    assert "suspendu" in blocking.login_refusal(person=world.pupil_a)
    world.pupil_a.deactivated_at = timezone.now()
    assert "désactivé" in blocking.login_refusal(person=world.pupil_a)


def test_no_query_while_no_block_runs(world, block, django_assert_num_queries):
    block(profile=P.ELEVES, starts=5, ends=6)  # later today: not running
    blocking.blocks_pending()
    with django_assert_num_queries(0):
        assert blocking.login_refusal(person=world.pupil_a) is None


def test_a_running_block_costs_a_bounded_read_once_then_nothing(world, block,
                                                                 django_assert_max_num_queries):
    block(profile=P.PARENTS)
    blocking.blocks_pending()
    with django_assert_max_num_queries(3):
        assert blocking.login_refusal(person=world.pupil_a) is None
    with django_assert_max_num_queries(0):
        assert blocking.login_refusal(person=world.pupil_a) is None


def test_every_change_is_seen_at_once(world, block):
    made = block(profile=P.ELEVES)
    assert blocked(world.pupil_a)
    blocking.login_block_delete(acting_user=world.principal_a, block=made)
    assert not blocked(world.pupil_a)


def test_a_change_from_another_process_is_seen_at_its_version_bump(world):
    assert not blocked(world.pupil_a)  # this process now holds the (empty) list
    now = timezone.now()
    LoginBlock.objects.create(etablissement=world.etab_a, target=T.PROFILE, profile=P.ELEVES,
                              starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1),
                              message="Écrit ailleurs")
    blocking.blocks_version_bump()  # what the other process's service does at commit
    assert blocking.login_refusal(person=world.pupil_a).startswith(
        "Connexion impossible pour le moment : Écrit ailleurs")

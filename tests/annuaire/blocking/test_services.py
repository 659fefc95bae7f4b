"""Writing blocks: who may, and what is refused."""

from datetime import timedelta

import pytest
from django.utils import timezone

from annuaire import blocking
from annuaire.models import LoginBlock
from ent.errors import NotFound

P = LoginBlock.BlockedProfile
T = LoginBlock.Target


def test_a_principal_blocks_a_profile_of_their_establishment(world, block):
    made = block(profile=P.ELEVES)
    assert made.etablissement == world.etab_a and made.created_by == world.principal_a
    assert made.target_label == "Tous les élèves"


@pytest.mark.parametrize("who", ["principal_b", "teacher_a", "cpe_a", "parent_a", "pupil_a"])
def test_others_cannot_block_etab_a(world, block, who):
    with pytest.raises(NotFound):
        block(profile=P.ELEVES, viewer=getattr(world, who))
    assert not LoginBlock.objects.exists()


def test_only_the_academie_blocks_a_whole_establishment(world, block):
    with pytest.raises(blocking.BlockError, match="Seule l'académie"):
        block(T.ETABLISSEMENT, viewer=world.principal_a)
    made = block(T.ETABLISSEMENT, viewer=world.academy_admin)
    with pytest.raises(blocking.BlockError, match="seule l'académie peut le lever"):
        blocking.login_block_delete(acting_user=world.principal_a, block=made)
    with pytest.raises(blocking.BlockError, match="seule l'académie peut le modifier"):
        blocking.login_block_update(acting_user=world.principal_a, block=made, target=T.PROFILE,
                                    profile=P.ELEVES, starts_at=made.starts_at,
                                    ends_at=made.ends_at, message="x")


@pytest.mark.parametrize("kwargs, message", [
    ({"starts": 2, "ends": 1}, "après son début"),
    ({"starts": -3, "ends": -1}, "déjà terminé"),
    ({"message": "  "}, "Écrivez le message"),
    ({"profile": ""}, "Choisissez le profil"),
])
def test_bad_blocks_are_refused_in_french(world, block, kwargs, message):
    kwargs.setdefault("profile", P.ELEVES)
    with pytest.raises(blocking.BlockError, match=message):
        block(**kwargs)


def test_a_division_of_another_establishment_is_refused(world, block):
    with pytest.raises(blocking.BlockError, match="division de l'établissement"):
        block(T.DIVISION, regroupement=world.div_b_3a)
    with pytest.raises(blocking.BlockError, match="division de l'établissement"):
        block(T.DIVISION, regroupement=world.grp_latin)


def test_update_changes_who_is_blocked(world, block):
    made = block(profile=P.ELEVES)
    now = timezone.now()
    blocking.login_block_update(acting_user=world.principal_a, block=made, target=T.DIVISION,
                                regroupement=world.div_3b, starts_at=now - timedelta(hours=1),
                                ends_at=now + timedelta(hours=1), message="3B en stage")
    made.refresh_from_db()
    assert made.profile == "" and made.regroupement == world.div_3b
    assert made.updated_by == world.principal_a
    assert not blocking.blocks_applying_to(person=world.pupil_a)
    assert blocking.blocks_applying_to(person=world.pupil_a3)


def test_announcements_list_running_announced_blocks_only(world, block):
    block(profile=P.ELEVES, message="Examens")
    block(profile=P.PARENTS, message="Discret", announce=False)
    block(profile=P.ENSEIGNANTS, message="Plus tard", starts=3, ends=4)
    assert [b.message for b in blocking.login_announcements(etab_ids={world.etab_a.pk})] == [
        "Examens"]
    # An establishment's announcement is not the académie's: not shown to everyone.
    assert blocking.login_announcements() == []

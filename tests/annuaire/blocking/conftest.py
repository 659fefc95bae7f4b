from datetime import timedelta

import pytest
from django.utils import timezone

from annuaire import blocking
from annuaire.models import LoginBlock


@pytest.fixture
def block(world):
    """Create a block running now (unless told otherwise) as the establishment's principal."""

    def _block(target=LoginBlock.Target.PROFILE, *, etab=None, profile="", regroupement=None,
               starts=-1, ends=2, message="Fermé pendant les examens", viewer=None,
               announce=True):
        now = timezone.now()
        return blocking.login_block_create(
            acting_user=viewer or (world.academy_admin if target == LoginBlock.Target.ETABLISSEMENT
                              else world.principal_a),
            etab=etab or world.etab_a, target=target, profile=profile,
            regroupement=regroupement, starts_at=now + timedelta(hours=starts),
            ends_at=now + timedelta(hours=ends), message=message, announce=announce)

    return _block

import datetime as dt

import pytest
from django.utils import timezone

from ent.notifications.kinds import KINDS, kind_register


def paris(*args):
    """An aware moment in Paris: ``paris(2027, 1, 15, 10)`` is Friday 15 January 2027, 10 h."""
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture
def kind():
    """A kind of notification defined for the test, e-mailed at once by default."""
    registered = kind_register(code="essai", label="Essai")
    yield registered
    KINDS.pop("essai", None)

"""The cahier's notification kind: new homework, told to pupils and their parents."""

from annuaire.models import Profile
from ent.notifications.kinds import EmailMode, kind_register


def _families(person) -> bool:
    return person.profile in (Profile.ELEVE, Profile.PARENT)


DEVOIR = kind_register(code="cahier_devoir", label="Nouveau travail à faire",
                       default_email=EmailMode.DIGEST, offered_to=_families)

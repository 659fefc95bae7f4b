"""The kinds of notification, each registered by the service that sends it, with the e-mail
choice a person has until they change it on their preferences page."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediat", "Immédiatement"
    DIGEST = "quotidien", "Dans un récapitulatif quotidien"
    NEVER = "jamais", "Jamais"


def _everyone(person) -> bool:
    return True


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    default_email: str = EmailMode.IMMEDIATE
    # Whether a person's preferences page offers it: a parent has no say on imports' ends.
    offered_to: Callable = field(default=_everyone, compare=False)


KINDS: dict[str, Kind] = {}


def kind_register(*, code: str, label: str, default_email: str = EmailMode.IMMEDIATE,
                  offered_to: Callable = _everyone) -> Kind:
    kind = Kind(code=code, label=label, default_email=default_email, offered_to=offered_to)
    KINDS[code] = kind
    return kind


def kind_get(code: str) -> Kind:
    try:
        return KINDS[code]
    except KeyError:
        raise ValueError(
            f"unknown notification kind {code!r}: register it with kind_register") from None


# The portal's own word to people (a welcome, later the académie's announcements).
PORTAL = kind_register(code="portail", label="Informations du portail",
                       default_email=EmailMode.DIGEST)

"""The notification centre's reads: always the viewer's own notifications, nobody else's."""

from allauth.account.models import EmailAddress
from django.db.models import QuerySet

from annuaire.models import Person
from ent import rights
from ent.errors import NotFound

from .kinds import KINDS, Kind
from .models import Notification, NotificationPreference, NotificationSettings
from .quiet import QuietHours

# The bell says « 99+ » beyond: counting stops there, whatever a mass send left unread.
UNREAD_COUNT_CAP = 99


class NotificationNotFound(NotFound):
    """Not the viewer's, or no such notification: the views answer 404 alike."""


def notifications_of(*, viewer) -> QuerySet:
    return Notification.objects.filter(rights.notifications_visible_q(viewer))


def notifications_unread(*, viewer) -> QuerySet:
    return notifications_of(viewer=viewer).filter(read_at__isnull=True)


def notification_get(*, viewer, pk: int) -> Notification:
    try:
        return notifications_of(viewer=viewer).get(pk=pk)
    except Notification.DoesNotExist:
        raise NotificationNotFound from None


def unread_count(*, viewer) -> int:
    """One query on the partial index of unread rows, stopped at UNREAD_COUNT_CAP + 1."""
    if not getattr(viewer, "is_authenticated", False):
        return 0
    return notifications_unread(viewer=viewer).order_by()[:UNREAD_COUNT_CAP + 1].count()


def notification_list(*, viewer) -> QuerySet:
    return notifications_of(viewer=viewer).only(
        "pk", "title", "body", "url", "created_at", "read_at", "kind")


def kinds_offered(*, person) -> list[Kind]:
    return [kind for kind in KINDS.values() if kind.offered_to(person)]


def preferences_of(*, person) -> tuple[dict[str, str], QuietHours]:
    """Each offered kind's e-mail choice (its default unless changed) and the quiet hours."""
    chosen = dict(NotificationPreference.objects.filter(person=person).values_list(
        "kind", "email"))
    modes = {kind.code: chosen.get(kind.code, kind.default_email)
             for kind in kinds_offered(person=person)}
    row = NotificationSettings.objects.filter(person=person).first()
    return modes, QuietHours.of(row)


def email_addresses(*, person_ids: list[int]) -> dict[int, str]:
    """Where each active person's e-mails go: the address they confirmed on the portal
    (primary first), else the one the directory's feed gives."""
    found: dict[int, str] = {}
    for person_id, email in EmailAddress.objects.filter(
            user_id__in=person_ids, verified=True, user__is_active=True,
    ).order_by("user_id", "-primary", "pk").values_list("user_id", "email"):
        found.setdefault(person_id, email)
    missing = [pk for pk in person_ids if pk not in found]
    if missing:
        found.update(Person.objects.filter(pk__in=missing, is_active=True).exclude(
            email="").values_list("pk", "email"))
    return found


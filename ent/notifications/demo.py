"""The demo's notifications: each demo login finds one under the bell."""

from django.urls import reverse

from .kinds import PORTAL
from .models import Notification
from .services import notification_send


def demo_notifications(*, people) -> int:
    """A welcome to each of ``people`` who has none yet: the demo may be set up again."""
    people = [p for p in people if p is not None]
    told = set(Notification.objects.filter(kind=PORTAL.code, recipient__in=people).values_list(
        "recipient_id", flat=True))
    return notification_send(
        recipients=[p for p in people if p.pk not in told], kind=PORTAL.code,
        title="Bienvenue sur l'ENT",
        body="Les nouvelles qui vous concernent arrivent ici, sous la cloche. Choisissez si "
             "vous les recevez aussi par courriel, et quand : la pause numérique (19 h – 7 h "
             "et le week-end) est réglée pour vous, modifiable à tout moment.",
        url=reverse("notifications:preferences"))

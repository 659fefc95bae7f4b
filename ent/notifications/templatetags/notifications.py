from django import template

from ent.french import count_label

from ..selectors import UNREAD_COUNT_CAP, unread_count

register = template.Library()


@register.inclusion_tag("notifications/_bell_link.html", takes_context=True)
def notifications_bell(context):
    """The header's bell: one query on the partial index of unread notifications."""
    request = context.get("request")
    count = unread_count(viewer=getattr(request, "user", None))
    over = count > UNREAD_COUNT_CAP
    shown = f"{UNREAD_COUNT_CAP}+" if over else str(count)
    label = "Notifications, aucune non lue" if count == 0 else (
        f"Notifications, plus de {UNREAD_COUNT_CAP} non lues" if over
        else f"Notifications, {count_label(count, 'non lue', 'non lues')}")
    return {"count": count, "shown": shown, "label": label}

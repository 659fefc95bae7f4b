import datetime as dt

from django import template
from django.utils import timezone

from ..marks import MARK_FIELDS, MarkData

register = template.Library()

ACTIONS = {"saisie": "saisie", "validation": "validation", "correction": "correction"}


def _mark(data):
    values = {}
    for name in MARK_FIELDS:
        if name in data:
            value = data[name]
            if name in ("arrivee", "depart") and value:
                value = dt.time.fromisoformat(value)
            values[name] = value
    return MarkData(**values)


@register.filter
def mark_summary(data):
    """A mark stored in the history (JSON), in French."""
    return _mark(data or {}).summary()


@register.inclusion_tag("appel/_today.html", takes_context=True)
def appel_today(context):
    """The teacher's séances of the day with their roll call's state, on the home page."""
    from ..selectors import teacher_today

    user = context["request"].user
    return {"items": teacher_today(viewer=user, day=timezone.localdate())}

from django import template
from django.utils.safestring import mark_safe

from ..forms import hour_label
from ..html import rich_text_render

register = template.Library()


@register.filter
def rich(value):
    """A content's or homework's HTML, cleaned again on the way out."""
    return mark_safe(rich_text_render(value))


@register.filter
def heure(value):
    """« 8 h », « 10 h 30 »."""
    return hour_label(value) if value else ""


@register.filter
def duree(minutes):
    """« 45 min », « 1 h 30 »."""
    minutes = int(minutes or 0)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"

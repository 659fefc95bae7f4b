from django import template

from annuaire.blocking import login_announcements as running_announcements

register = template.Library()


@register.simple_tag
def login_announcements():
    """The running blocks shown to everyone on the login page (from the cache)."""
    return running_announcements()

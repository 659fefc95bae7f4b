from django import template

from annuaire import blocking
from ent import rights

register = template.Library()


@register.simple_tag(takes_context=True)
def login_announcements(context):
    """The running blocks the login page shows (from the cache): the académie's to everyone,
    and an establishment's when the page is opened for it (``?etab=<UAI>``)."""
    request = context.get("request")
    uai = request.GET.get("etab", "") if request is not None else ""
    return blocking.login_announcements(etab_ids=blocking.announced_etab_ids(uai=uai))


@register.simple_tag
def member_announcements(user):
    """The running blocks announced by the académie and by the user's establishments (their
    roles, read once per request): the home page shows them with their establishment's name."""
    if not getattr(user, "is_authenticated", False):
        return []
    etab_ids = {r.etablissement_id for r in rights.roles_of(user) if r.etablissement_id}
    return blocking.login_announcements(etab_ids=etab_ids)

"""The viewer's own names for things: ``{% load portal %}``, then

- ``{{ user|profil }}`` → « Direction » (the roles, not AAF's « Personnel »);
- ``{{ etab|etablissement_pour:user }}`` → its name for a family, with its UAI for staff.
"""

from django import template

from ent.profiles import etab_label, profile_label

register = template.Library()


@register.filter
def profil(viewer):
    return profile_label(viewer)


@register.filter
def etablissement_pour(etab, viewer):
    return etab_label(etab, viewer)

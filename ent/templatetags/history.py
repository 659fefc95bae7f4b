"""Who ran an import, in the histories: ``{% load history %}``, then
``{{ imp.uploaded_by|auteur:imp.origin }}``.

A run with nobody named came from the command line (« Ligne de commande »), or its author's
account was purged since; « — » told neither.
"""

from django import template

register = template.Library()


@register.filter
def auteur(person, origin):
    if person is not None:
        return person.display_name
    return "Ligne de commande" if origin == "cli" else "Compte supprimé"

"""The bilan's rows on its page: ``{% load bilan %}``, then ``rows|lignes_non_nulles`` and
``rows|lignes_nulles`` (the latter folded under « Afficher les lignes à zéro »)."""

from django import template

from imports.presenters import APPLIED_HELP, rows_split

register = template.Library()


@register.filter
def lignes_non_nulles(rows):
    return rows_split(rows)[0]


@register.filter
def lignes_nulles(rows):
    return rows_split(rows)[1]


@register.simple_tag
def aide_seances_ajoutees():
    """What « Séances ajoutées » counts, under what a validation applied."""
    return APPLIED_HELP

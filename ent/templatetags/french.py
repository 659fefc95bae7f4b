"""French counts in templates: ``{% load french %}``, then

- ``{{ n|nombre }}`` → « 12 345 »;
- ``{{ n|pluriel:"séance" }}`` → « séance » or « séances » (0 and 1 take the singular);
- ``{{ n|pluriel:"compte désactivé,comptes désactivés" }}`` for a phrase or an irregular word;
- ``{{ n|effectif:"séance" }}`` → « 12 345 séances », number and noun together;
- ``{{ day|date_fr:"l j F" }}`` → « mardi 1er décembre »: Django's ``date``, the first an ordinal;
- ``{{ name|de }}`` → « d'Emma », « de Léa »: « de » elided before a vowel sound.

Django's ``pluralize`` follows the English rule (« 0 comptes ») and must not be used.
"""

from django import template

from ent.french import count_label, de, french_date, french_number, plural_form

register = template.Library()


def _forms(arg):
    singular, _, plural = arg.partition(",")
    return singular, plural or None


@register.filter(name="de")
def de_filter(value):
    return de(value)


@register.filter
def nombre(value):
    return french_number(value)


@register.filter
def pluriel(value, arg):
    return plural_form(value, *_forms(arg))


@register.filter
def effectif(value, arg):
    return count_label(value, *_forms(arg))


# Like Django's ``date``: an aware datetime is shown in the portal's time zone, not in UTC.
@register.filter(expects_localtime=True)
def date_fr(value, arg="j F Y"):
    return french_date(value, arg)

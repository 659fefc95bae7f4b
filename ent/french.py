"""French numbers, plurals and dates, for every count and day the portal writes.

French puts 0 and 1 in the singular (« 0 compte désactivé », « 1 fiche », « 2 fiches »), where
Django's ``pluralize`` follows English (« 0 comptes »). Large numbers are grouped by three with a
narrow no-break space (« 12 345 »), which neither breaks a line nor reads as a decimal point.
Templates reach these through the ``french`` tag library (``ent/templatetags/french.py``).
"""

import unicodedata
from decimal import Decimal

from django.utils import dateformat

NARROW_NBSP = "\u202f"


def french_number(n):
    """« 12 345 » for 12345, « 1 234,5 » for 1234.5; anything not a number comes back as text."""
    if isinstance(n, bool) or not isinstance(n, int | float | Decimal):
        return "" if n is None else str(n)
    return f"{n:,}".replace(",", NARROW_NBSP).replace(".", ",")


def _is_singular(n):
    try:
        return abs(n) < 2
    except TypeError:  # a count rendered as text, as templates may hand it
        return abs(int(n)) < 2


def regular_plural(singular):
    """The regular plural of one word: « fiche » → « fiches », « cours » → « cours »,
    « général » → « généraux », « niveau » → « niveaux ».

    Irregular words (« travail » → « travaux », « œil » → « yeux ») and phrases, whose words
    agree one by one (« compte créé » → « comptes créés », « fiche à corriger » → « fiches à
    corriger »), need their plural spelled out.
    """
    if " " in singular.strip():
        raise ValueError(f"« {singular} » : le pluriel d'une expression doit être donné")
    if singular.endswith(("s", "x", "z")):
        return singular
    if singular.endswith("al"):
        return singular[:-2] + "aux"
    if singular.endswith(("au", "eau", "eu")):
        return singular + "x"
    return singular + "s"


def plural_form(n, singular, plural=None):
    """The form agreeing with ``n`` under the French rule: singular below 2, plural from 2."""
    if _is_singular(n):
        return singular
    return plural if plural is not None else regular_plural(singular)


def count_label(n, singular, plural=None):
    """« 0 compte désactivé », « 1 fiche », « 12 345 séances »: the number and its noun."""
    return f"{french_number(n)} {plural_form(n, singular, plural)}"


def french_date(value, fmt="j F Y"):
    """Django's ``date`` format, with the first of the month an ordinal as French writes it:
    « mardi 1er décembre », « 7 décembre 2026 ». Anything not a date comes back empty."""
    if not hasattr(value, "day"):
        return ""
    day = "1er" if value.day == 1 else str(value.day)
    # Each stretch between the day tokens formatted alone; an escaped « \j » left to Django.
    parts, stretch, chars = [], "", iter(fmt)
    for char in chars:
        if char == "\\":
            stretch += char + next(chars, "")
        elif char == "j":
            parts.extend([dateformat.format(value, stretch) if stretch else "", day])
            stretch = ""
        else:
            stretch += char
    parts.append(dateformat.format(value, stretch) if stretch else "")
    return "".join(parts)



def french_size(n):
    """A size as French writes it, in the unit of the settings (megabytes): « 900 octets »,
    « 12 Ko », « 3,2 Mo », « 2 048 Mo »: one decimal at most, none when it is zero, digits
    grouped by three."""
    for unit, factor in (("Mo", 1 << 20), ("Ko", 1 << 10)):
        if n >= factor:
            value = round(n / factor, 1)
            return f"{french_number(int(value) if value == int(value) else value)} {unit}"
    return count_label(n, "octet")


def _elides(word):
    """Whether « de » elides before ``word``: a vowel sound, as a name or noun is spoken.

    A vowel elides (« d'Emma », « d'ADAM Mathilde », « d'Éloïse »), and so does an h, mute in
    nearly every name (« d'Hélène », « d'Hugo »); a y before a vowel is a consonant
    (« de Yasmine », « de Yann ») but a vowel before a consonant (« d'Yves »).
    """
    bare = "".join(c for c in unicodedata.normalize("NFD", word.strip())
                   if not unicodedata.combining(c)).lower()
    if not bare:
        return False
    if bare[0] == "y":
        return len(bare) > 1 and bare[1] not in "aeiouy"
    return bare[0] in "aeiouh"


def de(words):
    """« de » before ``words``, elided where French elides it: « d'Emma », « de Léa »."""
    words = str(words).strip()
    return f"d'{words}" if _elides(words) else f"de {words}"

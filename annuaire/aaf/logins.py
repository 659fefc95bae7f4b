"""Logins: ``prenom.nom`` made once, at account creation, from ``givenName`` and ``sn``."""

import re
from functools import lru_cache

from annuaire.text import fold

PART_MAX = 30
_CIVILITES = r"m\.|mr\.?|mme\.?|mlle\.?|melle\.?|monsieur|madame|mademoiselle|epoux|epx\.?"
_CIVILITE_WORD = re.compile(rf"(?<![a-z])(?:{_CIVILITES})(?![a-z])")
# What joins two people typed into one name field.
_SEVERAL = re.compile(r"\s+et\s+|\s*&\s*|\s+/\s+|\s*\+\s*|\s+ou\s+")
_APOSTROPHE = re.compile(r"'")
_SEPARATORS = re.compile(r"[\s\-_]+")
_OTHER = re.compile(r"[^a-z0-9-]")
_TRAILING_DIGITS = re.compile(r"[-.]*\d+$")


def several_people_reason(first_name, last_name):
    """Why a record's names look like they hold several people, in French, or None."""
    reasons = []
    for label, value in (("prénom", first_name), ("nom", last_name)):
        folded = f" {fold(value)} "
        if _SEVERAL.search(folded.strip()) or " et " in folded:
            reasons.append(f"le {label} « {value} » joint plusieurs personnes")
        elif _CIVILITE_WORD.search(folded):
            reasons.append(f"le {label} « {value} » contient une civilité")
    return " ; ".join(reasons) or None


def _first_person(value):
    folded = _CIVILITE_WORD.sub(" ", fold(value))
    # Padded, so that « M. et Mme Dupont », once « m. » is gone, still splits on « et ».
    parts = _SEVERAL.split(f" {folded} ")
    return next((part.strip() for part in parts if part.strip()), "")


# Names repeat (first names above all): an import converts each spelling once.
@lru_cache(maxsize=65536)
def login_part(value):
    """One side of a login: ASCII letters, digits and inner hyphens, at most 30 characters."""
    text = _first_person(value)
    text = _APOSTROPHE.sub("", text)
    text = _SEPARATORS.sub("-", text.strip())
    text = _OTHER.sub("", text)
    text = re.sub(r"-{2,}", "-", text).strip("-")
    return text[:PART_MAX].rstrip("-")


def login_candidate(first_name, last_name, fallback="utilisateur"):
    first, last = login_part(first_name), login_part(last_name)
    if first and last:
        return f"{first}.{last}"
    return first or last or fallback


def login_base_of(login):
    """The key under which logins compete for numeric suffixes: the login without them (and
    without the hyphen a name ending in digits leaves: « louis-14 » → « louis »)."""
    return _TRAILING_DIGITS.sub("", login) or login


def next_free_login(candidate, taken):
    """``candidate`` itself, else ``candidate2``, ``candidate3``… whichever ``taken`` lacks."""
    if candidate not in taken:
        return candidate
    n = 2
    while f"{candidate}{n}" in taken:
        n += 1
    return f"{candidate}{n}"

"""Passwords French people choose first: refused, even dressed up with digits and symbols.

Django's common-password list is mostly English, and it compares whole passwords: « azerty1234 »,
« motdepasse1 », « soleil2026 » or « jetaime123 » passed. This validator adds a French list
(``data/common_passwords_fr.txt``: words, first names, places, clubs, AZERTY runs) and compares
the password's core too: accents folded, the digits and symbols around it dropped, ``@``/``$``
and digits read as the letters they stand for (« P@ssw0rd! » is « password »).
"""

import functools
import unicodedata
from pathlib import Path

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

FRENCH_LIST = Path(__file__).resolve().parent / "data" / "common_passwords_fr.txt"
SYMBOLS_AS_LETTERS = str.maketrans({"@": "a", "$": "s", "€": "e"})
DIGITS_AS_LETTERS = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t"})


def _fold(text):
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


def password_core(password):
    """« S0leil-2026! » → « soleil »: the word a guesser tries first, with its variants."""
    text = _fold(password).translate(SYMBOLS_AS_LETTERS)
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if not letters:
        return ""
    core = text[letters[0]:letters[-1] + 1].translate(DIGITS_AS_LETTERS)
    return "".join(c for c in core if c.isalnum())


def _repeated_unit(word):
    """« soleilsoleil » → « soleil »; a word not made of repeats comes back as it is."""
    for size in range(1, len(word) // 2 + 1):
        if len(word) % size == 0 and word[:size] * (len(word) // size) == word:
            return word[:size]
    return word


@functools.cache
def _french_words(path):
    words = set()
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.add(line)
            words.add(password_core(line))
    words.discard("")
    return frozenset(words)


class FrenchCommonPasswordValidator(CommonPasswordValidator):
    """Django's list and the French one, on the whole password and on its core."""

    def __init__(self, password_list_path=CommonPasswordValidator.DEFAULT_PASSWORD_LIST_PATH,
                 french_list_path=FRENCH_LIST):
        super().__init__(password_list_path)
        self.passwords = self.passwords | _french_words(str(french_list_path))

    def validate(self, password, user=None):
        core = password_core(password)
        candidates = {password.lower().strip(), core, _repeated_unit(core)}
        if candidates & self.passwords:
            raise ValidationError(self.get_error_message(), code="password_too_common")

    def get_error_message(self):
        return ("Ce mot de passe est trop courant : un mot, un prénom ou une suite de touches "
                "connus, même entourés de chiffres ou de symboles, se devinent en quelques essais.")

    def get_help_text(self):
        return ("Votre mot de passe ne peut pas être un mot, un prénom ou une suite de touches "
                "courants, même entourés de chiffres ou de symboles.")

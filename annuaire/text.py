"""Text folding shared by logins, search and duplicate detection."""

import re
import unicodedata
from functools import lru_cache

# Letters NFKD does not decompose into an ASCII base letter.
_SPECIAL = str.maketrans({
    "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "ø": "o", "Ø": "O",
    "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D",
    "ı": "i", "’": "'", "ʼ": "'",
})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def fold(value):
    """Lowercase ASCII, accents and ligatures spelled out: « Hélène Œuvray » → « helene oeuvray »."""
    value = (value or "").translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def search_key(*parts):
    """The string searched with « contains »: folded words separated by single spaces."""
    words = []
    for part in parts:
        words.extend(w for w in _NON_ALNUM.split(fold(part)) if w)
    return " ".join(words)


def search_terms(query):
    """The folded words of a search box, each to be found in ``search_key``."""
    return [w for w in _NON_ALNUM.split(fold(query)) if w]


def name_key(*parts):
    """A key equal for two spellings of one name (case, accents, hyphens, spaces)."""
    return "".join(w for w in _NON_ALNUM.split(fold(" ".join(parts))) if w)

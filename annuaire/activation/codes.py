"""Activation codes: drawn from ``secrets``, shown once, stored only as a keyed digest.

A code carries about 50 bits (10 characters from 31 unambiguous ones) and wrong attempts are
rate-limited, so a keyed HMAC is enough to keep a stolen database from yielding usable codes,
and it stays fast enough to issue codes for a whole collège in one job (a password hasher
would take minutes).
"""

import hmac
import secrets

from django.utils.crypto import salted_hmac

# No 0/O, 1/I/L: codes are typed from paper, often on a phone.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 10


def code_new():
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def code_display(code):
    return f"{code[:5]}-{code[5:]}"


def code_normalise(typed):
    """What the person typed, as issued: case, spaces and dashes do not matter."""
    return "".join(ch for ch in (typed or "").upper() if ch.isalnum())


def code_digest(*, person_id, code):
    return salted_hmac("ent.activation", f"{person_id}:{code}", algorithm="sha256").hexdigest()


def code_matches(*, person_id, typed, digest):
    expected = code_digest(person_id=person_id, code=code_normalise(typed))
    return hmac.compare_digest(expected, digest)

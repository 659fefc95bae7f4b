"""The password hasher of the portal's accounts."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's minimum (19 MiB, two passes, one lane).

    Django's defaults (100 MiB, eight lanes) cost several times as much CPU and memory per
    login; at 8 in the morning a whole académie logs in at once. Hashes made with other
    parameters, and older scrypt or PBKDF2 ones, are rewritten with these at the next login
    (Django's ``must_update``: this hasher is first in ``PASSWORD_HASHERS``).
    """

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1

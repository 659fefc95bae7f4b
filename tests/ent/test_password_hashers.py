"""Passwords: argon2id at OWASP's minimum, older hashes rewritten at the next login."""

import pytest
from django.contrib.auth.hashers import make_password
from django.test import override_settings
from django.urls import reverse

from tests.factories import PASSWORD, PersonFactory

# The production list of ent/settings.py (the suite runs with ENT_FAST_PASSWORD_HASHER).
PRODUCTION_HASHERS = [
    "ent.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
OWASP_PREFIX = "argon2$argon2id$v=19$m=19456,t=2,p=1$"


def test_settings_hash_with_argon2id_first():
    from pathlib import Path

    from ent import settings as module

    source = Path(module.__file__).read_text()
    listed = source.split("PASSWORD_HASHERS = [", 1)[1].split("]", 1)[0]
    assert [line.strip().strip('",') for line in listed.strip().splitlines()
            ] == PRODUCTION_HASHERS


@override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS)
def test_new_passwords_use_argon2id_at_owasp_minimum():
    assert make_password("un-mot-de-passe-assez-long").startswith(OWASP_PREFIX)


@pytest.mark.parametrize("hasher", [
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    # Django's own argon2 parameters (100 MiB, 8 lanes): same algorithm, other costs.
    "django.contrib.auth.hashers.Argon2PasswordHasher",
])
def test_an_older_hash_is_rewritten_at_login(client, db, hasher):
    person = PersonFactory()
    with override_settings(PASSWORD_HASHERS=[hasher]):
        person.password = make_password(PASSWORD)
    person.save(update_fields=["password"])
    with override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS):
        response = client.post(reverse("account_login"),
                               {"login": person.login, "password": PASSWORD})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.password.startswith(OWASP_PREFIX)

"""French common passwords are refused, even with digits and symbols around them."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from annuaire.activation import services
from ent.passwords import FRENCH_LIST, password_core

REFUSED = "Ce mot de passe est trop courant"


def refusal(password):
    with pytest.raises(ValidationError) as caught:
        validate_password(password)
    return " ".join(caught.value.messages)


@pytest.mark.parametrize("password", ["azerty1234", "motdepasse1", "soleil2026", "jetaime123"])
def test_the_audits_examples_are_refused_in_french(password):
    assert REFUSED in refusal(password)


@pytest.mark.parametrize("password", [
    "Azerty1234!", "2026soleil", "S0leil-2026", "Je t'aime 123", "P@ssw0rd2026",
    "Éléphant2024", "marie-claire1987", "allezlom13!!", "jetaimemarie", "mbappe2026",
    "azertyuiop1", "&é\"'(-è_çà", "bonjourbonjour", "Marseille2025", "loulou123456",
    "monamour2010", "Kylian2011", "Doudou_2014",
])
def test_french_words_names_and_keyboard_runs_are_refused(password):
    assert REFUSED in refusal(password)


@pytest.mark.parametrize("password", [
    "Trois chats noirs dansent 7", "Un-mot-de-passe-solide-7", "kT9#vQ2!mZ8q",
    "soleil-sur-la-loire-1987", "cartable bleu et crayon vert",
])
def test_strong_passwords_still_pass(password):
    validate_password(password)


def test_the_core_is_the_word_behind_digits_symbols_and_leet():
    assert password_core("S0leil-2026!") == "soleil"
    assert password_core("@zerty123") == "azerty"
    assert password_core("Je t'aime 123") == "jetaime"
    assert password_core("2026") == ""


def test_the_list_holds_thousands_of_french_entries():
    words = [line for line in FRENCH_LIST.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    assert len(words) > 2500
    assert {"azerty", "motdepasse", "soleil", "jetaime", "bonjour", "camille"} <= set(words)
    assert all(word == word.lower() for word in words)


def test_activation_refuses_a_common_password_in_french(client, world):
    parent = world.parent_a
    parent.activated_at = None
    parent.set_unusable_password()
    parent.save()
    codes, _ = services.codes_issue(persons=[parent])
    client.post(reverse("activation_start"), {"login": parent.login, "code": codes[parent.pk]})
    page = client.post(reverse("activation_finish"),
                       {"password1": "soleil2026", "password2": "soleil2026"}).content.decode()
    assert "trop courant" in page
    parent.refresh_from_db()
    assert parent.activated_at is None

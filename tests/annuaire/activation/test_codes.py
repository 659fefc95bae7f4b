from annuaire.activation.codes import (
    ALPHABET,
    code_digest,
    code_display,
    code_matches,
    code_new,
    code_normalise,
)


def test_codes_are_long_unambiguous_and_distinct():
    codes = {code_new() for _ in range(500)}
    assert len(codes) == 500
    assert all(len(c) == 10 and set(c) <= set(ALPHABET) for c in codes)
    assert not set("01OIL") & set(ALPHABET)


def test_typed_code_matches_whatever_the_case_spaces_and_dash():
    code = code_new()
    digest = code_digest(person_id=7, code=code)
    assert code not in digest
    typed = " " + code_display(code).lower() + " "
    assert code_matches(person_id=7, typed=typed, digest=digest)
    assert not code_matches(person_id=8, typed=code, digest=digest)
    assert not code_matches(person_id=7, typed=code[:-1], digest=digest)
    assert code_normalise("ab-cd e") == "ABCDE"

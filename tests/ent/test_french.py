import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from ent.french import count_label, french_date, french_number, plural_form, regular_plural

NNBSP = "\u202f"


@pytest.mark.parametrize(("n", "expected"), [
    (0, "0 compte désactivé"), (1, "1 compte désactivé"), (2, "2 comptes désactivés"),
    (-1, "-1 compte désactivé"), (1.5, "1,5 compte désactivé"),
    (12345, f"12{NNBSP}345 comptes désactivés"),
])
def test_zero_and_one_take_the_singular(n, expected):
    assert count_label(n, "compte désactivé", "comptes désactivés") == expected


@pytest.mark.parametrize(("singular", "plural"), [
    ("fiche", "fiches"), ("cours", "cours"), ("index", "index"), ("nez", "nez"),
    ("général", "généraux"), ("niveau", "niveaux"), ("lieu", "lieux"), ("tuyau", "tuyaux"),
])
def test_regular_plurals(singular, plural):
    assert regular_plural(singular) == plural
    assert plural_form(2, singular) == plural and plural_form(1, singular) == singular


def test_irregular_words_and_phrases_take_their_plural_as_given():
    assert plural_form(3, "travail", "travaux") == "travaux"
    assert count_label(3, "fiche à corriger", "fiches à corriger") == "3 fiches à corriger"
    with pytest.raises(ValueError):
        plural_form(3, "compte créé")


@pytest.mark.parametrize(("n", "expected"), [
    (0, "0"), (999, "999"), (1000, f"1{NNBSP}000"), (12345, f"12{NNBSP}345"),
    (-1234567, f"-1{NNBSP}234{NNBSP}567"), (1234.5, f"1{NNBSP}234,5"),
    (Decimal("0.25"), "0,25"), (None, ""), ("+12", "+12"), (True, "True"),
])
def test_french_number_groups_by_three_with_a_narrow_no_break_space(n, expected):
    assert french_number(n) == expected


def _render(source, **context):
    return Template("{% load french %}" + source).render(Context(context))


def test_template_filters():
    assert _render('{{ n|effectif:"séance" }}', n=0) == "0 séance"
    assert _render('{{ n|effectif:"séance" }}', n=12345) == f"12{NNBSP}345 séances"
    assert _render('{{ n|pluriel:"Établissement" }}', n=2) == "Établissements"
    assert _render('{{ n|pluriel:"compte créé,comptes créés" }}', n=1) == "compte créé"
    assert _render('{{ n|pluriel:"compte créé,comptes créés" }}', n=3) == "comptes créés"
    assert _render('{{ n|pluriel:"cours" }}', n=3) == "cours"
    assert _render("{{ n|nombre }}", n=30000) == f"30{NNBSP}000"
    assert _render('{{ n|pluriel:"fiche" }}', n="2") == "fiches"


@pytest.mark.parametrize(("day", "fmt", "expected"), [
    (datetime.date(2026, 12, 1), "l j F", "mardi 1er décembre"),
    (datetime.date(2026, 12, 7), "l j F Y", "lundi 7 décembre 2026"),
    (datetime.date(2026, 1, 1), "j F Y", "1er janvier 2026"),
    (datetime.date(2026, 1, 1), r"j \j", "1er j"),
    (None, "j F Y", ""),
])
def test_dates_write_the_first_of_the_month_as_an_ordinal(day, fmt, expected):
    with translation.override("fr"):
        assert french_date(day, fmt) == expected
        assert Template('{% load french %}{{ d|date_fr:f }}').render(
            Context({"d": day, "f": fmt})) == expected


def test_date_fr_shows_an_aware_datetime_in_the_portal_s_time_zone():
    """Like Django's ``date``: 30 November 23:30 UTC is already 1 December in Paris."""
    moment = datetime.datetime(2026, 11, 30, 23, 30, tzinfo=datetime.UTC)
    with translation.override("fr"):
        rendered = Template('{% load french %}{{ m|date_fr:"j F Y à H:i" }}').render(
            Context({"m": moment}))
    assert rendered == "1er décembre 2026 à 00:30"


def test_the_deactivated_list_writes_the_first_of_the_month_as_french_does(world, login):
    from django.urls import reverse

    person = world.pupil_a3
    person.deactivated_at = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)
    person.is_active = False
    person.save()
    page = login(world.academy_admin).get(reverse("annuaire:deactivated_accounts"))
    assert "1er décembre 2026" in page.content.decode()


@pytest.mark.parametrize("words, expected", [
    ("Emma", "d'Emma"), ("ADAM Mathilde", "d'ADAM Mathilde"), ("Éloïse", "d'Éloïse"),
    ("Hélène", "d'Hélène"), ("Yves", "d'Yves"), ("Yasmine", "de Yasmine"),
    ("Léa", "de Léa"), ("DUPONT Léa", "de DUPONT Léa"), ("4C", "de 4C"), ("", "de "),
])
def test_de_elides_before_a_vowel_sound(words, expected):
    from ent.french import de

    assert de(words).rstrip() == expected.rstrip()

"""Logins: made once from givenName and sn, folded, unique with 2, 3…, never changed after."""

import pytest

from annuaire.aaf.logins import (
    PART_MAX,
    login_base_of,
    login_candidate,
    login_part,
    next_free_login,
    several_people_reason,
)
from annuaire.aaf.stager import SEVERAL_PEOPLE_FIX
from annuaire.models import Person, Population, Profile
from tests.factories import PersonFactory

from .builders import Runner, eleve, etab, issues, relative


@pytest.mark.parametrize(("value", "part"), [
    ("Hélène", "helene"), ("Jean-François", "jean-francois"), ("  Anne--Sophie  ", "anne-sophie"),
    ("Marie Claire", "marie-claire"), ("Zoë", "zoe"), ("Çağla", "cagla"), ("Łukasz", "lukasz"),
    ("Øystein Æsa", "oystein-aesa"), ("Straße", "strasse"), ("N'Diaye", "ndiaye"),
    ("D’Artagnan", "dartagnan"), ("Jean-", "jean"), ("Marie_Claire", "marie-claire"),
    ("Kù", "ku"), ("Styrbjörn", "styrbjorn"), ("Åslög", "aslog"), ("王", ""),
    # Several people in one field: the first one, without civilities.
    ("Guy Et Yvette", "guy"), ("M. MME MANENTE", "manente"), ("M. et Mme Dupont", "dupont"),
    ("Mme et M. Martin", "martin"), ("Dupont / Durand", "dupont"), ("Paul & Marie", "paul"),
])
def test_login_part(value, part):
    assert login_part(value) == part


def test_each_part_at_most_30_characters():
    assert login_part("x" * 35) == "x" * PART_MAX
    # Cut where a hyphen would end the part: the hyphen goes too.
    assert login_part("Jean-Pierre-Emmanuel-Christoph-Marie") == "jean-pierre-emmanuel-christoph"
    assert login_part("Jean-Pierre-Emmanuel-Christop-Marie") == "jean-pierre-emmanuel-christop"
    long = login_candidate("Marie-Bernadette-Thérèse-Augustine", "De La Rochefoucauld-Montmorency")
    assert long == "marie-bernadette-therese-augus.de-la-rochefoucauld-montmorenc"
    assert all(len(part) <= PART_MAX for part in long.split("."))


def test_login_candidate_fallbacks():
    assert login_candidate("Léa", "Dupont") == "lea.dupont"
    assert login_candidate("王", "Dupont") == "dupont"
    assert login_candidate("Léa", "王") == "lea"
    assert login_candidate("王", "李", "eleve") == "eleve"


def test_login_base_and_suffixes():
    assert login_base_of("lea.dupont") == "lea.dupont"
    assert login_base_of("lea.dupont12") == "lea.dupont"
    # A name ending in digits leaves no dangling hyphen in the login.
    assert login_base_of(login_candidate("Louis", "Capet 16")) == "louis.capet"
    assert next_free_login("lea.dupont", set()) == "lea.dupont"
    assert next_free_login("lea.dupont", {"lea.dupont"}) == "lea.dupont2"
    assert next_free_login("lea.dupont", {"lea.dupont", "lea.dupont2", "lea.dupont4"}) == "lea.dupont3"


@pytest.mark.parametrize(("first", "last", "reason"), [
    ("Guy Et Yvette", "MANENTE", "le prénom « Guy Et Yvette » joint plusieurs personnes"),
    ("Guy", "M. MME MANENTE", "le nom « M. MME MANENTE » contient une civilité"),
    ("Paul & Marie", "Mme Durand",
     "le prénom « Paul & Marie » joint plusieurs personnes ; le nom « Mme Durand » contient une civilité"),
    ("Anne-Sophie", "Dupont-Et-Durand", None),
    ("Mériadec", "Martinet", None),
    ("Emma", "Mmeunier", None),
])
def test_several_people_reason(first, last, reason):
    assert several_people_reason(first, last) == reason


# --- In the directory -----------------------------------------------------------------------
@pytest.fixture
def run(tmp_path, db):
    return Runner(tmp_path)


def _login(aaf_id):
    return Person.objects.get(aaf_id=aaf_id).login


def test_homonyms_get_2_3_4_by_name_then_identifier(run):
    result = run({"EtabEducNat": [etab("1001", "0690001A")],
                  "Eleve": [eleve(str(i), "Dupont", "Léa") for i in (30, 10, 20)]
                  + [eleve("40", "Dupont", "Lea"), eleve("50", "Dupont", "Hélène")]})
    assert result.status == "applied"
    assert {i: _login(i) for i in ("10", "20", "30", "40", "50")} == {
        "40": "lea.dupont", "10": "lea.dupont2", "20": "lea.dupont3", "30": "lea.dupont4",
        "50": "helene.dupont"}
    assert Person.objects.get(aaf_id="20").login_base == "lea.dupont"


def test_existing_logins_count_even_deactivated_and_local(run):
    PersonFactory(login="lea.dupont", login_base="lea.dupont", aaf_id=None,
                  population=Population.LOCAL)
    PersonFactory(login="lea.dupont2", login_base="lea.dupont", aaf_id="old",
                  population=Population.ELEVE, profile=Profile.ELEVE,
                  deactivated_at="2020-01-01T00:00:00Z")
    run({"EtabEducNat": [etab("1001", "0690001A")], "Eleve": [eleve("1", "Dupont", "Léa")]},
        kind="Delta")
    assert _login("1") == "lea.dupont3"


def test_login_is_made_once_and_kept_when_the_name_changes(run):
    base = {"EtabEducNat": [etab("1001", "0690001A")]}
    run({**base, "Eleve": [eleve("1", "Dupont", "Léa")]})
    person = Person.objects.get(aaf_id="1")
    result = run({**base, "Eleve": [eleve("1", "Martin-Dupont", "Léa-Rose")]})
    assert result.report["counts"]["Eleve"]["updated"] == 1
    person.refresh_from_db()
    assert (person.login, person.last_name, person.first_name) == ("lea.dupont", "Martin-Dupont", "Léa-Rose")
    # The freed-looking name is not given to a newcomer: the login is still taken.
    run({**base, "Eleve": [eleve("1", "Martin-Dupont", "Léa-Rose"), eleve("2", "Dupont", "Léa")]})
    assert _login("2") == "lea.dupont2"


def test_names_holding_several_people_are_listed_with_the_fix(run):
    result = run({
        "EtabEducNat": [etab("1001", "0690001A")],
        "Eleve": [eleve("1", relatives=["7$2$1$1$0$0", "8$1$1$1$0$0"])],
        "PersRelEleve": [relative("7", "M. MME MANENTE", "Guy Et Yvette"), relative("8", "Bon", "Jean")],
    })
    assert _login("7") == "guy.manente"
    controls = issues(result, "controle", "plusieurs_personnes")
    assert controls == [{
        "level": "controle", "code": "plusieurs_personnes", "population": "PersRelEleve",
        "file": "livraison1/ENT2DVA-ENT16_Complet_20240916_PersRelEleve_0000.xml", "line": 5,
        "identifier": "7", "etab": "",
        "message": "M. MME MANENTE Guy Et Yvette — une fiche, plusieurs personnes probables : le "
                   "prénom « Guy Et Yvette » joint plusieurs personnes ; le nom « M. MME MANENTE » "
                   "contient une civilité",
        "fix": SEVERAL_PEOPLE_FIX,
    }]
    assert result.report["controls_count"] == 1

"""Labels written after a count in the import reports agree with it."""

from annuaire.report_text import warning_label
from annuaire.siecle.report_text import count_rows, write_rows


def test_aaf_warning_labels_agree_with_their_count():
    assert warning_label("valeur_mal_formee", 1) == "valeur mal formée ignorée"
    assert warning_label("valeur_mal_formee", 0) == "valeur mal formée ignorée"
    assert warning_label("valeur_mal_formee", 4) == "valeurs mal formées ignorées"
    assert warning_label("modification_inconnue", 1) == (
        "modification d'une personne absente (compte créé)")
    assert warning_label("code_nouveau", 3) == "code_nouveau"


def test_siecle_labels_agree_with_their_count():
    report = {"counts": {"eleves": {"lus": 1, "rapproches": 0, "rejetes": 3}},
              "writes": {"personnes": 1, "liens_crees": 2, "matieres": 0}}
    assert count_rows(report) == [
        {"label": "Élèves", "items": [("lu", 1), ("rapproché", 0), ("rejetés", 3)]}]
    assert write_rows(report) == [("fiche complétée", 1), ("liens créés", 2),
                                  ("matière ajoutée", 0)]


def test_aaf_report_page_context_uses_the_agreeing_label():
    from types import SimpleNamespace

    from annuaire.presenters import import_report_context

    imp = SimpleNamespace(report={"warnings": {"structure_inconnue": 1, "doublon_livraison": 2}})
    rows = {w["code"]: w["label"] for w in import_report_context(imp, {})["warning_rows"]}
    assert rows == {
        "structure_inconnue": "rattachement à une structure absente de l'annuaire",
        "doublon_livraison": "enregistrements présents deux fois dans la livraison"}


def test_progress_percentages_keep_their_sign_on_the_same_line():
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    imp = SimpleNamespace(pk=1, status="en_cours", is_active=True)
    html = render_to_string("annuaire/imports/_progress.html",
                            {"imp": imp, "progress": {"phase": "Lecture", "percent": 42}})
    assert "Lecture — 42&nbsp;%" in html and "42 %" not in html

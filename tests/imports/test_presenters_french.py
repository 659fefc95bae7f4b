"""The bilan's labels agree with their counts (0 and 1 take the singular)."""

from imports.presenters import bilan_rows


def _row(rows, key):
    return next(r for r in rows if r["key"] == key)


def test_a_truncated_list_names_one_other_in_the_singular():
    names = [f"PROF {n}" for n in range(500)]
    rows = bilan_rows({"counts": {"teachers_unmatched": 501},
                       "lists": {"teachers_unmatched": names}})
    assert _row(rows, "teachers_unmatched")["items"][-1] == "… et 1 autre"
    rows = bilan_rows({"counts": {"teachers_unmatched": 502},
                       "lists": {"teachers_unmatched": names}})
    assert _row(rows, "teachers_unmatched")["items"][-1] == "… et 2 autres"


def test_an_alternance_of_one_week_is_singular():
    rows = bilan_rows({"counts": {"alternances": 2}, "lists": {}, "alternances": [
        {"label": "Semaine A", "code": "A", "weeks": 1},
        {"label": "", "code": "B", "weeks": 17}]})
    assert _row(rows, "alternances")["items"] == ["Semaine A (1 semaine)", "B (17 semaines)"]


def test_service_changes_count_incomplete_ones_in_french():
    empty = {"added": [], "modified": [], "removed": []}
    changes = {"subjects": {"added": [], "modified": []}, "closures": {"added": [], "removed": []},
               "alternances": empty,
               "services": {"added": [1], "modified": [], "removed": [], "added_incomplete": 0,
                            "modified_incomplete": 1, "removed_incomplete": 2},
               "seances": {"now": 14226, "previous": 9000, "difference": 5226}, "weekly": {}}
    rows = bilan_rows({"counts": {}, "lists": {}, "changes": changes})
    assert _row(rows, "ch_services_added")["label"].endswith("(dont 0 incomplet)")
    assert _row(rows, "ch_services_modified")["label"].endswith("(dont 1 incomplet)")
    assert _row(rows, "ch_services_removed")["label"].endswith("(dont 2 incomplets)")
    assert _row(rows, "ch_seances")["label"].startswith(
        "Séances dans le fichier : 14\u202f226 contre 9\u202f000")
    assert _row(rows, "ch_seances")["display"] == "+5\u202f226"


def test_rapprochement_fieldsets_agree_with_their_kind():
    from imports.presenters import rapprochement_groups

    bilan = {"matches": {"division": [{"label": "3A", "target": 1, "how": "identifiant"}],
                         "teacher": [{"label": "MARTIN", "target": None, "how": ""}]}}
    targets = {"teacher": [], "division": [], "group": [], "subject": []}
    groups = {g["kind"]: g for g in rapprochement_groups(bilan, targets)}
    assert (groups["division"]["heading"], groups["division"]["all_known"]) == (
        "Divisions", "Toutes reconnues.")
    assert (groups["subject"]["heading"], groups["subject"]["all_known"]) == (
        "Matières", "Toutes reconnues.")
    assert (groups["group"]["heading"], groups["group"]["all_known"]) == (
        "Groupes", "Tous reconnus.")


def test_differences_and_weekly_changes_are_grouped_with_their_sign():
    empty = {"added": [], "modified": [], "removed": []}
    changes = {"subjects": {"added": [], "modified": []}, "closures": {"added": [], "removed": []},
               "alternances": empty,
               "services": {**empty, "added_incomplete": 0, "modified_incomplete": 0,
                            "removed_incomplete": 0},
               "seances": {"now": 9000, "previous": 14226, "difference": -5226},
               "weekly": {"cancelled": {"total": 12345, "change": 1234}}}
    rows = bilan_rows({"counts": {}, "lists": {}, "changes": changes})
    assert _row(rows, "ch_seances")["display"] == "-5\u202f226"
    weekly = _row(rows, "ch_weekly_cancelled")
    assert weekly["label"].endswith("(évolution depuis l'import précédent : +1\u202f234)")
    assert weekly["display"] == "12\u202f345"


def test_zero_lines_are_set_apart_with_their_parent_s_label():
    from imports.presenters import rows_split

    rows = bilan_rows({"counts": {"courses": 704, "courses_not_importable": 0,
                                  "courses_incomplete": 3, "seances": 14226, "rooms": 0},
                       "lists": {}})
    shown, zeros = rows_split(rows)
    assert [r["key"] for r in shown] == ["courses", "courses_incomplete", "seances"]
    assert [r["full_label"] for r in zeros] == ["Cours : dont non importables", "Salles"]
    assert _row(rows, "seances")["help"].startswith("Toutes les séances que l'export décrit")

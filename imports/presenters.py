"""The bilan préliminaire as the pages, the CSV and the PDF show it: French labels, lists."""

from ent.french import count_label, french_number

from .models import TimetableImport

KIND_LABELS = {"teacher": "Enseignant", "division": "Division", "group": "Groupe",
               "subject": "Matière"}
# The rapprochements page's fieldsets: the kind in the plural, and « all known » agreeing with it.
KIND_HEADINGS = {"teacher": ("Enseignants", "Tous reconnus."),
                 "division": ("Divisions", "Toutes reconnues."),
                 "group": ("Groupes", "Tous reconnus."),
                 "subject": ("Matières", "Toutes reconnues.")}
HOW_LABELS = {"identifiant": "par identifiant", "nom": "par le nom",
              "nom et date de naissance": "par le nom et la date de naissance",
              "rapprochement": "rapprochement enregistré", "ignoré": "ignoré"}


def _matched(bilan, kind):
    return sorted(m["label"] for m in bilan.get("matches", {}).get(kind, [])
                  if m["target"] is not None)


def _all(bilan, kind):
    return sorted(m["label"] for m in bilan.get("matches", {}).get(kind, []))


def _lines(entries, key):
    """« ligne 68 : … » once, whether or not the parser's reasons already name the line."""
    out = []
    for e in entries:
        text, where = ", ".join(e[key]), f"ligne {e['line']} : " if e.get("line") else ""
        out.append(text if not where or text.startswith(where) else where + text)
    return out


# (count key, label, indent, list of the bilan it opens)
ROWS = [
    ("subjects", "Matières", 0, lambda b: _all(b, "subject")),
    ("subjects_matched", "Matières rapprochées", 1, lambda b: _matched(b, "subject")),
    ("subjects_unmatched", "Matières non rapprochées", 1,
     lambda b: b["lists"].get("subjects_unmatched", [])),
    ("teachers_matched", "Enseignants rapprochés", 0, lambda b: _matched(b, "teacher")),
    ("teachers_unmatched", "Enseignants non rapprochés", 0,
     lambda b: b["lists"].get("teachers_unmatched", [])),
    ("teachers_without_courses", "Enseignants sans cours", 0,
     lambda b: b["lists"].get("teachers_without_courses", [])),
    ("divisions_matched", "Divisions rapprochées", 0, lambda b: _matched(b, "division")),
    ("divisions_unmatched", "Divisions non rapprochées", 0,
     lambda b: b["lists"].get("divisions_unmatched", [])),
    ("divisions_without_courses", "Divisions sans cours", 0,
     lambda b: b["lists"].get("divisions_without_courses", [])),
    ("groups_matched", "Groupes rapprochés", 0, lambda b: _matched(b, "group")),
    ("groups_unmatched", "Groupes non rapprochés", 0,
     lambda b: b["lists"].get("groups_unmatched", [])),
    ("groups_without_courses", "Groupes sans cours", 0,
     lambda b: b["lists"].get("groups_without_courses", [])),
    ("courses", "Cours", 0, None),
    ("courses_not_importable", "dont non importables", 1,
     lambda b: _lines(b.get("not_importable", []), "problems")),
    ("courses_subject_only", "dont « matière seule » (sans enseignant ni classe)", 1,
     lambda b: [f"ligne {line}" for line in b.get("subject_only", []) if line]),
    ("courses_incomplete", "dont incomplets", 1,
     lambda b: _lines(b.get("incomplete", []), "missing")),
    ("seances", "Séances dans le fichier", 0, None),
    ("seances_outside_year", "dont hors de l'année scolaire (jamais créées)", 1, None),
    ("seances_in_year", "dont dans l'année scolaire", 1, None),
    ("seances_past", "dont passées (laissées telles quelles)", 1, None),
    ("seances_to_create", "Séances que la validation créera", 0, None),
    ("seances_to_change", "Séances que la validation modifiera", 0, None),
    ("seances_to_remove", "Séances que la validation retirera", 0, None),
    ("seances_to_cancel", "Séances que la validation annulera au lieu de les retirer "
     "(elles portent déjà des données : appel, cahier de textes…)", 0, None),
    ("seances_kept", "Séances déjà en place, inchangées", 0, None),
    ("rooms", "Salles", 0, lambda b: b.get("rooms", [])),
    ("closures", "Périodes de fermeture", 0,
     lambda b: [f"du {c['start']} au {c['end']}{' : ' + c['label'] if c.get('label') else ''}"
                for c in b.get("closures", [])]),
    ("alternances", "Alternances", 0,
     lambda b: [f"{a['label'] or a['code']} ({count_label(a['weeks'], 'semaine')})"
                for a in b.get("alternances", [])]),
    ("services", "Services (STS-web)", 0, None),
    ("services_not_importable", "dont non importables", 1,
     lambda b: _lines(b.get("services_not_importable", []), "problems")),
]

# What « séances dans le fichier » counts, against what validation adds.
SEANCES_HELP = ("Toutes les séances que l'export décrit. La validation n'ajoute que celles "
                "qui manquent à l'emploi du temps en vigueur, dans l'année scolaire du fichier "
                "(« séances que la validation créera ») : les séances passées ne changent "
                "jamais, et un cours inchangé garde les siennes.")
APPLIED_HELP = ("« Séances ajoutées » ne compte que les séances créées par cette validation : "
                "les séances passées et celles des cours inchangés, déjà là, n'y figurent pas ; "
                "le nombre de séances dans le fichier peut donc être bien plus grand.")

APPLIED_LABELS = [
    ("courses_created", "Cours créés"), ("courses_updated", "Cours conservés ou mis à jour"),
    ("courses_removed", "Cours retirés"), ("seances_added", "Séances ajoutées"),
    ("seances_changed", "Séances modifiées"), ("seances_removed", "Séances retirées"),
    ("seances_cancelled", "Séances annulées au lieu d'être retirées (elles portent des "
     "données)"),
]


def bilan_rows(bilan):
    """Each count with its label and the list it opens (None: a count without names)."""
    counts, lists = bilan.get("counts", {}), bilan.get("lists", {})
    rows = []
    for key, label, indent, source in ROWS:
        if key in counts:
            value = counts[key]
        elif key in lists:
            value = len(lists[key])
        else:
            continue
        items = source(bilan) if source else None
        if items is not None and value and len(items) < value:
            # The bilan keeps the first 500 lines of a long list.
            items = [*items, f"… et {count_label(value - len(items), 'autre')}"]
        rows.append({"key": key, "label": label, "indent": indent, "value": value,
                     "items": items, "help": seances_help(bilan) if key == "seances" else ""})
    return _shown(rows + change_rows(bilan))


def seances_help(bilan):
    """Why the séances validation writes are fewer than those of the file: the forecast's
    sentences for this file (« l'export concerne l'année 2013-2014, terminée… »), then what
    the count means."""
    notes = (bilan.get("seances_plan") or {}).get("notes", [])
    return " ".join([*notes, SEANCES_HELP])


def _signed(n):
    """« +1 234 », « -12 », « 0 »: a difference, its digits grouped."""
    return f"+{french_number(n)}" if n > 0 else french_number(n)


def _shown(rows):
    """Each row's figure as the page writes it, and its label with its parent's for the
    rows shown apart (the lines at zero): « Cours : dont incomplets »."""
    parent = ""
    for row in rows:
        if not row["indent"]:
            parent = row["label"]
        row.setdefault("help", "")
        row["display"] = (_signed(row["value"]) if row.get("signed")
                          else french_number(row["value"]))
        row["full_label"] = f"{parent} : {row['label']}" if row["indent"] and parent else (
            row["label"])
        row["zero"] = row["value"] == 0
    return rows


def rows_split(rows):
    """The rows with a figure, then those at zero (folded away on the page)."""
    return [r for r in rows if not r["zero"]], [r for r in rows if r["zero"]]


def _row(key, label, items, indent=False, value=None):
    return {"key": key, "label": label, "indent": indent,
            "value": len(items) if value is None else value, "items": items or None}


def change_rows(bilan):
    """What validating would change in the timetable in force, then what the directory lacks
    for it (« Gestion des classes et groupes »)."""
    changes, groups = bilan.get("changes"), bilan.get("groups")
    rows = []
    if changes:
        s = changes["subjects"]
        rows += [_row("ch_subjects_added", "Matières ajoutées", s["added"]),
                 _row("ch_subjects_modified", "Matières modifiées", s["modified"])]
        c = changes["closures"]
        rows += [_row("ch_closures_added", "Périodes de fermeture ajoutées", c["added"]),
                 _row("ch_closures_removed", "Périodes de fermeture supprimées", c["removed"])]
        a = changes["alternances"]
        rows += [_row("ch_alt_added", "Alternances ajoutées", a["added"]),
                 _row("ch_alt_modified", "Alternances modifiées", a["modified"]),
                 _row("ch_alt_removed", "Alternances supprimées", a["removed"])]
        v = changes["services"]
        for part, label in (("added", "ajoutés"), ("modified", "modifiés"),
                            ("removed", "supprimés")):
            incomplete = v[f"{part}_incomplete"]
            rows.append(_row(f"ch_services_{part}",
                             f"Services d'enseignement {label} (dont "
                             f"{count_label(incomplete, 'incomplet')})", v[part]))
        n = changes["seances"]
        seances = _row("ch_seances", f"Séances dans le fichier : {french_number(n['now'])} "
                       f"contre {french_number(n['previous'])} à l'import précédent", None,
                       value=n["difference"])
        rows.append({**seances, "signed": True})
        labels = {"replacements": "Remplacements (semaines)", "cancelled": "Cours annulés",
                  "exceptional": "Cours exceptionnels"}
        for name, figures in changes["weekly"].items():
            rows.append(_row(f"ch_weekly_{name}", f"{labels.get(name, name)} depuis la rentrée "
                             f"(évolution depuis l'import précédent : "
                             f"{_signed(figures['change'])})",
                             None, value=figures["total"]))
    if groups:
        rows += [_row("gr_to_create", "Groupes à créer", groups["to_create"]),
                 _row("gr_to_rename", "Groupes à renommer", groups["to_rename"]),
                 _row("gr_teachers", "Classes et groupes avec des enseignants à ajouter",
                      groups["teachers_to_add"]),
                 _row("gr_pupils", "Classes et groupes avec des élèves à ajouter",
                      groups["pupils_to_add"])]
    return rows


def applied_rows(bilan):
    applied = bilan.get("applied") or {}
    return [(label, applied[key]) for key, label in APPLIED_LABELS if key in applied]


def unmatched_entries(bilan):
    """The names of a bilan that match nothing, per kind, for the rapprochements page."""
    out = []
    for kind in ("teacher", "division", "group", "subject"):
        entries = sorted((m for m in bilan.get("matches", {}).get(kind, [])
                          if m["target"] is None and m["how"] != "ignoré"),
                         key=lambda m: m["label"])
        out.append((kind, entries))
    return out


def rapprochement_groups(bilan, targets):
    """One fieldset per kind: the unknown names, numbered for the form, and their choices."""
    groups, n = [], 0
    for kind, entries in unmatched_entries(bilan):
        rows = []
        for entry in entries:
            n += 1
            rows.append({"n": n, **entry})
        heading, all_known = KIND_HEADINGS[kind]
        groups.append({"kind": kind, "label": KIND_LABELS[kind], "heading": heading,
                       "all_known": all_known, "rows": rows,
                       "targets": targets[kind]})
    return groups


def status_class(imp):
    return {TimetableImport.Status.VALIDE: "ok", TimetableImport.Status.ECHEC: "error",
            TimetableImport.Status.BILAN: "warn"}.get(imp.status, "")

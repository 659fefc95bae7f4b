"""The report of a SIECLE / STS-web run as text (command line) or JSON."""

from ent.french import count_label, plural_form

POPULATIONS = {
    "eleves": "Élèves", "responsables": "Responsables", "liens": "Liens élève-responsable",
    "enseignants": "Enseignants (STS-web)", "services": "Services (STS-web)",
}
# (singular, plural): the label follows its count, « 1 lu », « 2 lus ».
COUNT_LABELS = {
    "lus": ("lu", "lus"), "rapproches": ("rapproché", "rapprochés"),
    "par_identifiant": ("par identifiant", "par identifiant"),
    "par_ine": ("par INE et date de naissance", "par INE et date de naissance"),
    "par_nom": ("par nom (et naissance ou lien)", "par nom (et naissance ou lien)"),
    "non_rapproches": ("sans compte", "sans compte"), "rejetes": ("rejeté", "rejetés"),
    "sortis": ("sorti", "sortis"),
    "sans_compte": ("sans compte d'un côté", "sans compte d'un côté"),
    "hors_aaf": ("absent de l'AAF, non créé", "absents de l'AAF, non créés"),
}
WRITE_LABELS = {
    "personnes": ("fiche complétée", "fiches complétées"),
    "inscriptions": ("inscription ajoutée", "inscriptions ajoutées"),
    # Reports of runs before the AAF became the only source of links.
    "liens_crees": ("lien créé", "liens créés"), "liens_completes": ("lien complété", "liens complétés"),
    "enseignements": ("enseignement ajouté", "enseignements ajoutés"),
    "matieres": ("matière ajoutée", "matières ajoutées"),
}


def _label(labels, key, n):
    singular, plural = labels.get(key, (key, key))
    return plural_form(n, singular, plural)
NATURES = {"division": "division", "groupe": "groupe"}


def count_rows(report):
    rows = []
    for key, label in POPULATIONS.items():
        counts = report.get("counts", {}).get(key)
        if counts:
            rows.append({"label": label, "items": [
                (_label(COUNT_LABELS, name, value), value) for name, value in counts.items()]})
    return rows


def write_rows(report):
    return [(_label(WRITE_LABELS, k, v), v) for k, v in report.get("writes", {}).items()]


def report_as_json(imp, issues):
    return {
        "id": imp.pk, "status": imp.status, "etablissement": imp.etablissement.uai,
        "error": imp.error or None, "report": imp.report,
        "issues": [{"level": i.level, "population": i.population, "file": i.file,
                    "line": i.line, "identifier": i.identifier, "name": i.name,
                    "message": i.message} for i in issues],
    }


def report_as_text(imp, issues):
    report = imp.report or {}
    out = [f"Compléments SIECLE / STS-web n°{imp.pk} — {imp.etablissement.name} "
           f"({imp.etablissement.uai}) : {imp.get_status_display()}"]
    if imp.error:
        out.append(f"Erreur : {imp.error}")
        out.append("Rien n'a été écrit dans l'annuaire.")
        return "\n".join(out) + "\n"
    out.append(f"Année scolaire {report.get('annee')}")
    for f in report.get("files", []):
        out.append(f"  fichier {f['name']} : {f['kind_label']}, UAJ {f['uaj']}, "
                   f"encodage {f['encoding']}")
    for row in count_rows(report):
        out.append(f"{row['label']} : " + ", ".join(f"{v} {k}" for k, v in row["items"]))
    if report.get("unchanged"):
        out.append("Aucune modification : l'annuaire était déjà à jour (0 ligne écrite).")
    else:
        out.append(f"Lignes écrites : {report.get('rows_written', 0)} ("
                   + ", ".join(f"{v} {k}" for k, v in write_rows(report)) + ")")
    for s in report.get("unknown_structures", []):
        out.append(f"  {NATURES.get(s['nature'], s['nature'])} « {s['code']} » absente de "
                   f"l'annuaire ({count_label(s['count'], 'mention')}) : ignorée")
    for issue in issues:
        where = f"{issue.file}, ligne {issue.line}" if issue.line else issue.file
        out.append(f"  [{issue.get_level_display()}] {where} : {issue.identifier} "
                   f"{issue.name} — {issue.message}")
    return "\n".join(out) + "\n"

"""The import report as plain text, for the shell (``import_aaf``)."""

from django.conf import settings

from ent.french import count_label, french_number, plural_form

from .aaf.files import POPULATIONS
from .aaf.report import OUTCOME_LABELS, OUTCOMES, POPULATION_LABELS
from .models import AafImport, ImportIssue

# (singular, plural): a warning's label follows its count, « 1 valeur mal formée ignorée ».
WARNING_LABELS = {
    "structure_inconnue": ("rattachement à une structure absente de l'annuaire",
                           "rattachements à une structure absente de l'annuaire"),
    "responsable_inconnu": ("lien vers un responsable absent de l'annuaire",
                            "liens vers un responsable absent de l'annuaire"),
    "matiere_inconnue": ("service dans une matière absente de la nomenclature",
                         "services dans une matière absente de la nomenclature"),
    "valeur_mal_formee": ("valeur mal formée ignorée", "valeurs mal formées ignorées"),
    "doublon_livraison": ("enregistrement présent deux fois dans la livraison",
                          "enregistrements présents deux fois dans la livraison"),
    "suppression_inconnue": ("suppression d'une personne absente de l'annuaire",
                             "suppressions de personnes absentes de l'annuaire"),
    "modification_inconnue": ("modification d'une personne absente (compte créé)",
                              "modifications de personnes absentes (comptes créés)"),
    "suppression_structure": ("suppression de structure ignorée",
                              "suppressions de structures ignorées"),
}


def warning_label(code, n):
    """The label of ``n`` warnings of one kind, agreeing with ``n``."""
    singular, plural = WARNING_LABELS.get(code, (code, code))
    return plural_form(n, singular, plural)


def french_percent(share):
    """« 69 % », « 10,4 % »: one decimal only when it is not zero."""
    text = f"{round(share * 100, 1):.1f}".removesuffix(".0").replace(".", ",")
    return f"{text}\u00a0%"


def deactivation_breaches(report):
    """The checks of the deactivation brake that hold the import, populations first."""
    return [c for c in report.get("deactivation_check", []) if c.get("exceeds")]


def deactivation_breach_text(check):
    """Why the brake holds, in one French sentence: which population (and establishment),
    how many of how many, against which threshold."""
    population = POPULATION_LABELS.get(check.get("population"), "Comptes")
    if check.get("etab_id") is None:
        where = f"{population}, tous établissements et sans établissement confondus"
    else:
        where = f"{population} de {check['name']} ({check['uai']})"
    threshold = check.get("threshold", settings.ENT_AAF_DEACTIVATION_THRESHOLD)
    gone = count_label(check["to_deactivate"], "compte actif", "comptes actifs")
    return (f"{where} : ce Complet désactiverait {gone} sur {french_number(check['active'])} "
            f"({french_percent(check['share'])}), plus que le seuil de "
            f"{french_percent(threshold)}.")


def _population_order(population):
    return POPULATIONS.index(population) if population in POPULATIONS else len(POPULATIONS)


def _table(counts, populations):
    widths = [16] + [11] * len(OUTCOMES)
    lines = ["".join(h.ljust(w) for h, w in zip(
        ["Population", *[OUTCOME_LABELS[o] for o in OUTCOMES]], widths, strict=True))]
    for population in sorted(populations, key=_population_order):
        row = counts.get(population)
        if not row:
            continue
        cells = [POPULATION_LABELS.get(population, population)] + [str(row[o]) for o in OUTCOMES]
        lines.append("".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)))
    return lines


def report_as_text(imp: AafImport):
    report = imp.report or {}
    lines = [f"Import AAF n°{imp.pk} — {imp.kind or '?'} — {imp.get_status_display()}"]
    if imp.error:
        lines.append(f"Erreur : {imp.error}")
    for f in report.get("files", []):
        lines.append(
            f"  {f['name']} : {f.get('population')} {f.get('kind') or ''}, "
            f"{count_label(f.get('records', 0), 'enregistrement')}, "
            f"{f.get('version') or 'version non déclarée'}, {f.get('encoding')}")
    counts = report.get("counts", {})
    if counts:
        lines.append("")
        lines.extend(_table(counts, list(counts)))
    for etab in report.get("by_etab", []):
        if not etab["aaf_id"]:
            continue
        lines.append("")
        lines.append(f"{etab['name']} ({etab['uai'] or etab['aaf_id']})")
        lines.extend("  " + line for line in _table(etab["counts"], list(etab["counts"])))
    if imp.status == AafImport.Status.WAITING:
        lines.append("")
        lines.append("En attente de confirmation, rien n'a été écrit :")
        for check in deactivation_breaches(report):
            lines.append(f"  {deactivation_breach_text(check)}")
        lines.append("Vérifiez la livraison (un fichier manquant ?) avant de la confirmer.")
        lines.append(f"Confirmer : python manage.py import_aaf --confirm {imp.pk} ; "
                     f"annuler : --cancel {imp.pk}")
    rejected = ImportIssue.objects.filter(aaf_import=imp, level=ImportIssue.Level.REJET)
    if report.get("rejected_count"):
        lines.append("")
        lines.append(f"Enregistrements rejetés : {report['rejected_count']}")
        for issue in rejected[:200]:
            lines.append(f"  {issue.file}, ligne {issue.line}, identifiant "
                         f"{issue.identifier or '(aucun)'} : {issue.message}")
    if report.get("warnings"):
        lines.append("")
        lines.append("Avertissements :")
        for code, n in sorted(report["warnings"].items()):
            lines.append(f"  {n} {warning_label(code, n)}")
    if report.get("unknown_attributes"):
        lines.append("")
        lines.append("Attributs non reconnus (conservés) :")
        for u in report["unknown_attributes"]:
            lines.append(f"  {u['population']}.{u['name']} : {u['count']} fois "
                         f"(première fois {u['file']}, ligne {u['line']})")
    controls = ImportIssue.objects.filter(aaf_import=imp, level=ImportIssue.Level.CONTROLE)
    if report.get("controls_count"):
        lines.append("")
        lines.append(f"Contrôles avant distribution des comptes : {report['controls_count']}")
        for issue in controls[:100]:
            lines.append(f"  {issue.identifier} {issue.message}")
            lines.append(f"    → {issue.fix}")
    if "rows_written" in report:
        lines.append("")
        lines.append(f"Lignes écrites dans l'annuaire : {report['rows_written']}")
    return "\n".join(lines)


def report_as_json(imp: AafImport):
    report = dict(imp.report or {})
    report["import_id"] = imp.pk
    report["status"] = imp.status
    report["error"] = imp.error or None
    report["rejected"] = [
        {"file": i.file, "line": i.line, "identifier": i.identifier,
         "population": i.population, "reason": i.message}
        for i in ImportIssue.objects.filter(aaf_import=imp, level=ImportIssue.Level.REJET)
    ]
    report.setdefault("counts", {})
    return report

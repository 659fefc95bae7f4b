"""Shapes an import's stored report into what its page shows."""

from .aaf.files import POPULATIONS
from .aaf.report import OUTCOME_LABELS, OUTCOMES, POPULATION_LABELS
from .report_text import deactivation_breach_text, deactivation_breaches, warning_label


def _rows(counts):
    rows = []
    for population in POPULATIONS:
        if population in counts:
            values = counts[population]
            rows.append({
                "population": POPULATION_LABELS.get(population, population),
                "values": [values.get(outcome, 0) for outcome in OUTCOMES],
            })
    return rows


def import_report_context(imp, issue_counts):
    report = imp.report or {}
    etabs = []
    for etab in report.get("by_etab", []):
        etabs.append({**etab, "rows": _rows(etab.get("counts", {}))})
    warnings = [
        {"code": code, "label": warning_label(code, n), "count": n,
         "stored": issue_counts.get("avertissement", {}).get(code, 0)}
        for code, n in sorted(report.get("warnings", {}).items(), key=lambda kv: -kv[1])
    ]
    return {
        "report": report,
        "outcome_labels": [OUTCOME_LABELS[o] for o in OUTCOMES],
        "count_rows": _rows(report.get("counts", {})),
        "etab_reports": etabs,
        "warning_rows": warnings,
        "rejected_count": report.get("rejected_count", 0),
        "controls_count": report.get("controls_count", 0),
        "breaches": [{**c, "text": deactivation_breach_text(c),
                      "population_label": POPULATION_LABELS.get(c.get("population"), ""),
                      "where": f"{c['name']} ({c['uai']})" if c.get("etab_id") is not None
                      else "Tous établissements et sans établissement"}
                     for c in deactivation_breaches(report)],
    }


PURGE_ORIGIN_LABELS = {"beat": "Automatique (chaque nuit)", "manuel": "Manuelle",
                       "cli": "Ligne de commande"}


def purge_run_rows(runs):
    """The purge history in French: origins and populations by their labels, not their codes."""
    return [{
        "run": run,
        "origin": PURGE_ORIGIN_LABELS.get(run.origin, run.origin),
        "counts": [(POPULATION_LABELS.get(pop, pop), n) for pop, n in sorted(
            run.counts.items(), key=lambda kv: POPULATIONS.index(kv[0])
            if kv[0] in POPULATIONS else len(POPULATIONS))],
    } for run in runs]

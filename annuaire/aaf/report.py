"""The import report: counts per population and establishment, files, checks."""

OUTCOMES = ("created", "updated", "reactivated", "deactivated", "unchanged", "rejected")
OUTCOME_LABELS = {
    "created": "créés", "updated": "modifiés", "reactivated": "réactivés",
    "deactivated": "désactivés", "unchanged": "inchangés", "rejected": "rejetés",
}
POPULATION_LABELS = {
    "EtabEducNat": "Structures", "MatiereEducNat": "Matières", "MefEducNat": "MEF",
    "Eleve": "Élèves", "PersRelEleve": "Responsables", "PersEducNat": "Personnels",
}
STATUS_OF = {"applied": "applique", "simulated": "simule", "waiting": "a_confirmer"}


def _empty():
    return dict.fromkeys(OUTCOMES, 0)


def build_report(*, status, kind, simulate, parsed, result, etabs, populations, legal_2,
                 durations):
    counts = {population: _empty() for population in populations}
    by_etab = {}
    for population, etab, outcome, n in result.counts:
        counts.setdefault(population, _empty())[outcome] += n
        if population in ("Eleve", "PersRelEleve", "PersEducNat", "EtabEducNat") or etab:
            by_etab.setdefault(etab, {}).setdefault(population, _empty())[outcome] += n
    for (population, etab), n in parsed.rejected_counts.items():
        counts.setdefault(population, _empty())["rejected"] += n
        by_etab.setdefault(etab, {}).setdefault(population, _empty())["rejected"] += n
    etab_rows = []
    for aaf_id, per_population in by_etab.items():
        info = etabs.get(aaf_id, {})
        etab_rows.append({
            "aaf_id": aaf_id, "uai": info.get("uai", ""),
            "name": info.get("name") or (f"Structure {aaf_id}" if aaf_id else "Sans établissement"),
            "counts": per_population,
        })
    etab_rows.sort(key=lambda row: (not row["aaf_id"], row["name"]))
    warnings = dict(parsed.warning_totals)
    for code, n in result.warning_totals.items():
        warnings[code] = warnings.get(code, 0) + n
    return {
        "status": status,
        "kind": kind,
        "simulation": simulate,
        "files": parsed.files,
        "records": parsed.records,
        "counts": counts,
        "by_etab": etab_rows,
        "rejected_count": sum(parsed.rejected_counts.values()),
        "warnings": warnings,
        "controls_count": len(parsed.controls) + len(result.controls),
        "unknown_attributes": sorted(parsed.unknown.values(),
                                     key=lambda u: (u["population"], u["name"])),
        "deactivation_check": result.deactivation_check,
        "rows_written": 0 if (simulate or status == "waiting") else result.rows_written,
        "rows_to_write": result.rows_written,
        "legal_2": legal_2,
        "durations": durations,
        "step_seconds": result.step_seconds,
        # People whose record equals the directory's: staged as an identity only.
        "skipped": result.skipped,
    }

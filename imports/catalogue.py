"""The imports in the catalogue: timetable exports, SIECLE / STS-web completion (and the AAF
imports, the académie's own)."""

from ent.catalogue.registry import K, service_register

service_register(
    key="imports", label="Imports",
    description="Emploi du temps (EDT, UnDeuxTemps, STS-web), compléments SIECLE et STS-web.",
    # The secretariat (personnels) completes the directory from SIECLE.
    profiles={K.PERSONNEL},
    always={K.DIRECTION, K.ADMIN_ETAB},
    url_names=("imports:*", "annuaire:imports", "annuaire:import", "annuaire:import_progress",
               "annuaire:import_confirm", "annuaire:import_cancel", "annuaire:import_retry",
               "annuaire:import_issues", "annuaire:siecle_imports", "annuaire:siecle_import",
               "annuaire:siecle_import_progress"),
)

"""The set-based merge of the staging tables into the directory, inside one transaction.

Every statement works on whole sets (no per-person round trip) and writes only what differs:
rerunning the same files writes no row. Statements are plain SQL that both PostgreSQL and
SQLite (≥ 3.35) accept.
"""

import time
from dataclasses import dataclass, field

from annuaire import models as m
from ent.french import count_label, plural_form

from .logins import login_base_of, next_free_login
from .staging import directory_has_feed_people

ETAB = m.Etablissement._meta.db_table
MATIERE = m.Matiere._meta.db_table
MEF = m.Mef._meta.db_table
PERSON = m.Person._meta.db_table
REG = m.Regroupement._meta.db_table
ROLE = m.Role._meta.db_table
INSCRIPTION = m.Inscription._meta.db_table
ENSEIGNEMENT = m.Enseignement._meta.db_table
PRINCIPAL = m.ProfPrincipal._meta.db_table
MATIERE_ENS = m.MatiereEnseignee._meta.db_table

# Where to correct two records of one person: pupils and relatives come from SIECLE, staff
# from STS-web and the rectorat's personnel base.
DUPLICATE_FIX = {
    "Eleve": "Dans SIECLE, vérifier s'il s'agit de la même personne saisie deux fois ; si oui, "
             "fusionner les deux fiches pour qu'un seul identifiant subsiste.",
    "PersRelEleve": "Dans SIECLE (Responsables), vérifier s'il s'agit de la même personne "
                    "saisie deux fois ; si oui, fusionner les deux fiches pour qu'un seul "
                    "identifiant subsiste.",
    "PersEducNat": "Dans STS-web (personnels enseignants) ou dans la base des personnels du "
                   "rectorat, vérifier s'il s'agit de la même personne saisie deux fois ; si "
                   "oui, demander la fusion des fiches pour qu'un seul identifiant subsiste.",
}
FONCTION = m.Fonction._meta.db_table
PARENTE = m.Parente._meta.db_table
S_ETAB = m.StagedEtablissement._meta.db_table
S_MATIERE = m.StagedMatiere._meta.db_table
S_MEF = m.StagedMef._meta.db_table
S_PERSON = m.StagedPerson._meta.db_table
S_LINK = m.StagedLink._meta.db_table

PERSON_FEED_COLUMNS = (
    "population", "profile", "civilite", "last_name", "first_name", "birth_name",
    "other_first_names", "birth_date", "email", "phone_home", "phone_work", "phone_mobile",
    "address", "postal_code", "city", "country", "ine", "eleve_struct_id", "regime", "boursier",
    "transport", "statut", "mef_code", "mef_libelle", "niveau", "filiere", "teaches", "extra",
    "aaf_hash", "search_name", "main_etab_aaf",
)
ETAB_FEED_COLUMNS = (
    "uai", "name", "type_label", "type_code", "contrat", "ministere", "ministere_code", "siret",
    "street", "po_box", "postal_code", "city", "phone", "fax", "mail", "bassin", "academie",
    "academie_code", "extra", "aaf_hash",
)
REGROUPEMENT_KINDS = "('division', 'groupe', 'ens_division', 'ens_groupe', 'principal')"
NATURE_OF_KIND = "CASE WHEN {k} IN ('groupe', 'ens_groupe') THEN 'groupe' ELSE 'division' END"
WARNING_SAMPLE = 10000


# What the progress bar says each step does.
STEP_LABELS = {
    "deduplicate": "doublons de la livraison", "structures": "structures et nomenclatures",
    "person_diff": "comparaison avec l'annuaire", "absent_and_threshold": "absents et seuil",
    "insert_persons": "nouveaux comptes", "update_persons": "comptes modifiés",
    "deactivate": "désactivations", "owners_and_links": "rattachements",
    "leave_covered_etabs": "départs d'établissement", "regroupements": "classes et groupes",
    "relations": "relations", "parent_roles": "rôles des parents",
    "regroupements_cleanup": "classes et groupes vides",
    "incomplete_records": "rattachements en attente", "duplicate_controls": "contrôles",
    "count_outcomes": "bilan", "done": "terminé",
}


class ThresholdExceeded(Exception):
    def __init__(self, breaches):
        self.breaches = breaches
        super().__init__("seuil de désactivation dépassé")


@dataclass
class MergeResult:
    counts: list = field(default_factory=list)  # (population, etab_aaf, outcome, n)
    warnings: list = field(default_factory=list)  # dicts for ImportIssue
    warning_totals: dict = field(default_factory=dict)
    controls: list = field(default_factory=list)
    deactivation_check: list = field(default_factory=list)
    rows_written: int = 0
    step_seconds: dict = field(default_factory=dict)
    skipped: int = 0


class Merge:
    def __init__(self, sql, *, kind, populations, now, force, threshold, files, progress=None):
        self.sql = sql
        self.kind = kind
        self.populations = [p for p in populations if p in ("Eleve", "PersRelEleve", "PersEducNat")]
        self.now = sql.now(now)
        self.force = force
        self.threshold = threshold
        self.files = files
        self.progress = progress or (lambda step, done, total: None)
        self.result = MergeResult()

    def run(self):
        steps = [
            self.deduplicate, self.structures, self.person_diff, self.absent_and_threshold,
            self.insert_persons, self.update_persons, self.deactivate, self.owners_and_links,
            self.leave_covered_etabs, self.regroupements, self.relations, self.parent_roles,
            self.incomplete_records, self.regroupements_cleanup, self.duplicate_controls,
            self.count_outcomes,
        ]
        if self.sql.postgres:
            # Room for the hash joins and sorts of a whole académie, for this transaction only.
            self.sql.run("SET LOCAL work_mem = '256MB'")
            self.sql.run("SET LOCAL maintenance_work_mem = '512MB'")
            # Compiling the statements (JIT) costs more than it saves on statements that each
            # run once.
            self.sql.run("SET LOCAL jit = off")
            self.sql.first_import = not directory_has_feed_people()
            staged = self.sql.scalar(f"SELECT COUNT(*) FROM {S_PERSON}")
            people = self.sql.scalar(
                f"SELECT COUNT(*) FROM (SELECT 1 FROM {PERSON} LIMIT %s) x", (staged * 10,))
            if staged * 10 <= people:
                # A small delivery: the directory is read through its indexes, cached, where
                # seeks cost little more than sequential reads; without saying so the planner
                # scans whole tables to find a Delta's few thousand rows.
                self.sql.run("SET LOCAL random_page_cost = 1.1")
            else:
                # A large one is read whole: sequential scans and hash joins, whatever the
                # server sets for the portal's pages (docker-compose.yml: 1.1).
                self.sql.run("SET LOCAL random_page_cost = 4")
            # Only the columns the merge joins and filters on: the others (a pupil's teachings
            # in ``extra``, addresses…) would cost most of the analysis and inform no plan.
            self.sql.run(
                f"ANALYZE {S_ETAB} (aaf_id, op), {S_MATIERE} (code, op), {S_MEF} (code, op), "
                f"{S_PERSON} (aaf_id, op, population, skipped, main_etab_aaf, login_base), "
                f"{S_LINK} (person_aaf, kind, etab_aaf, code, code2)")
        else:
            # SQLite plans correlated subqueries as one scan per row unless it can seek.
            self.sql.index(S_PERSON, "aaf_id")
            self.sql.index(S_LINK, "person_aaf")
        for i, step in enumerate(steps):
            self.progress(STEP_LABELS.get(step.__name__, step.__name__), i, len(steps))
            started = time.monotonic()
            step()
            self.result.step_seconds[step.__name__] = round(time.monotonic() - started, 2)
        # The parents' roles rebuild what the roles' merge left dropped for them; should a
        # step ever end with nothing to rebuild it, it is rebuilt here.
        self.sql.restore()
        self.progress(STEP_LABELS["done"], len(steps), len(steps))
        self.result.rows_written = self.sql.rows_written
        # Raised once every step has run, so that the report of an import waiting for
        # confirmation says all it would do; the caller rolls the writes back.
        breaches = [c for c in self.result.deactivation_check if c["exceeds"]]
        if breaches and not self.force:
            raise ThresholdExceeded(breaches)
        return self.result

    # --- helpers ------------------------------------------------------------------------------
    def _file(self, idx):
        return self.files[idx]["name"] if 0 <= idx < len(self.files) else ""

    def warn(self, code, message, *, population="", file_idx=-1, line=None, identifier="",
             etab=""):
        total = self.result.warning_totals.get(code, 0)
        self.result.warning_totals[code] = total + 1
        if total < WARNING_SAMPLE:
            self.result.warnings.append({
                "level": "avertissement", "code": code, "population": population,
                "file": self._file(file_idx), "line": line, "identifier": identifier,
                "etab": etab, "message": message,
            })

    def merge_relation(self, table, owner_col, keys, values, desired, *, owners="t_owner",
                       delete_filter="", nullable=(), constants=(), keep_dropped=False):
        """Make ``table``'s rows of the owners in ``owners`` equal to the ``desired`` select."""
        sql = self.sql
        incoming = sql.temp("t_desired", desired)
        if not sql.postgres:
            # NOT EXISTS below seeks here; without an index SQLite scans it for every row.
            # PostgreSQL hashes it instead, and an index would only tempt it into a merge
            # join that reads a million rows of it in random order.
            sql.index("t_desired", owner_col, *keys)

        def eq(left, right, column):
            if column in nullable:
                return f"COALESCE({left}.{column}, 0) = COALESCE({right}.{column}, 0)"
            return f"{left}.{column} = {right}.{column}"

        every = " AND ".join(eq("d", table, c) for c in (owner_col, *keys, *values))
        if sql.postgres:
            # Driven by the owners, the delete seeks each one's rows by index, whatever the
            # planner believes of the table's contents.
            sql.run(
                f"DELETE FROM {table} USING {owners} o WHERE {table}.{owner_col} = o.pid "
                f"{delete_filter} AND NOT EXISTS (SELECT 1 FROM t_desired d WHERE {every})",
                writes=True,
            )
        else:
            sql.run(
                f"DELETE FROM {table} WHERE {owner_col} IN (SELECT pid FROM {owners}) "
                f"{delete_filter} AND NOT EXISTS (SELECT 1 FROM t_desired d WHERE {every})",
                writes=True,
            )
        columns = (owner_col, *keys, *values, *constants)
        same_key = " AND ".join(eq("x", "d", c) for c in (owner_col, *keys))
        with sql.bulk_insert(table, incoming, keep_dropped=keep_dropped):
            sql.run(
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"SELECT {', '.join('d.' + c for c in columns)} FROM t_desired d "
                f"WHERE NOT EXISTS (SELECT 1 FROM {table} x WHERE {same_key})",
                writes=True,
            )

    # --- steps --------------------------------------------------------------------------------
    def deduplicate(self):
        """A record sent twice in one delivery: the last one read wins, with a warning."""
        sql = self.sql
        for table, key, population in (
            (S_ETAB, "aaf_id", "EtabEducNat"), (S_MATIERE, "code", "MatiereEducNat"),
            (S_MEF, "code", "MefEducNat"), (S_PERSON, "aaf_id", None),
        ):
            pop = "s.population" if population is None else f"'{population}'"
            sql.temp("t_dup", f"""
                SELECT s.id, s.{key} AS ident, s.file_idx, s.line, {pop} AS population,
                       MAX(CAST(t.file_idx AS BIGINT) * 100000000 + t.line) AS winner
                FROM {table} s JOIN {table} t ON t.{key} = s.{key}
                 AND (t.file_idx > s.file_idx OR (t.file_idx = s.file_idx AND t.line > s.line))
                GROUP BY s.id, s.{key}, s.file_idx, s.line{', s.population' if population is None else ''}""")
            for _id, ident, file_idx, line, pop_value, winner in sql.all("SELECT * FROM t_dup"):
                self.warn(
                    "doublon_livraison",
                    f"identifiant {ident} présent plusieurs fois dans la livraison : seule la "
                    f"dernière occurrence ({self._file(winner // 100000000)}, ligne "
                    f"{winner % 100000000}) est prise en compte",
                    population=pop_value, file_idx=file_idx, line=line, identifier=ident)
            if table == S_PERSON:
                sql.run(f"""DELETE FROM {S_LINK} WHERE EXISTS (SELECT 1 FROM t_dup d
                    WHERE d.ident = {S_LINK}.person_aaf AND d.file_idx = {S_LINK}.file_idx
                      AND d.line = {S_LINK}.line)""")
            sql.run(f"DELETE FROM {table} WHERE id IN (SELECT id FROM t_dup)")

    def structures(self):
        sql = self.sql
        sql.temp("t_etab", f"""
            SELECT s.id AS sid, s.aaf_id, s.op, s.aaf_hash, s.file_idx, s.line, e.id AS live_id,
              CASE WHEN e.id IS NULL THEN 'created' WHEN e.aaf_hash <> s.aaf_hash THEN 'updated'
                   ELSE 'unchanged' END AS outcome
            FROM {S_ETAB} s LEFT JOIN {ETAB} e ON e.aaf_id = s.aaf_id WHERE s.op <> 'delete'""")
        for aaf_id, file_idx, line in sql.all(
                f"SELECT aaf_id, file_idx, line FROM {S_ETAB} WHERE op = 'delete'"):
            self.warn("suppression_structure",
                      f"demande de suppression de la structure {aaf_id} ignorée : une structure "
                      "n'est jamais supprimée par l'import", population="EtabEducNat",
                      file_idx=file_idx, line=line, identifier=aaf_id, etab=aaf_id)
        cols = ", ".join(ETAB_FEED_COLUMNS)
        sql.run(f"""
            INSERT INTO {ETAB} (aaf_id, {cols}, created_at, updated_at)
            SELECT s.aaf_id, {', '.join('s.' + c for c in ETAB_FEED_COLUMNS)}, %s, %s
            FROM {S_ETAB} s JOIN t_etab t ON t.sid = s.id WHERE t.outcome = 'created'""",
            (self.now, self.now), writes=True)
        sets = ", ".join(f"{c} = s.{c}" for c in ETAB_FEED_COLUMNS)
        sql.run(f"""
            UPDATE {ETAB} SET {sets}, updated_at = %s FROM {S_ETAB} s, t_etab t
            WHERE t.live_id = {ETAB}.id AND s.id = t.sid AND t.outcome = 'updated'""",
            (self.now,), writes=True)
        for live, staged, extra_cols, name in (
            (MATIERE, S_MATIERE, ("libelle",), "t_matiere"),
            (MEF, S_MEF, ("libelle", "rattach", "stat11"), "t_mef"),
        ):
            sql.temp(name, f"""
                SELECT s.id AS sid, s.code, s.file_idx, s.line, x.id AS live_id,
                  CASE WHEN x.id IS NULL THEN 'created' WHEN x.aaf_hash <> s.aaf_hash
                       THEN 'updated' ELSE 'unchanged' END AS outcome
                FROM {staged} s LEFT JOIN {live} x ON x.code = s.code WHERE s.op <> 'delete'""")
            cols = ("aaf_hash", *extra_cols)
            sql.run(f"""
                INSERT INTO {live} (code, {', '.join(cols)})
                SELECT s.code, {', '.join('s.' + c for c in cols)} FROM {staged} s
                JOIN {name} t ON t.sid = s.id WHERE t.outcome = 'created'""", writes=True)
            sql.run(f"""
                UPDATE {live} SET {', '.join(f'{c} = s.{c}' for c in cols)}
                FROM {staged} s, {name} t
                WHERE t.live_id = {live}.id AND s.id = t.sid AND t.outcome = 'updated'""",
                writes=True)
        sql.analyze(ETAB, MATIERE, MEF, changed_only=True)

    def person_diff(self):
        sql = self.sql
        sql.temp("t_person", f"""
            SELECT s.id AS sid, s.aaf_id, s.population, s.op, s.file_idx, s.line,
                   s.main_etab_aaf, s.skipped, p.id AS pid, p.aaf_incomplete AS was_incomplete,
              CASE
                WHEN s.op = 'delete' THEN CASE WHEN p.id IS NULL THEN 'unknown'
                     WHEN p.deactivated_at IS NULL THEN 'deactivated' ELSE 'unchanged' END
                WHEN p.id IS NULL THEN 'created'
                WHEN p.deactivated_at IS NOT NULL THEN 'reactivated'
                WHEN p.aaf_hash <> s.aaf_hash THEN 'updated'
                ELSE 'unchanged' END AS outcome
            FROM {S_PERSON} s LEFT JOIN {PERSON} p ON p.aaf_id = s.aaf_id""")
        sql.index("t_person", "aaf_id")
        # A relative's main establishment is their first child's, as this delivery says.
        # Read from t_person, which holds the staged people once deduplicated, narrow.
        sql.temp("t_parent_etab", f"""
            SELECT l.code AS aaf_id, MIN(c.main_etab_aaf) AS etab FROM {S_LINK} l
            JOIN t_person c ON c.aaf_id = l.person_aaf
            WHERE l.kind = 'parente' GROUP BY l.code""")
        sql.index("t_parent_etab", "aaf_id")
        self.result.skipped = sql.scalar("SELECT COUNT(*) FROM t_person WHERE skipped")
        moved = sql.scalar("SELECT COUNT(*) FROM t_person WHERE skipped AND outcome <> 'unchanged'")
        if moved:
            # A record is skipped only when the directory held its digest a moment ago, and
            # only this import writes there: a difference means someone else wrote meanwhile.
            raise RuntimeError(f"{count_label(moved, 'personne modifiée', 'personnes modifiées')} "
                               "pendant la lecture de l'import")
        for aaf_id, population, file_idx, line in sql.all(
                "SELECT aaf_id, population, file_idx, line FROM t_person "
                "WHERE outcome = 'unknown'"):
            self.warn("suppression_inconnue",
                      f"demande de suppression de {aaf_id}, absent de l'annuaire : ignorée",
                      population=population, file_idx=file_idx, line=line, identifier=aaf_id)
        for aaf_id, population, file_idx, line in sql.all(
                "SELECT aaf_id, population, file_idx, line FROM t_person "
                "WHERE op = 'modify' AND outcome = 'created'"):
            self.warn("modification_inconnue",
                      f"modification de {aaf_id}, absent de l'annuaire : compte créé",
                      population=population, file_idx=file_idx, line=line, identifier=aaf_id)

    def absent_and_threshold(self):
        """Complet: who disappears, and whether that is plausible for each population."""
        sql = self.sql
        if self.kind != "Complet" or not self.populations:
            sql.temp("t_absent", f"SELECT id AS pid, aaf_id, population FROM {PERSON} WHERE 1 = 0")
            sql.temp("t_partial", f"SELECT id AS pid, population FROM {PERSON} WHERE 1 = 0")
            return
        pops = ", ".join(f"'{p}'" for p in self.populations)
        sql.temp("t_scope", f"""
            SELECT DISTINCT x.population, e.id AS etab_id FROM (
              SELECT p.population, s.aaf_id AS etab_aaf FROM {S_ETAB} s,
                (SELECT 'Eleve' AS population UNION ALL SELECT 'PersRelEleve'
                 UNION ALL SELECT 'PersEducNat') p
              UNION SELECT population, main_etab_aaf FROM t_person
              UNION SELECT s.population, l.etab_aaf FROM {S_LINK} l
                JOIN t_person s ON s.aaf_id = l.person_aaf WHERE l.kind = 'role'
              UNION SELECT 'PersRelEleve', main_etab_aaf FROM t_person
                WHERE population = 'Eleve'
            ) x JOIN {ETAB} e ON e.aaf_id = x.etab_aaf WHERE x.population IN ({pops})""")
        # Who is missing from the delivery first (one anti-join); the scope rules then apply
        # to those few only.
        sql.temp("t_missing", f"""
            SELECT p.id AS pid, p.aaf_id, p.population FROM {PERSON} p
            WHERE p.aaf_id IS NOT NULL AND p.deactivated_at IS NULL
              AND p.population IN ({pops})
              AND NOT EXISTS (SELECT 1 FROM t_person s WHERE s.aaf_id = p.aaf_id)""")
        sql.temp("t_absent", f"""
            SELECT m.pid, m.aaf_id, m.population FROM t_missing m
            WHERE NOT EXISTS (SELECT 1 FROM {ROLE} r WHERE r.person_id = m.pid
                    AND r.source = 'aaf' AND r.etablissement_id IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM t_scope sc WHERE sc.etab_id = r.etablissement_id
                                    AND sc.population = m.population))
              AND NOT EXISTS (SELECT 1 FROM {PARENTE} pa JOIN {ROLE} r
                    ON r.person_id = pa.eleve_id AND r.source = 'aaf'
                    WHERE pa.responsable_id = m.pid
                    AND NOT EXISTS (SELECT 1 FROM t_scope sc WHERE sc.etab_id = r.etablissement_id
                                    AND sc.population = m.population))""")
        # Absent, yet still in an establishment this Complet does not cover: they stay active
        # and only leave the establishments it covers (see leave_covered_etabs).
        sql.temp("t_partial", f"""
            SELECT m.pid, m.population FROM t_missing m
            WHERE m.population <> 'PersRelEleve'
              AND NOT EXISTS (SELECT 1 FROM t_absent a WHERE a.pid = m.pid)
              AND EXISTS (SELECT 1 FROM {ROLE} r JOIN t_scope sc
                    ON sc.etab_id = r.etablissement_id AND sc.population = m.population
                    WHERE r.person_id = m.pid AND r.source = 'aaf')""")
        self.deactivation_check(pops)

    def deactivation_check(self, pops):
        """The brake: the share of each population's active accounts this Complet would
        deactivate, over all it covers (people with no known establishment included), and
        within each establishment where someone leaves. One aggregate statement.

        A population's accounts in scope are those the delivery decides about: delivered and
        active, or about to be deactivated. An establishment's are the active accounts the
        feed attaches to it: by a role there, or, for a relative, by a child's.
        """
        sql = self.sql
        gone = """SELECT pid, population FROM t_absent
                  UNION SELECT pid, population FROM t_person WHERE outcome = 'deactivated'"""
        if not sql.scalar(f"SELECT COUNT(*) FROM ({gone}) g"):
            self.result.deactivation_check = []
            return
        attached = f"""
            SELECT r.person_id AS pid, r.etablissement_id AS etab_id, 'role' AS via
            FROM {ROLE} r WHERE r.source = 'aaf' AND r.etablissement_id IN (SELECT etab_id FROM leaving)
            UNION ALL SELECT pa.responsable_id, r.etablissement_id, 'enfant' FROM {PARENTE} pa
            JOIN {ROLE} r ON r.person_id = pa.eleve_id AND r.role = 'eleve'
            WHERE r.etablissement_id IN (SELECT etab_id FROM leaving)"""
        rows = sql.all(f"""
            WITH gone AS ({gone}),
            leaving AS (
              SELECT r.etablissement_id AS etab_id FROM gone g
              JOIN {ROLE} r ON r.person_id = g.pid WHERE r.source = 'aaf'
              UNION SELECT r.etablissement_id FROM gone g
              JOIN {PARENTE} pa ON pa.responsable_id = g.pid
              JOIN {ROLE} r ON r.person_id = pa.eleve_id AND r.role = 'eleve')
            SELECT x.population, NULL AS etab_id, COUNT(*) AS active, SUM(x.gone) AS leaving
            FROM (SELECT population, 0 AS gone FROM t_person
                  WHERE outcome IN ('updated', 'unchanged') AND op <> 'delete'
                    AND population IN ({pops})
                  UNION ALL SELECT population, 1 FROM gone WHERE population IN ({pops})) x
            GROUP BY x.population
            UNION ALL
            SELECT p.population, a.etab_id, COUNT(DISTINCT p.id), COUNT(DISTINCT g.pid)
            FROM ({attached}) a
            JOIN {PERSON} p ON p.id = a.pid AND p.deactivated_at IS NULL
             AND p.aaf_id IS NOT NULL AND p.population IN ({pops})
             AND (a.via = 'role' OR p.population = 'PersRelEleve')
            JOIN t_scope sc ON sc.etab_id = a.etab_id AND sc.population = p.population
            LEFT JOIN gone g ON g.pid = p.id
            GROUP BY p.population, a.etab_id
            HAVING COUNT(g.pid) > 0""")
        ids = sorted({row[1] for row in rows if row[1] is not None})
        etabs = {pk: (uai, name) for pk, uai, name in sql.all(
            f"SELECT id, uai, name FROM {ETAB} WHERE id IN ({', '.join(['%s'] * len(ids))})",
            ids)} if ids else {}
        checks = []
        for population, etab_id, active, leaving in rows:
            if not leaving:
                continue
            share = leaving / active
            uai, name = etabs.get(etab_id, ("", ""))
            checks.append({
                "population": population, "etab_id": etab_id, "uai": uai, "name": name,
                "active": active, "to_deactivate": leaving, "share": round(share, 4),
                "threshold": self.threshold, "exceeds": share > self.threshold,
            })
        # The populations first, then the establishments, each by decreasing share.
        checks.sort(key=lambda c: (c["etab_id"] is not None, -c["share"], c["uai"],
                                   c["population"]))
        self.result.deactivation_check = checks

    def insert_persons(self):
        """New accounts: a login each (first come, first served among homonyms), then one INSERT."""
        sql = self.sql
        sql.temp("t_login", f"SELECT id AS sid, login, login_base FROM {PERSON} WHERE 1 = 0")
        if not self._logins_in_sql():
            self._logins_in_python()
        # Ids are drawn beforehand, over the narrow login rows: the wide rows then go in with
        # their id, and t_person learns them by a rewrite rather than an UPDATE of each row.
        if sql.postgres:
            # The sequence's name is looked up once: per row, the lookup costs ten nextvals.
            sequence = sql.scalar("SELECT pg_get_serial_sequence(%s, 'id')", (PERSON,))
            # In staging order: the insert reads the staged rows in that order, and ids that
            # come in ascending append to the primary key rather than split its pages.
            created = sql.temp("t_new", f"""
                SELECT sid, login, login_base, nextval('{sequence}') AS pid
                FROM (SELECT sid, login, login_base FROM t_login ORDER BY sid) x""")
        else:
            # SQLite holds the database's only write lock: no one else draws ids meanwhile.
            # Above every id ever drawn (AUTOINCREMENT's counter), not only the living ones.
            created = sql.temp("t_new", f"""
                SELECT sid, login, login_base,
                       (SELECT COALESCE(MAX(v), 0) FROM (
                          SELECT MAX(id) AS v FROM {PERSON} UNION ALL
                          SELECT seq FROM sqlite_sequence WHERE name = '{PERSON}'))
                       + ROW_NUMBER() OVER (ORDER BY sid) AS pid
                FROM t_login""")
        cols = ", ".join(PERSON_FEED_COLUMNS)
        t, f = sql.true(), sql.false()
        with sql.bulk_insert(PERSON, created):
            sql.run(f"""
                INSERT INTO {PERSON} (id, login, login_base, aaf_id, {cols}, password,
                    is_active, is_staff, is_superuser, date_joined, updated_at,
                    suspended_reason, aaf_incomplete)
                SELECT n.pid, n.login, n.login_base, s.aaf_id,
                       {', '.join(self._feed_value(c) for c in PERSON_FEED_COLUMNS)},
                       '!', {t}, {f}, {f}, %s, %s, '', {f}
                FROM {S_PERSON} s JOIN t_new n ON n.sid = s.id
                LEFT JOIN t_parent_etab pe ON pe.aaf_id = s.aaf_id""",
                (self.now, self.now), writes=True)
        if created:
            sql.rewrite("t_person", """
                SELECT t.sid, t.aaf_id, t.population, t.op, t.file_idx, t.line,
                       t.main_etab_aaf, t.skipped, COALESCE(t.pid, n.pid) AS pid,
                       t.was_incomplete, t.outcome
                FROM t_person t LEFT JOIN t_new n ON n.sid = t.sid""")
            sql.index("t_person", "aaf_id")
        sql.analyze(PERSON, changed_only=True)

    def _logins_in_sql(self):
        """The common case on PostgreSQL, set-based: no new login competes with an existing
        one and none ends in digits, so homonyms simply take 2, 3… in the same order as below."""
        sql = self.sql
        if not sql.postgres:
            return False
        created = f"""FROM t_person t JOIN {S_PERSON} s ON s.id = t.sid
                      WHERE t.outcome = 'created'"""
        # Digits are looked for among every staged record, a superset of the new ones that
        # spares a join of a million rows; a false alarm only means the Python path.
        if sql.scalar(f"""SELECT EXISTS (SELECT 1 FROM {S_PERSON} s
                                         WHERE s.login_base ~ '[0-9]$')
                          OR EXISTS (SELECT 1 {created} AND EXISTS (SELECT 1 FROM {PERSON} p
                                     WHERE p.login_base = s.login_base))"""):
            return False
        sql.run(f"""
            INSERT INTO t_login (sid, login, login_base)
            SELECT sid, CASE WHEN rank = 1 THEN candidate ELSE candidate || rank END, candidate
            FROM (SELECT s.id AS sid, s.login_base AS candidate,
                         ROW_NUMBER() OVER (PARTITION BY s.login_base
                                            ORDER BY s.last_name, s.first_name, s.aaf_id) AS rank
                  {created}) x""")
        return True

    def _logins_in_python(self):
        batch, bases = [], set()
        pending = []
        for sid, candidate in self._created_candidates():
            base = login_base_of(candidate)
            if len(bases) >= 2000 and base not in bases:
                pending.extend(self._assign_logins(batch, bases))
                batch, bases = [], set()
            batch.append((sid, candidate, base))
            bases.add(base)
            if len(pending) >= 5000:
                self._write_logins(pending)
                pending = []
        pending.extend(self._assign_logins(batch, bases))
        self._write_logins(pending)

    def _created_candidates(self):
        from django.db import connection

        # A server-side cursor on PostgreSQL: a first import creates a million accounts.
        cursor = connection.chunked_cursor()
        cursor.execute(f"""
            SELECT s.id, s.login_base FROM t_person t JOIN {S_PERSON} s ON s.id = t.sid
            WHERE t.outcome = 'created' ORDER BY s.login_base, s.last_name, s.first_name, s.aaf_id""")
        while chunk := cursor.fetchmany(5000):
            yield from chunk
        cursor.close()

    def _assign_logins(self, batch, bases):
        if not batch:
            return []
        placeholders = ", ".join(["%s"] * len(bases))
        taken = {}
        for base, login in self.sql.all(
                f"SELECT login_base, login FROM {PERSON} WHERE login_base IN ({placeholders})",
                list(bases)):
            taken.setdefault(base, set()).add(login)
        out = []
        for sid, candidate, base in batch:
            logins = taken.setdefault(base, set())
            login = next_free_login(candidate, logins)
            logins.add(login)
            out.append((sid, login, login_base_of(login)))
        return out

    def _write_logins(self, rows):
        self.sql.copy_rows("t_login", ("sid", "login", "login_base"), rows)

    @staticmethod
    def _feed_value(column, kept=None):
        if column == "main_etab_aaf":
            fallback = f", {kept}" if kept else ""
            return f"COALESCE(NULLIF(s.main_etab_aaf, ''), pe.etab{fallback}, '')"
        return f"s.{column}"

    def update_persons(self):
        sets = ", ".join(f"{c} = {self._feed_value(c, f'{PERSON}.main_etab_aaf')}"
                         for c in PERSON_FEED_COLUMNS)
        self.sql.run(f"""
            UPDATE {PERSON} SET {sets}, deactivated_at = NULL,
                   is_active = (suspended_at IS NULL), updated_at = %s
            FROM {S_PERSON} s JOIN t_person t ON s.id = t.sid
            LEFT JOIN t_parent_etab pe ON pe.aaf_id = s.aaf_id
            WHERE t.pid = {PERSON}.id AND t.outcome IN ('updated', 'reactivated')""",
            (self.now,), writes=True)

    def deactivate(self):
        sql = self.sql
        sql.temp("t_deact", """
            SELECT pid FROM t_absent UNION SELECT pid FROM t_person WHERE outcome = 'deactivated'""")
        sql.run(f"""UPDATE {PERSON} SET deactivated_at = %s, is_active = {sql.false()},
                    updated_at = %s WHERE id IN (SELECT pid FROM t_deact)""",
                (self.now, self.now), writes=True)

    def owners_and_links(self):
        """Whose relations to recompute: changed records, and records naming something new."""
        sql = self.sql
        sql.temp("t_new_ref", """
            SELECT aaf_id AS ref FROM t_etab WHERE outcome = 'created'
            UNION SELECT aaf_id FROM t_person WHERE outcome IN ('created', 'reactivated')
            UNION SELECT code FROM t_matiere WHERE outcome = 'created'""")
        sql.temp("t_owner", f"""
            SELECT pid, aaf_id, population FROM t_person
            WHERE outcome IN ('created', 'updated', 'reactivated')
            UNION ALL
            SELECT t.pid, t.aaf_id, t.population FROM t_person t
            WHERE t.outcome = 'unchanged' AND t.op <> 'delete' AND EXISTS (
              SELECT 1 FROM {S_LINK} l WHERE l.person_aaf = t.aaf_id AND (
                l.etab_aaf IN (SELECT ref FROM t_new_ref)
                OR (l.kind = 'parente' AND l.code IN (SELECT ref FROM t_new_ref))
                OR (l.kind IN ('ens_division', 'ens_groupe')
                    AND l.code2 IN (SELECT ref FROM t_new_ref))))""")
        sql.temp("t_link", f"""
            SELECT o.pid AS owner_id, o.population, l.kind, l.etab_aaf, e.id AS etab_id, l.code,
                   l.code2, l.code3, l.code4, l.n1, l.n2, l.n3, l.n4, l.file_idx, l.line,
                   l.person_aaf
            FROM {S_LINK} l JOIN t_owner o ON o.aaf_id = l.person_aaf
            LEFT JOIN {ETAB} e ON e.aaf_id = l.etab_aaf""")
        for person, population, etab, file_idx, line, n in sql.all(f"""
                SELECT l.person_aaf, s.population, l.etab_aaf, MIN(l.file_idx), MIN(l.line),
                       COUNT(*)
                FROM {S_LINK} l JOIN t_person s ON s.aaf_id = l.person_aaf
                LEFT JOIN {ETAB} e ON e.aaf_id = l.etab_aaf
                WHERE l.etab_aaf <> '' AND e.id IS NULL
                GROUP BY l.person_aaf, s.population, l.etab_aaf
                ORDER BY MIN(l.file_idx), MIN(l.line)"""):
            self.warn("structure_inconnue",
                      f"{count_label(n, 'rattachement')} à la structure {etab}, absente de "
                      f"l'annuaire, {plural_form(n, 'ignoré')}", population=population,
                      file_idx=file_idx, line=line, identifier=person, etab=etab)
        # Regroupements the owners were in before: candidates for removal once empty.
        sql.temp("t_reg_before", f"""
            SELECT regroupement_id AS rid FROM {INSCRIPTION}
              WHERE eleve_id IN (SELECT pid FROM t_owner)
            UNION SELECT regroupement_id FROM {ENSEIGNEMENT}
              WHERE enseignant_id IN (SELECT pid FROM t_owner)
            UNION SELECT regroupement_id FROM {PRINCIPAL}
              WHERE enseignant_id IN (SELECT pid FROM t_owner)""")
        sql.temp("t_parent_aff", f"""
            SELECT pa.responsable_id AS pid FROM {PARENTE} pa JOIN t_owner o ON o.pid = pa.eleve_id
            UNION ALL
            SELECT pa.responsable_id FROM {PARENTE} pa JOIN t_deact d ON d.pid = pa.eleve_id""")

    def leave_covered_etabs(self):
        """Complet: people absent from it but kept elsewhere lose what they had where it covers."""
        sql = self.sql
        if self.kind != "Complet" or not self.populations:
            return
        sql.temp("t_leave", """
            SELECT t.pid, sc.etab_id FROM t_partial t
            JOIN t_scope sc ON sc.population = t.population""")
        sql.run(f"""DELETE FROM {ROLE} WHERE source = 'aaf' AND EXISTS (SELECT 1 FROM t_leave l
                    WHERE l.pid = {ROLE}.person_id AND l.etab_id = {ROLE}.etablissement_id)""",
                writes=True)
        for table, person_col in ((INSCRIPTION, "eleve_id"), (ENSEIGNEMENT, "enseignant_id"),
                                  (PRINCIPAL, "enseignant_id")):
            in_leave = f"""SELECT 1 FROM t_leave l JOIN {REG} r ON r.etablissement_id = l.etab_id
                           WHERE l.pid = {table}.{person_col} AND r.id = {table}.regroupement_id"""
            sql.run(f"INSERT INTO t_reg_before (rid) SELECT regroupement_id FROM {table} "
                    f"WHERE EXISTS ({in_leave})")
            sql.run(f"DELETE FROM {table} WHERE EXISTS ({in_leave})", writes=True)
        for table, person_col in ((FONCTION, "person_id"), (MATIERE_ENS, "enseignant_id")):
            sql.run(f"""DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM t_leave l
                        WHERE l.pid = {table}.{person_col}
                          AND l.etab_id = {table}.etablissement_id)""", writes=True)
        sql.run(f"""INSERT INTO t_parent_aff (pid) SELECT responsable_id FROM {PARENTE}
                    WHERE eleve_id IN (SELECT pid FROM t_partial)""")

    def regroupements(self):
        nature = NATURE_OF_KIND.format(k="kind")
        self.sql.run(f"""
            INSERT INTO {REG} (etablissement_id, nature, code)
            SELECT d.etab_id, d.nature, d.code FROM (
              SELECT DISTINCT etab_id, {nature} AS nature, code FROM t_link
              WHERE kind IN {REGROUPEMENT_KINDS} AND etab_id IS NOT NULL) d
            WHERE NOT EXISTS (SELECT 1 FROM {REG} r WHERE r.etablissement_id = d.etab_id
                              AND r.nature = d.nature AND r.code = d.code)""", writes=True)
        self.sql.analyze(REG, changed_only=True)
        self.sql.temp("t_link_reg", f"""
            SELECT l.*, r.id AS reg_id FROM t_link l JOIN {REG} r
              ON r.etablissement_id = l.etab_id AND r.code = l.code
             AND r.nature = {NATURE_OF_KIND.format(k="l.kind")}
            WHERE l.kind IN {REGROUPEMENT_KINDS}""")

    def relations(self):
        sql = self.sql
        for code2, person, file_idx, line in sql.all(f"""
                SELECT l.code2, l.person_aaf, l.file_idx, l.line FROM {S_LINK} l
                JOIN {ETAB} e ON e.aaf_id = l.etab_aaf
                LEFT JOIN {MATIERE} m ON m.code = l.code2
                WHERE l.kind IN ('ens_division', 'ens_groupe') AND l.code2 <> '' AND m.id IS NULL"""):
            self.warn("matiere_inconnue",
                      f"matière {code2} absente de la nomenclature : service ignoré",
                      population="PersEducNat", file_idx=file_idx, line=line, identifier=person)
        for relative, person, file_idx, line in sql.all(f"""
                SELECT l.code, l.person_aaf, l.file_idx, l.line FROM {S_LINK} l
                LEFT JOIN {PERSON} r ON r.aaf_id = l.code
                WHERE l.kind = 'parente' AND r.id IS NULL"""):
            self.warn("responsable_inconnu",
                      f"responsable {relative} absent de l'annuaire : lien ignoré",
                      population="Eleve", file_idx=file_idx, line=line, identifier=person)
        self.merge_relation(INSCRIPTION, "eleve_id", ("regroupement_id",), (), """
            SELECT DISTINCT owner_id AS eleve_id, reg_id AS regroupement_id FROM t_link_reg
            WHERE kind IN ('division', 'groupe')""")
        self.merge_relation(ENSEIGNEMENT, "enseignant_id", ("regroupement_id", "matiere_id"), (), f"""
            SELECT DISTINCT l.owner_id AS enseignant_id, l.reg_id AS regroupement_id,
                   m.id AS matiere_id
            FROM t_link_reg l LEFT JOIN {MATIERE} m ON m.code = l.code2
            WHERE l.kind IN ('ens_division', 'ens_groupe') AND (l.code2 = '' OR m.id IS NOT NULL)""",
            nullable=("matiere_id",))
        self.merge_relation(PRINCIPAL, "enseignant_id", ("regroupement_id",), (), """
            SELECT DISTINCT owner_id AS enseignant_id, reg_id AS regroupement_id FROM t_link_reg
            WHERE kind = 'principal'""")
        self.merge_relation(MATIERE_ENS, "enseignant_id", ("etablissement_id", "libelle"), (), """
            SELECT DISTINCT owner_id AS enseignant_id, etab_id AS etablissement_id,
                   code AS libelle FROM t_link WHERE kind = 'matiere_etab' AND etab_id IS NOT NULL""")
        self.merge_relation(
            FONCTION, "person_id", ("etablissement_id", "code", "discipline_code"),
            ("libelle", "discipline_libelle"), """
            SELECT owner_id AS person_id, etab_id AS etablissement_id, code,
                   code3 AS discipline_code, MAX(code2) AS libelle,
                   MAX(code4) AS discipline_libelle
            FROM t_link WHERE kind = 'fonction' AND etab_id IS NOT NULL
            GROUP BY owner_id, etab_id, code, code3""")
        # Most relatives are in the delivery, whose narrow t_person says who they are; the
        # directory is looked up for the others only, one by one.
        self.merge_relation(
            PARENTE, "eleve_id", ("responsable_id",),
            ("lien_code", "financier", "legal", "contact", "paiement", "representant_legal"), f"""
            SELECT eleve_id, responsable_id, MAX(lien_code) AS lien_code,
                   MAX(n1) > 0 AS financier, MAX(n2) AS legal, MAX(n3) > 0 AS contact,
                   MAX(n4) > 0 AS paiement, MAX(code3) = '1' AS representant_legal
            FROM (SELECT l.owner_id AS eleve_id, l.code2 AS lien_code, l.n1, l.n2, l.n3, l.n4,
                         l.code3, COALESCE(t.pid, (SELECT r.id FROM {PERSON} r
                                                   WHERE r.aaf_id = l.code)) AS responsable_id
                  FROM t_link l LEFT JOIN t_person t ON t.aaf_id = l.code
                  WHERE l.kind = 'parente') x
            WHERE responsable_id IS NOT NULL GROUP BY eleve_id, responsable_id""")
        self.merge_relation(
            ROLE, "person_id", ("etablissement_id", "role"), (), """
            SELECT DISTINCT owner_id AS person_id, etab_id AS etablissement_id, code AS role,
                   'aaf' AS source
            FROM t_link WHERE kind = 'role' AND etab_id IS NOT NULL""",
            delete_filter="AND source = 'aaf' AND role <> 'parent'", constants=("source",),
            # The parents' roles come next: the table's indexes are rebuilt once, after them.
            keep_dropped=True)
        sql.analyze(INSCRIPTION, ENSEIGNEMENT, PRINCIPAL, MATIERE_ENS, FONCTION, PARENTE, ROLE,
                    changed_only=True)

    def parent_roles(self):
        """A legal guardian is « parent » where an active child of theirs is a pupil."""
        sql = self.sql
        sql.run(f"""INSERT INTO t_parent_aff (pid)
            SELECT responsable_id FROM {PARENTE} WHERE eleve_id IN (SELECT pid FROM t_owner)
            UNION SELECT pid FROM t_owner WHERE population = 'PersRelEleve'""")
        sql.temp("t_parent", "SELECT DISTINCT pid FROM t_parent_aff")
        self.merge_relation(ROLE, "person_id", ("etablissement_id", "role"), (), f"""
            SELECT DISTINCT pa.responsable_id AS person_id, r.etablissement_id,
                   'parent' AS role, 'aaf' AS source
            FROM {PARENTE} pa JOIN t_parent a ON a.pid = pa.responsable_id
            JOIN {PERSON} e ON e.id = pa.eleve_id AND e.deactivated_at IS NULL
            JOIN {ROLE} r ON r.person_id = pa.eleve_id AND r.role = 'eleve'
            WHERE pa.representant_legal""", owners="t_parent",
            delete_filter="AND source = 'aaf' AND role = 'parent'", constants=("source",))
        sql.analyze(ROLE, changed_only=True)

    def incomplete_records(self):
        """Whose record named what the directory lacks: never skipped, so that it links once
        the establishment, relative or subject arrives."""
        sql = self.sql
        # One anti-join per kind of reference: joined by OR, they become one scan of the whole
        # directory's identifiers.
        sql.temp("t_incomplete", f"""
            SELECT l.person_aaf FROM {S_LINK} l
            WHERE l.etab_aaf <> ''
              AND NOT EXISTS (SELECT 1 FROM {ETAB} e WHERE e.aaf_id = l.etab_aaf)
            UNION SELECT l.person_aaf FROM {S_LINK} l
            WHERE l.kind = 'parente'
              AND NOT EXISTS (SELECT 1 FROM {PERSON} r WHERE r.aaf_id = l.code)
            UNION SELECT l.person_aaf FROM {S_LINK} l
            WHERE l.kind IN ('ens_division', 'ens_groupe') AND l.code2 <> ''
              AND NOT EXISTS (SELECT 1 FROM {MATIERE} m WHERE m.code = l.code2)""")
        # The flag as it was is in t_person: only the rows where it changes are visited.
        read = "NOT t.skipped AND t.op <> 'delete' AND t.pid IS NOT NULL"
        t, f = sql.true(), sql.false()
        sql.run(f"""UPDATE {PERSON} SET aaf_incomplete = {t} WHERE id IN (
                      SELECT t.pid FROM t_person t JOIN t_incomplete i ON i.person_aaf = t.aaf_id
                      WHERE {read} AND NOT COALESCE(t.was_incomplete, {f}))""", writes=True)
        sql.run(f"""UPDATE {PERSON} SET aaf_incomplete = {f} WHERE id IN (
                      SELECT t.pid FROM t_person t WHERE {read} AND t.was_incomplete
                      AND NOT EXISTS (SELECT 1 FROM t_incomplete i
                                      WHERE i.person_aaf = t.aaf_id))""", writes=True)

    def regroupements_cleanup(self):
        self.sql.run(f"""
            DELETE FROM {REG} WHERE id IN (SELECT rid FROM t_reg_before)
            AND NOT EXISTS (SELECT 1 FROM {INSCRIPTION} i WHERE i.regroupement_id = {REG}.id)
            AND NOT EXISTS (SELECT 1 FROM {ENSEIGNEMENT} x WHERE x.regroupement_id = {REG}.id)
            AND NOT EXISTS (SELECT 1 FROM {PRINCIPAL} x WHERE x.regroupement_id = {REG}.id)""",
            writes=True)

    def duplicate_controls(self):
        """Probable duplicates among this delivery's people, for the report's controls.

        Two people are probably one when they share a name and a birth date, or a name and a
        child. The keys are grouped in one pass: over the whole directory when this import
        read most of it, over the keys of what it read otherwise.
        """
        sql = self.sql
        read = sql.scalar("SELECT COUNT(*) FROM t_person WHERE NOT skipped AND op <> 'delete'")
        if not read:
            return
        # Counted only as far as the answer needs.
        people = sql.scalar(f"""SELECT COUNT(*) FROM (SELECT 1 FROM {PERSON}
                                WHERE aaf_id IS NOT NULL LIMIT %s) x""", (read * 4,))
        whole = read * 4 > people
        if whole:
            keys = f"""SELECT population, search_name, birth_date FROM {PERSON}
                       WHERE deactivated_at IS NULL AND birth_date IS NOT NULL
                       GROUP BY population, search_name, birth_date HAVING COUNT(*) > 1"""
        else:
            sql.temp("t_dupkey", f"""
                SELECT DISTINCT a.population, a.search_name, a.birth_date
                FROM t_person t JOIN {PERSON} a ON a.id = t.pid
                WHERE t.op <> 'delete' AND NOT t.skipped AND a.deactivated_at IS NULL
                  AND a.birth_date IS NOT NULL""")
            keys = f"""SELECT k.population, k.search_name, k.birth_date FROM t_dupkey k
                       JOIN {PERSON} q ON q.population = k.population
                        AND q.search_name = k.search_name AND q.birth_date = k.birth_date
                       WHERE q.deactivated_at IS NULL
                       GROUP BY k.population, k.search_name, k.birth_date HAVING COUNT(*) > 1"""
        members = sql.all(f"""
            SELECT p.population, p.search_name, p.birth_date, p.aaf_id, p.last_name,
                   p.first_name
            FROM {PERSON} p JOIN ({keys}) d ON p.population = d.population
             AND p.search_name = d.search_name AND p.birth_date = d.birth_date
            WHERE p.deactivated_at IS NULL
            ORDER BY p.population, p.search_name, p.birth_date, p.id""")
        first_of = {}
        for population, key, birth, aaf_id, last, first in members:
            group = (population, key, birth)
            if group not in first_of:
                first_of[group] = aaf_id
                continue
            if len(self.result.controls) >= WARNING_SAMPLE:
                break
            self.result.controls.append({
                "code": "doublon_probable", "population": population, "identifier": aaf_id,
                "message": f"{last.upper()} {first}, né(e) le {birth:%d/%m/%Y}"
                if hasattr(birth, "strftime") else f"{last.upper()} {first}, né(e) le {birth}",
                "detail": f"même nom et même date de naissance que {first_of[group]}",
                "fix": DUPLICATE_FIX.get(population, DUPLICATE_FIX["Eleve"]),
            })
        pupils = "" if whole else (
            "AND pa.eleve_id IN (SELECT pid FROM t_person WHERE population = 'Eleve' "
            "AND NOT skipped)")
        # Counted over a window: the links and their relatives are joined once, not twice.
        members = sql.all(f"""
            SELECT x.eleve_id, x.aaf_id, x.last_name, x.first_name, e.last_name, e.first_name
            FROM (SELECT pa.eleve_id, r.id, r.aaf_id, r.last_name, r.first_name,
                         COUNT(*) OVER (PARTITION BY pa.eleve_id, r.search_name) AS n
                  FROM {PARENTE} pa JOIN {PERSON} r ON r.id = pa.responsable_id
                  WHERE r.deactivated_at IS NULL {pupils}) x
            JOIN {PERSON} e ON e.id = x.eleve_id
            WHERE x.n > 1
            ORDER BY x.eleve_id, x.id""")
        first_of = {}
        for child, aaf_id, last, first, child_last, child_first in members:
            if child not in first_of:
                first_of[child] = aaf_id
                continue
            if len(self.result.controls) >= 2 * WARNING_SAMPLE:
                break
            self.result.controls.append({
                "code": "doublon_probable", "population": "PersRelEleve", "identifier": aaf_id,
                "message": f"{last.upper()} {first}",
                "detail": f"même nom que {first_of[child]}, responsable du même élève "
                          f"({child_last.upper()} {child_first})",
                "fix": "Dans SIECLE (Responsables), fusionner les deux fiches du même responsable "
                       "puis rattacher l'élève à la fiche conservée.",
            })

    def count_outcomes(self):
        sql = self.sql

        counts = sql.all("""
            SELECT t.population, COALESCE(NULLIF(t.main_etab_aaf, ''), pe.etab, ''), t.outcome,
                   COUNT(*)
            FROM t_person t LEFT JOIN t_parent_etab pe ON pe.aaf_id = t.aaf_id
            WHERE t.outcome NOT IN ('unknown', 'deactivated') GROUP BY 1, 2, 3""")
        counts += sql.all(f"""
            SELECT p.population, COALESCE((SELECT MIN(e.aaf_id) FROM {ROLE} r JOIN {ETAB} e
                   ON e.id = r.etablissement_id WHERE r.person_id = p.id), ''),
                   'deactivated', COUNT(*)
            FROM t_deact d JOIN {PERSON} p ON p.id = d.pid GROUP BY 1, 2""")
        counts += [("EtabEducNat", aaf, outcome, 1) for aaf, outcome in
                   sql.all("SELECT aaf_id, outcome FROM t_etab")]
        counts += [("MatiereEducNat", "", o, n) for o, n in
                   sql.all("SELECT outcome, COUNT(*) FROM t_matiere GROUP BY outcome")]
        counts += [("MefEducNat", "", o, n) for o, n in
                   sql.all("SELECT outcome, COUNT(*) FROM t_mef GROUP BY outcome")]
        self.result.counts = counts

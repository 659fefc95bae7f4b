"""A thin layer over the database cursor for the set-based merge: temp tables, row counts."""

import re
from collections import Counter
from contextlib import contextmanager

from django.db import connection

# A bulk insert builds indexes afterwards when it brings this many rows, and ten times what the
# table already holds: then one sorted build of every index (and one check of each foreign
# key) beats maintaining them row by row. Into a directory that nobody uses yet (a first
# import), from a quarter of what the table holds: the tables stay locked until the import
# commits, which a portal in use cannot afford for long.
BULK_MIN_ROWS = 50_000
BULK_RATIO = 10
BULK_FIRST_IMPORT_PRESENT_PER_INCOMING = 4
ANALYZE_MIN_ROWS = 50_000
# A temporary table this small is planned well enough from its size alone: analysing it would
# cost more than any plan it could improve.
ANALYZE_TEMP_MIN_ROWS = 20_000
_WRITTEN_TABLE = re.compile(r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)", re.IGNORECASE)


class Sql:
    """Runs the merge's statements, counts the rows they write, names the tables."""

    def __init__(self):
        self.cursor = connection.cursor()
        self.postgres = connection.vendor == "postgresql"
        self.written_to = Counter()
        self.analyzed_at = {}
        self.temps = []
        # Tables whose indexes and constraints a bulk insert dropped and left to rebuild later.
        self.dropped = {}
        # Set by the merge: whether the directory held no one from the feed when it began.
        self.first_import = False

    def run(self, sql, params=(), *, writes=False):
        self.cursor.execute(sql, params)
        if writes and self.cursor.rowcount and self.cursor.rowcount > 0:
            table = _WRITTEN_TABLE.match(sql)
            self.written_to[table[1] if table else ""] += self.cursor.rowcount
        return self.cursor.rowcount

    @property
    def rows_written(self):
        return self.written_to.total()

    def all(self, sql, params=()):
        self.cursor.execute(sql, params)
        return self.cursor.fetchall()

    def one(self, sql, params=()):
        self.cursor.execute(sql, params)
        return self.cursor.fetchone()

    def scalar(self, sql, params=()):
        row = self.one(sql, params)
        return row[0] if row else None

    def temp(self, name, select, params=()):
        """A temporary table holding ``select``'s rows, analysed so the planner knows its size
        when it is large; returns how many rows it holds."""
        self.cursor.execute(f"DROP TABLE IF EXISTS {name}")
        self.cursor.execute(f"CREATE TEMP TABLE {name} AS {select}", params)
        # SQLite reports no row count for a CREATE … AS.
        rows = self.cursor.rowcount if self.postgres else self.scalar(
            f"SELECT COUNT(*) FROM {name}")
        if name not in self.temps:
            self.temps.append(name)
        if self.postgres and rows >= ANALYZE_TEMP_MIN_ROWS:
            self.cursor.execute(f"ANALYZE {name}")
        return rows

    def rewrite(self, name, select, params=()):
        """Replace temporary table ``name`` by ``select``, which may read it: cheaper than an
        UPDATE of most of its rows."""
        rows = self.temp(f"{name}_next", select, params)
        self.cursor.execute(f"DROP TABLE {name}")
        self.cursor.execute(f"ALTER TABLE {name}_next RENAME TO {name}")
        self.temps.remove(f"{name}_next")
        return rows

    def index(self, table, *columns):
        self.cursor.execute(f"DROP INDEX IF EXISTS {table}_{'_'.join(columns)}_ix")
        self.cursor.execute(
            f"CREATE INDEX {table}_{'_'.join(columns)}_ix ON {table} ({', '.join(columns)})"
        )

    def analyze(self, *tables, changed_only=False):
        """Fresh planner statistics for tables this transaction has just filled (PostgreSQL).

        Autovacuum cannot see uncommitted rows: without this, a first import plans its joins
        on tables it believes empty, with nested loops over hundreds of thousands of rows.
        With ``changed_only``, only the tables this merge wrote enough rows to since their last
        analysis: a small Delta leaves the statistics as good as they were.
        """
        if not self.postgres:
            return
        if changed_only:
            known = dict(self.all(
                "SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s) "
                "AND pg_table_is_visible(oid)", (list(tables),)))

            def written(table):
                return self.written_to[table] - self.analyzed_at.get(table, 0)

            # What the planner believes (reltuples, -1 when never analysed) against what came.
            tables = [t for t in tables if written(t) >= ANALYZE_MIN_ROWS
                      or written(t) > 0.1 * max(known.get(t, -1), 0)]
            if not tables:
                return
        for table in tables:
            self.analyzed_at[table] = self.written_to[table]
        self.cursor.execute(f"ANALYZE {', '.join(tables)}")

    def executemany(self, sql, rows):
        self.cursor.executemany(sql, rows)

    def copy_rows(self, table, columns, rows):
        """Append rows to a (temporary) table: COPY on PostgreSQL, executemany elsewhere."""
        if not rows:
            return
        if self.postgres:
            with self.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            self.cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    @contextmanager
    def bulk_insert(self, table, incoming, *, keep_dropped=False):
        """Build ``table``'s secondary indexes after a bulk insert rather than row by row.

        Only when the insert is large beside what the table holds (see BULK_RATIO): then
        building the indexes once, sorted, is several times faster. The table stays locked
        until the import commits. Unique constraints go too and come back
        the same way: rebuilt over duplicates, one fails and the whole import rolls back, as
        the row that broke it would have. The primary key stays.

        With ``keep_dropped``, they stay dropped for another bulk insert into the same table to
        come, which rebuilds them (or ``restore``): built once, not twice.
        """
        if table in self.dropped:
            yield
            if not keep_dropped:
                self.restore(table)
            return
        if not self.postgres or incoming < BULK_MIN_ROWS:
            yield
            return
        if self.first_import:
            limit = incoming * BULK_FIRST_IMPORT_PRESENT_PER_INCOMING
        else:
            limit = incoming // BULK_RATIO
        present = self.scalar(f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} LIMIT %s) x",
                              (limit + 1,))
        if present > limit:
            yield
            return
        indexes = self.all("""
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.tablename = %s AND i.schemaname = current_schema()
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                              WHERE c.conname = i.indexname AND c.conrelid = %s::regclass)""",
                           (table, table))
        # Foreign keys too: one check of the whole table when they come back, instead of a
        # trigger per row.
        constraints = self.all("""
            SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
            WHERE c.conrelid = %s::regclass AND (c.contype = 'f' OR (
              c.contype = 'u' AND NOT EXISTS (SELECT 1 FROM pg_constraint r
                WHERE r.contype = 'f' AND r.conindid = c.conindid)))
            ORDER BY c.contype""", (table,))
        # Django's foreign keys are checked at commit; dropping one or building an index is
        # refused on a table with checks pending, so run those first.
        self.cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        self.cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for name, _definition in constraints:
            self.cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            self.cursor.execute(f'DROP INDEX "{name}"')
        self.dropped[table] = (indexes, constraints)
        yield
        if not keep_dropped:
            self.restore(table)

    def restore(self, *tables):
        """Rebuild what bulk inserts dropped from ``tables`` (all of them by default)."""
        for table in tables or list(self.dropped):
            indexes, constraints = self.dropped.pop(table, ((), ()))
            for _name, definition in indexes:
                self.cursor.execute(definition)
            for name, definition in reversed(constraints):
                self.cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')

    def now(self, value):
        return connection.ops.adapt_datetimefield_value(value)

    def true(self):
        return "TRUE" if self.postgres else "1"

    def false(self):
        return "FALSE" if self.postgres else "0"

    def close(self):
        for name in reversed(self.temps):
            self.cursor.execute(f"DROP TABLE IF EXISTS {name}")
        self.temps = []
        self.cursor.close()

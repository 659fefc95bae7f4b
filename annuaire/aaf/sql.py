"""A thin layer over the database cursor for the set-based merge: temp tables, row counts."""

from django.db import connection


class Sql:
    """Runs the merge's statements, counts the rows they write, names the tables."""

    def __init__(self):
        self.cursor = connection.cursor()
        self.postgres = connection.vendor == "postgresql"
        self.rows_written = 0
        self.temps = []

    def run(self, sql, params=(), *, writes=False):
        self.cursor.execute(sql, params)
        if writes and self.cursor.rowcount and self.cursor.rowcount > 0:
            self.rows_written += self.cursor.rowcount
        return self.cursor.rowcount

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
        """A temporary table holding ``select``'s rows, analysed so the planner knows its size."""
        self.cursor.execute(f"DROP TABLE IF EXISTS {name}")
        self.cursor.execute(f"CREATE TEMP TABLE {name} AS {select}", params)
        if name not in self.temps:
            self.temps.append(name)
        if self.postgres:
            self.cursor.execute(f"ANALYZE {name}")
        return name

    def index(self, table, *columns):
        self.cursor.execute(
            f"CREATE INDEX {table}_{'_'.join(columns)}_ix ON {table} ({', '.join(columns)})"
        )

    def analyze(self, *tables):
        """Fresh planner statistics for tables this transaction has just filled (PostgreSQL).

        Autovacuum cannot see uncommitted rows: without this, a first import plans its joins
        on tables it believes empty, with nested loops over hundreds of thousands of rows.
        """
        if self.postgres:
            self.cursor.execute(f"ANALYZE {', '.join(tables)}")

    def executemany(self, sql, rows):
        self.cursor.executemany(sql, rows)

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

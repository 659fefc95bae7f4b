"""Writing converted records into the staging tables: COPY on PostgreSQL, bulk_create elsewhere."""

import json

from django.db import connection

from annuaire.models import (
    StagedEtablissement,
    StagedLink,
    StagedMatiere,
    StagedMef,
    StagedPerson,
)

MODELS = {
    "etab": StagedEtablissement,
    "matiere": StagedMatiere,
    "mef": StagedMef,
    "person": StagedPerson,
    "link": StagedLink,
}
LINK_COLUMNS = ("kind", "etab_aaf", "code", "code2", "code3", "code4", "n1", "n2", "n3", "n4")
_JSON = {"extra"}


def _columns(model):
    return tuple(f.column for f in model._meta.concrete_fields if f.column != "id")


COLUMNS = {table: _columns(model) for table, model in MODELS.items()}
# Values a delete request leaves empty.
_DEFAULTS = {
    "etab": {}, "matiere": {}, "mef": {},
    "person": {"birth_date": None, "boursier": None, "transport": None, "teaches": None},
}


def _empty_row(table, key, op, file_idx, line):
    row = dict.fromkeys(COLUMNS[table], "")
    row.update(_DEFAULTS[table])
    row.update(op=op, aaf_hash="", file_idx=file_idx, line=line, extra={})
    row["aaf_id" if table in {"etab", "person"} else "code"] = key
    return row


def staging_truncate():
    tables = [model._meta.db_table for model in MODELS.values()]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")


class StagingWriter:
    """Buffers staging rows and writes them in batches."""

    BATCH = 5000

    def __init__(self):
        self.buffers = {table: [] for table in MODELS}
        self.counts = dict.fromkeys(MODELS, 0)
        self.postgres = connection.vendor == "postgresql"

    def add(self, converted, file_idx, line):
        row = converted.row
        table = converted.table
        if row.get("op") == "delete" and "key" in row:
            deleted = _empty_row(table, row["key"], "delete", file_idx, line)
            if "population" in row:
                deleted["population"] = row["population"]
            row = deleted
        else:
            row["file_idx"] = file_idx
            row["line"] = line
        self._push(table, tuple(row[c] for c in COLUMNS[table]))
        if converted.links:
            person = row["aaf_id"]
            for link in converted.links:
                self._push("link", (person, *link, file_idx, line))

    def _push(self, table, values):
        buffer = self.buffers[table]
        buffer.append(values)
        if len(buffer) >= self.BATCH:
            self._flush(table)

    def _flush(self, table):
        rows = self.buffers[table]
        if not rows:
            return
        self.counts[table] += len(rows)
        columns = COLUMNS[table]
        json_positions = [i for i, c in enumerate(columns) if c in _JSON]
        if self.postgres:
            sql = f"COPY {MODELS[table]._meta.db_table} ({', '.join(columns)}) FROM STDIN"
            with connection.cursor() as cursor, cursor.copy(sql) as copy:
                for values in rows:
                    if json_positions:
                        values = list(values)
                        for i in json_positions:
                            values[i] = json.dumps(values[i], ensure_ascii=False)
                    copy.write_row(values)
        else:
            model = MODELS[table]
            names = [model._meta.get_field(c).attname if c != "id" else c for c in columns]
            model.objects.bulk_create(
                [model(**dict(zip(names, values, strict=True))) for values in rows],
                batch_size=500,
            )
        self.buffers[table] = []

    def close(self):
        for table in MODELS:
            self._flush(table)
        return dict(self.counts)

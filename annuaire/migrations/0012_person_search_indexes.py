"""Indexes of the directory's search at the size of an académie.

- ``person_name_order_idx`` (search_name, id): the directory's order, read from the index.
- ``person_search_trgm`` (PostgreSQL only): a pg_trgm GIN index of the folded name without its
  spaces, the expression the search box filters with (``REPLACE(search_name, ' ', '') LIKE
  '%term%'``), so that a name is found among a million people without reading them all.
  SQLite has no such index and scans its (small) table.
"""

from django.db import migrations, models

# Without GIN's pending list (fastupdate): the names an import adds go straight into the
# index, where a pending list of thousands of entries would be read by every search until the
# next vacuum, and priced so by the planner that it would scan the table instead.
TRGM_INDEX = ("CREATE INDEX IF NOT EXISTS person_search_trgm ON annuaire_person "
              "USING gin ((replace(search_name, ' ', '')) gin_trgm_ops) WITH (fastupdate = off)")


def create_trgm_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(TRGM_INDEX)


def drop_trgm_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS person_search_trgm")


class Migration(migrations.Migration):

    dependencies = [
        ("annuaire", "0011_secretariat"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["search_name", "id"], name="person_name_order_idx"),
        ),
        migrations.RunPython(create_trgm_index, drop_trgm_index, elidable=False),
    ]

"""PostgreSQL only: unlogged staging tables, and a trigram index for « contains » searches."""

from django.db import migrations

STAGING = [
    "annuaire_stagedetablissement",
    "annuaire_stagedmatiere",
    "annuaire_stagedmef",
    "annuaire_stagedperson",
    "annuaire_stagedlink",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in STAGING:
        schema_editor.execute(f"ALTER TABLE {table} SET UNLOGGED")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS person_search_trgm ON annuaire_person "
        "USING gin (search_name gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS person_search_trgm")
    for table in STAGING:
        schema_editor.execute(f"ALTER TABLE {table} SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [("annuaire", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

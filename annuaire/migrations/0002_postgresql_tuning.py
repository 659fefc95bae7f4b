"""PostgreSQL only: the staging tables are UNLOGGED (rebuilt by every import, never backed up)."""

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


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in STAGING:
        schema_editor.execute(f"ALTER TABLE {table} SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [("annuaire", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

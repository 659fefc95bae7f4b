"""PostgreSQL only: person pages keep 10% free, so that an import's update of a record whose
indexed columns did not change (an address, a phone, a digest) stays on its page (a HOT update)
and writes none of the table's indexes. Pages written from now on; a VACUUM FULL applies it to
the others."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE annuaire_person SET (fillfactor = 90)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE annuaire_person RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("annuaire", "0007_covered_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]

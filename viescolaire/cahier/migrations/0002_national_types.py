from django.db import migrations

from viescolaire.cahier.migrations_data import NATIONAL_TYPES


def create(apps, schema_editor):
    TypeTravail = apps.get_model("cahier", "TypeTravail")
    for position, (label, evaluation) in enumerate(NATIONAL_TYPES):
        TypeTravail.objects.get_or_create(etablissement=None, label=label, defaults={
            "is_evaluation": evaluation, "position": position})


class Migration(migrations.Migration):
    dependencies = [("cahier", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

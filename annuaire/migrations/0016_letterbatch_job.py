"""Letter batches become jobs (``ent.jobs.models.Job``)."""

from django.db import migrations, models
from django.db.models import F


def backfill(apps, schema_editor):
    """A batch past its queue was claimed once, when it was created (no time was kept)."""
    LetterBatch = apps.get_model("annuaire", "LetterBatch")
    LetterBatch.objects.exclude(status="en_attente").update(
        attempts=1, started_at=F("created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('annuaire', '0015_matiere_libelle_edition'),
    ]

    operations = [
        migrations.AddField(
            model_name='letterbatch',
            name='attempts',
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='letterbatch',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]

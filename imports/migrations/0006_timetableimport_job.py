"""The timetable import becomes a job (``ent.jobs.models.Job``)."""

from django.db import migrations, models
from django.db.models import F


def backfill(apps, schema_editor):
    """Decided imports ended when decided; every validation claimed counts as a claim."""
    TimetableImport = apps.get_model("imports", "TimetableImport")
    TimetableImport.objects.filter(decided_at__isnull=False).update(
        finished_at=F("decided_at"))
    TimetableImport.objects.filter(validation_attempt__gt=0).update(
        attempts=F("validation_attempt"), started_at=F("validation_claimed_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('imports', '0005_timetable_import_origin'),
    ]

    operations = [
        migrations.AddField(
            model_name='timetableimport',
            name='attempts',
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='timetableimport',
            name='finished_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='timetableimport',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]

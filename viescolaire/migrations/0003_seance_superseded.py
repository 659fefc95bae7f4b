from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('viescolaire', '0002_seance_changes'),
    ]

    operations = [
        migrations.AddField(
            model_name='seance',
            name='superseded',
            field=models.BooleanField(default=False, verbose_name='annulée (nouvel emploi du temps)'),
        ),
    ]

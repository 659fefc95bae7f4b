"""Logins in lower case, so that the login lookup is an equality on the unique index.

The AAF import and the login generator already write them so; accounts made by hand
(createsuperuser, grant_role --create) could hold capitals. Such a login whose lower-case
form another account already holds gets the next free numeric suffix, as the import would.
"""

import django.db.models.functions.text
from django.db import migrations, models
from django.db.models.functions import Lower


def lower_logins(apps, schema_editor):
    from annuaire.aaf.logins import login_base_of, next_free_login

    Person = apps.get_model("annuaire", "Person")
    for person in Person.objects.exclude(login=Lower("login")).only("id", "login").order_by("id"):
        wanted = person.login.lower()
        taken = set(Person.objects.filter(login_base=login_base_of(wanted)).exclude(
            pk=person.pk).values_list("login", flat=True))
        login = next_free_login(wanted, taken)
        Person.objects.filter(pk=person.pk).update(login=login, login_base=login_base_of(login))


class Migration(migrations.Migration):

    dependencies = [
        ('annuaire', '0008_person_fillfactor'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.RunPython(lower_logins, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='person',
            constraint=models.CheckConstraint(condition=models.Q(('login', django.db.models.functions.text.Lower('login'))), name='person_login_lower'),
        ),
    ]

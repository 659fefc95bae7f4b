"""The migration that stores every login in lower case (annuaire 0009)."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from annuaire.models import Person
from tests.factories import PersonFactory

migration = importlib.import_module("annuaire.migrations.0009_lowercase_logins")


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="the constraint is dropped inside the test's transaction")
@pytest.mark.django_db
def test_capitals_are_lowered_and_a_taken_login_gets_the_next_suffix():
    constraint = next(c for c in Person._meta.constraints if c.name == "person_login_lower")
    with connection.schema_editor(atomic=False) as editor:
        editor.remove_constraint(Person, constraint)
    admin = PersonFactory()
    twin = PersonFactory()
    kept = PersonFactory(login="jean.dupont", login_base="jean.dupont")
    Person.objects.filter(pk=admin.pk).update(login="Admin.Academique", login_base="Admin.Academique")
    Person.objects.filter(pk=twin.pk).update(login="JEAN.DUPONT", login_base="JEAN.DUPONT")

    migration.lower_logins(apps, None)

    logins = dict(Person.objects.values_list("pk", "login"))
    assert logins[admin.pk] == "admin.academique"
    assert logins[kept.pk] == "jean.dupont"
    assert logins[twin.pk] == "jean.dupont2"
    assert Person.objects.get(pk=twin.pk).login_base == "jean.dupont"

"""The migration that gives each existing suspension to the establishments holding the person."""

import importlib

from django.apps import apps
from django.utils import timezone

from annuaire.models import Person, Role, Suspension
from tests.factories import ParenteFactory, PersonFactory, RoleFactory

migration = importlib.import_module("annuaire.migrations.0013_suspension_per_establishment")


def test_each_holding_establishment_gets_the_suspension(world):
    ParenteFactory(eleve=world.pupil_b, responsable=world.contact_a, lien_code="4", legal=0,
                   representant_legal=False, financier=False)
    RoleFactory(person=world.teacher_a, etablissement=world.etab_b, role=Role.Kind.ENSEIGNANT)
    nowhere = PersonFactory()
    when = timezone.now()
    Person.objects.filter(pk__in=[world.contact_a.pk, world.teacher_a.pk, nowhere.pk]).update(
        suspended_at=when, suspended_reason="Ancien motif")

    migration.suspensions_per_etab(apps, None)

    held = {(s.person_id, s.etablissement_id) for s in Suspension.objects.all()}
    assert held == {(world.contact_a.pk, world.etab_a.pk), (world.contact_a.pk, world.etab_b.pk),
                    (world.teacher_a.pk, world.etab_a.pk), (world.teacher_a.pk, world.etab_b.pk),
                    (nowhere.pk, None)}
    assert set(Suspension.objects.values_list("reason", flat=True)) == {"Ancien motif"}
    assert not Suspension.objects.filter(decided_by__isnull=False).exists()

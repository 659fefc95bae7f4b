"""The migration that removes the pupil–relative links SIECLE completions created
(annuaire 0010)."""

import importlib

from django.apps import apps

from annuaire.models import Parente, Person, Role
from tests.factories import ParenteFactory, RoleFactory

migration = importlib.import_module("annuaire.migrations.0010_remove_siecle_created_links")


def test_links_siecle_created_go_with_the_parent_role_they_gave(world):
    w = world
    Person.objects.filter(pk__in=[w.pupil_a.pk, w.pupil_a2.pk]).update(aaf_hash="abc")
    # The audit's link: collège B's parent made Léa's guardian by a « Responsables » upload,
    # then made « parent » in collège A by an AAF import that read her again.
    ParenteFactory(eleve=w.pupil_a, responsable=w.parent_b, siecle={"cree": True, "lien": "10"})
    RoleFactory(person=w.parent_b, etablissement=w.etab_a, role=Role.Kind.PARENT)
    # The AAF's own links, completed by SIECLE, stay.
    Parente.objects.filter(eleve=w.pupil_a, responsable=w.parent_a).update(
        siecle={"lien": "10", "priorite": True})
    before = Parente.objects.count()

    migration.remove_siecle_created_links(apps, None)

    assert Parente.objects.count() == before - 1
    assert not Parente.objects.filter(responsable=w.parent_b, eleve=w.pupil_a).exists()
    assert Parente.objects.get(eleve=w.pupil_a, responsable=w.parent_a).siecle["priorite"]
    assert sorted(Role.objects.filter(person=w.parent_b).values_list(
        "etablissement__uai", "role")) == [("0690002B", "parent")]
    assert Role.objects.filter(person=w.parent_a, etablissement=w.etab_a).exists()
    # Léa's record is read again at the next Complet, which restores what the AAF delivers.
    assert dict(Person.objects.filter(pk__in=[w.pupil_a.pk, w.pupil_a2.pk]).values_list(
        "pk", "aaf_hash")) == {w.pupil_a.pk: "", w.pupil_a2.pk: "abc"}


def test_a_parent_role_another_link_justifies_stays(world):
    w = world
    ParenteFactory(eleve=w.pupil_a2, responsable=w.parent_a, siecle={"cree": True})

    migration.remove_siecle_created_links(apps, None)

    assert not Parente.objects.filter(eleve=w.pupil_a2, responsable=w.parent_a).exists()
    assert Role.objects.filter(person=w.parent_a, etablissement=w.etab_a,
                               role=Role.Kind.PARENT).exists()

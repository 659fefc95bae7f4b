import datetime

import pytest

from annuaire.activation import selectors
from annuaire.models import Person
from tests.factories import PersonFactory, RoleFactory, two_people_parent

pytestmark = pytest.mark.django_db


def test_board_counts_per_profile_and_division(world, django_assert_max_num_queries):
    Person.objects.filter(pk__in=[world.pupil_a2.pk, world.parent_a.pk]).update(
        activated_at=None)
    with django_assert_max_num_queries(8):
        profiles, divisions = selectors.activation_board(etab=world.etab_a)
    by_label = {line.label: (line.total, line.activated) for line in profiles}
    assert by_label["Élèves"] == (3, 2)
    assert by_label["Parents"] == (1, 0)
    assert by_label["Enseignants"] == (2, 2)
    rows = {division.code: (pupils, parents) for division, pupils, parents in divisions}
    assert (rows["3A"][0].total, rows["3A"][0].activated, rows["3A"][0].waiting) == (2, 1, 1)
    assert (rows["3A"][1].total, rows["3A"][1].activated) == (1, 0)
    assert rows["3B"][1].total == 0


def test_controls_list_what_to_fix(world):
    two = two_people_parent(etab=world.etab_a, child=world.pupil_a2)
    birth = datetime.date(2012, 3, 4)
    Person.objects.filter(pk=world.pupil_a.pk).update(birth_date=birth, ine="")
    twin = PersonFactory(population="Eleve", profile="eleve", first_name="Léa",
                         last_name="Dupont", birth_date=birth, ine="0000000001X")
    RoleFactory(person=twin, etablissement=world.etab_a, role="eleve")
    lonely = PersonFactory(population="PersRelEleve", profile="parent", first_name="Yves",
                           last_name="Seul")
    RoleFactory(person=lonely, etablissement=world.etab_a, role="parent")
    idle = PersonFactory(profile="enseignant", first_name="Ivan", last_name="Sansservice")
    RoleFactory(person=idle, etablissement=world.etab_a, role="enseignant")
    controls = {c.code: {item["pk"] for item in c.items}
                for c in selectors.distribution_controls(etab=world.etab_a)}
    assert two.pk in controls["plusieurs_personnes"]
    assert {world.pupil_a.pk, twin.pk} <= controls["doublon_probable"]
    assert world.pupil_a.pk in controls["eleve_sans_ine"] and twin.pk not in controls["eleve_sans_ine"]
    assert lonely.pk in controls["parent_sans_enfant"]
    assert world.parent_a.pk not in controls["parent_sans_enfant"]
    assert controls["enseignant_sans_service"] == {idle.pk}
    assert world.pupil_b.pk not in set().union(*controls.values())
    assert selectors.flagged_person_ids(etab=world.etab_a) >= {two.pk, twin.pk}


def test_staff_duplicates_name_sts_web_and_pupils_siecle(world):
    birth = datetime.date(1980, 1, 1)
    Person.objects.filter(pk=world.teacher_a.pk).update(birth_date=birth)
    twin = PersonFactory(population="PersEducNat", profile="enseignant",
                         first_name=world.teacher_a.first_name,
                         last_name=world.teacher_a.last_name, birth_date=birth)
    RoleFactory(person=twin, etablissement=world.etab_a, role="enseignant")
    controls = {c.code: c for c in selectors.distribution_controls(etab=world.etab_a)}
    staff = controls["doublon_probable_personnel"]
    assert {item["pk"] for item in staff.items} == {world.teacher_a.pk, twin.pk}
    assert "STS-web" in staff.fix and "rectorat" in staff.fix and "SIECLE" not in staff.fix
    assert not controls["doublon_probable"].items
    assert controls["doublon_probable"].fix.startswith("Dans SIECLE")
    assert selectors.flagged_person_ids(etab=world.etab_a) >= {world.teacher_a.pk, twin.pk}

import datetime

import pytest

from imports.matching import IGNORED, structure_match, subject_match, teacher_match
from imports.parsers.records import Subject, Teacher
from imports.selectors import directory_for_matching
from tests.factories import PersonFactory, RoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(world):
    return directory_for_matching(etab=world.etab_a)


def test_teachers_by_identifier_then_name_without_accents(world, directory):
    by_id = teacher_match(directory, Teacher("1", "X", "Y", sts_id=world.teacher_a.aaf_id))
    assert (by_id.target, by_id.how) == (world.teacher_a.pk, "identifiant")
    by_name = teacher_match(directory, Teacher("2", "MARTIN", "helene"))
    assert (by_name.target, by_name.how) == (world.teacher_a.pk, "nom")
    other_etab = teacher_match(directory, Teacher("3", "Marchand", "Hélène"))
    assert other_etab.target is None


def test_homonyms_need_the_birth_date(world):
    born = datetime.date(1980, 5, 4)
    twin = PersonFactory(profile="enseignant", first_name="Hélène", last_name="Martin",
                         birth_date=born)
    RoleFactory(person=twin, etablissement=world.etab_a, role="enseignant")
    directory = directory_for_matching(etab=world.etab_a)
    assert teacher_match(directory, Teacher("2", "Martin", "Hélène")).target is None
    found = teacher_match(directory, Teacher("2", "Martin", "Hélène", birth_date=born))
    assert (found.target, found.how) == (twin.pk, "nom et date de naissance")


def test_structures_and_subjects(world, directory):
    assert structure_match(directory, "division", "3 a").target == world.div_3a.pk
    assert structure_match(directory, "group", "3latin").target == world.grp_latin.pk
    assert structure_match(directory, "division", "4C").target is None
    assert subject_match(directory, Subject("9", "AGL1", "Anglais LV1")).target == world.anglais.pk
    by_code = subject_match(directory, Subject("9", "MATHS", "Maths", national_code="061300"))
    assert (by_code.target, by_code.how) == (world.maths.pk, "identifiant")


def test_remembered_rapprochements_win(world):
    directory = directory_for_matching(etab=world.etab_a, remembered={
        ("division", "4c"): world.div_3b.pk, ("teacher", "inconnu|prof"): IGNORED})
    assert structure_match(directory, "division", "4C").how == "rapprochement"
    ignored = teacher_match(directory, Teacher("1", "Inconnu", "Prof"))
    assert (ignored.target, ignored.how) == (None, "ignoré")


def test_snapshot_queries_are_bounded(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        directory_for_matching(etab=world.etab_a)

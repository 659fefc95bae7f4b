"""Families find « the French teacher of Samuel » (issue 15): a parent's directory lists each
teacher of their children with the subject and the child they teach."""

import pytest
from django.urls import reverse

from annuaire.models import Population, Profile, Role
from tests.factories import (
    EnseignementFactory,
    InscriptionFactory,
    MatiereFactory,
    ParenteFactory,
    PersonFactory,
    RoleFactory,
)

URL = reverse("annuaire:directory")


def labels(response):
    return {p.pk: p.row_labels for p in response.context["page"].object_list}


@pytest.fixture
def emma(world):
    """pupil_a's sister Emma, in 3B: taught English by teacher_a2, and maths by teacher_a."""
    emma = PersonFactory(population=Population.ELEVE, profile=Profile.ELEVE,
                         first_name="Emma", last_name="Dupont")
    RoleFactory(person=emma, etablissement=world.etab_a, role=Role.Kind.ELEVE)
    InscriptionFactory(eleve=emma, regroupement=world.div_3b)
    ParenteFactory(eleve=emma, responsable=world.parent_a)
    EnseignementFactory(enseignant=world.teacher_a, regroupement=world.div_3b,
                        matiere=world.maths)
    return emma


def test_parent_reads_each_teacher_with_subject_and_child(world, emma, login):
    rows = labels(login(world.parent_a).get(URL))
    assert rows[world.teacher_a.pk] == [
        "MATHEMATIQUES — professeur d'Emma et de Léa", "Professeur principal de Léa"]
    assert rows[world.teacher_a2.pk] == ["ANGLAIS LV1 — professeur d'Emma"]
    # Staff who teach none of the children keep their role.
    assert rows[world.principal_a.pk] == [f"Direction — {world.etab_a.name}"]


def test_a_course_without_subject_names_the_child(world, login):
    latin = PersonFactory(population=Population.PERS_EDUC_NAT, profile=Profile.ENSEIGNANT,
                          first_name="Jules", last_name="Latiniste")
    RoleFactory(person=latin, etablissement=world.etab_a, role=Role.Kind.ENSEIGNANT)
    EnseignementFactory(enseignant=latin, regroupement=world.grp_latin)
    rows = labels(login(world.parent_a).get(URL))
    assert rows[latin.pk] == ["Professeur de Léa"]


def test_only_the_parents_own_children_are_named(world, login):
    # teacher_b also teaches 3A of A in German; parent_b's son is not in 3A.
    german = MatiereFactory(code="030102", libelle="ALLEMAND LV2")
    RoleFactory(person=world.teacher_b, etablissement=world.etab_a, role=Role.Kind.ENSEIGNANT)
    EnseignementFactory(enseignant=world.teacher_b, regroupement=world.div_3a, matiere=german)
    rows = labels(login(world.parent_b).get(URL))
    assert rows[world.teacher_b.pk] == ["MATHEMATIQUES — professeur d'Hugo"]
    rows = labels(login(world.parent_a).get(URL))
    assert "ALLEMAND LV2 — professeur de Léa" in rows[world.teacher_b.pk]
    assert not any("Hugo" in label for label in rows[world.teacher_b.pk])


@pytest.mark.parametrize("who", ["pupil_a", "teacher_a2", "principal_a"])
def test_other_viewers_keep_the_roles(world, login, who):
    rows = labels(login(getattr(world, who)).get(URL))
    assert not any("professeur de" in label for row in rows.values() for label in row)


def test_parent_page_queries_do_not_grow_with_the_teachers(world, emma, login,
                                                           django_assert_max_num_queries):
    for i in range(8):
        teacher = PersonFactory(population=Population.PERS_EDUC_NAT,
                                profile=Profile.ENSEIGNANT, last_name=f"Prof{i}")
        RoleFactory(person=teacher, etablissement=world.etab_a, role=Role.Kind.ENSEIGNANT)
        EnseignementFactory(enseignant=teacher, regroupement=world.div_3b,
                            matiere=MatiereFactory(code=f"99{i:04d}", libelle=f"OPTION {i}"))
    client = login(world.parent_a)
    with django_assert_max_num_queries(15):  # the services of the header, read once (cold cache)
        response = client.get(URL)
    assert len([r for r in labels(response).values() if "d'Emma" in r[0]]) == 10


def test_subjects_read_by_their_edition_label_where_siecle_gave_one(world, emma, login):
    world.maths.libelle_edition = "Mathématiques"
    world.maths.save(update_fields=["libelle_edition"])
    rows = labels(login(world.parent_a).get(URL))
    assert rows[world.teacher_a.pk][0] == "Mathématiques — professeur d'Emma et de Léa"
    card = login(world.principal_a).get(reverse("annuaire:person", args=[world.teacher_a.pk]))
    assert "3B — Mathématiques" in card.content.decode()

"""Teachers find their classes (issue 15): the directory filters by the divisions and groups
they teach, « 4C » in the search box names the class, and each division or group they teach
has a printable class list, linked from the directory."""

import pytest
from django.urls import reverse
from django.utils import timezone

from annuaire.models import Population, Profile, Regroupement, Role
from tests.factories import InscriptionFactory, PersonFactory, RegroupementFactory, RoleFactory

URL = reverse("annuaire:directory")


def seen(response):
    return {p.pk for p in response.context["page"].object_list}


def class_url(regroupement):
    return reverse("annuaire:class_list", args=[regroupement.pk])


def test_teacher_filters_by_the_divisions_and_groups_they_teach(world, login):
    response = login(world.teacher_a).get(URL)
    form = response.context["form"]
    assert dict(form.fields["division"].choices) == {"": "Tous", world.div_3a.pk: "3A"}
    assert dict(form.fields["groupe"].choices) == {"": "Tous", world.grp_latin.pk: "3LATIN"}
    assert "matiere" not in form.fields and "state" not in form.fields
    response = login(world.teacher_a).get(URL, {"division": world.div_3a.pk,
                                                "profile": "eleve"})
    assert seen(response) == {world.pupil_a.pk, world.pupil_a2.pk}
    # A division they do not teach is not a choice, whether of their collège or another.
    for other in (world.div_3b, world.div_b_3a):
        response = login(world.teacher_a).get(URL, {"division": other.pk, "profile": "eleve"})
        assert "division" in response.context["form"].errors
        assert world.pupil_a3.pk not in seen(response) and world.pupil_b.pk not in seen(response)


@pytest.mark.parametrize("typed", ["3A", "3a", " 3 a ", "3-A"])
def test_the_class_code_in_the_search_box_finds_the_class(world, login, typed):
    response = login(world.teacher_a).get(URL, {"q": typed})
    assert seen(response) == {world.pupil_a.pk, world.pupil_a2.pk, world.teacher_a.pk}
    content = response.content.decode()
    assert "« 3A » : la classe" in content and class_url(world.div_3a) in content


def test_a_class_the_teacher_does_not_teach_is_not_found_by_its_code(world, login):
    response = login(world.teacher_a).get(URL, {"q": "3B"})
    assert seen(response) == set()


def test_principal_finds_any_class_of_the_establishment_by_code(world, login):
    response = login(world.principal_a).get(URL, {"q": "3b"})
    assert seen(response) == {world.pupil_a3.pk, world.teacher_a2.pk}
    assert class_url(world.div_3b) in response.content.decode()


def test_the_directory_links_each_taught_class_list(world, login):
    content = login(world.teacher_a).get(URL).content.decode()
    assert "Mes classes et groupes" in content
    assert class_url(world.div_3a) in content and class_url(world.grp_latin) in content
    assert class_url(world.div_3b) not in content


def test_class_list_of_a_division(world, login, django_assert_max_num_queries):
    gone = PersonFactory(population=Population.ELEVE, profile=Profile.ELEVE,
                         last_name="Parti", deactivated_at=timezone.now())
    InscriptionFactory(eleve=gone, regroupement=world.div_3a)
    client = login(world.teacher_a)
    with django_assert_max_num_queries(12):  # with the header's bell and its services (cold cache)
        response = client.get(class_url(world.div_3a))
    assert response.status_code == 200
    listing = response.context["listing"]
    assert [p.pk for p in listing.pupils] == [world.pupil_a2.pk, world.pupil_a.pk]  # B, D
    assert [(t.pk, s, pp) for t, s, pp in listing.teachers] == [
        (world.teacher_a.pk, ["MATHEMATIQUES"], True)]
    content = response.content.decode()
    assert "Liste de la classe 3A" in content and "print-list.css" in content
    assert "PARTI" not in content


def test_class_list_of_a_group_shows_each_pupils_division(world, login):
    InscriptionFactory(eleve=world.pupil_a3, regroupement=world.grp_latin)
    response = login(world.teacher_a).get(class_url(world.grp_latin))
    assert response.status_code == 200
    rows = {p.pk: p.divisions for p in response.context["listing"].pupils}
    assert rows == {world.pupil_a.pk: ["3A"], world.pupil_a3.pk: ["3B"]}
    assert "Liste du groupe 3LATIN" in response.content.decode()


def test_class_list_query_count_does_not_grow_with_the_class(world, login,
                                                             django_assert_max_num_queries):
    for i in range(40):
        pupil = PersonFactory(population=Population.ELEVE, profile=Profile.ELEVE,
                              last_name=f"Eleve{i:02d}")
        RoleFactory(person=pupil, etablissement=world.etab_a, role=Role.Kind.ELEVE)
        InscriptionFactory(eleve=pupil, regroupement=world.div_3a)
        InscriptionFactory(eleve=pupil, regroupement=world.grp_latin)
    client = login(world.teacher_a)
    with django_assert_max_num_queries(12):  # with the header's bell and its services (cold cache)
        response = client.get(class_url(world.grp_latin))
    assert len(response.context["listing"].pupils) == 41


@pytest.mark.parametrize("who", ["principal_a", "admin_etab_a", "cpe_a", "doc_a",
                                 "academy_admin"])
def test_whole_directory_readers_open_any_class_list_of_their_establishment(world, login, who):
    assert login(getattr(world, who)).get(class_url(world.div_3b)).status_code == 200


@pytest.mark.parametrize("who", ["teacher_a2", "teacher_b", "principal_b", "agent_a",
                                 "pupil_a", "parent_a", "contact_a", "pupil_b"])
def test_class_list_refused_to_others(world, login, who):
    assert login(getattr(world, who)).get(class_url(world.div_3a)).status_code == 404


def test_class_list_of_another_establishment_or_unknown_is_404(world, login):
    client = login(world.principal_a)
    assert client.get(class_url(world.div_b_3a)).status_code == 404
    assert client.get(reverse("annuaire:class_list", args=[999999])).status_code == 404
    # A teacher who teaches a class in another establishment without a role there: no list.
    elsewhere = RegroupementFactory(etablissement=world.etab_b, code="4C",
                                    nature=Regroupement.Nature.DIVISION)
    from tests.factories import EnseignementFactory
    EnseignementFactory(enseignant=world.teacher_a, regroupement=elsewhere)
    assert login(world.teacher_a).get(class_url(elsewhere)).status_code == 404

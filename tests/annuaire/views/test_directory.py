import pytest
from django.urls import reverse
from django.utils import timezone

from annuaire.models import Population, Profile, Role
from tests.factories import InscriptionFactory, PersonFactory, RoleFactory

URL = reverse("annuaire:directory")


def names(response):
    return {p.pk for p in response.context["page"].object_list}


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/compte/login/" in response["Location"]


def test_principal_browses_own_establishment(world, login):
    response = login(world.principal_a).get(URL)
    assert response.status_code == 200
    seen = names(response)
    assert {world.pupil_a.pk, world.teacher_a.pk, world.parent_a.pk, world.cpe_a.pk} <= seen
    assert world.pupil_b.pk not in seen and world.teacher_b.pk not in seen
    assert response.context["etab"] == world.etab_a


def test_search_ignores_accents_and_case(world, login):
    response = login(world.principal_a).get(URL, {"q": "HELENE"})
    assert names(response) == {world.teacher_a.pk}  # Hélène Marchand is in the other collège
    response = login(world.principal_a).get(URL, {"q": "martin hél"})
    assert names(response) == {world.teacher_a.pk}



@pytest.mark.parametrize("query", ["D'ALMEIDA", "d almeida", "d’almeida", "dalmeida", "ALMEIDA"])
def test_search_finds_a_name_with_an_apostrophe_however_typed(world, login, query):
    pupil = PersonFactory(population=Population.ELEVE, profile=Profile.ELEVE,
                          first_name="Lucie", last_name="D'Almeida")
    RoleFactory(person=pupil, etablissement=world.etab_a, role=Role.Kind.ELEVE)
    assert names(login(world.principal_a).get(URL, {"q": query})) == {pupil.pk}


@pytest.mark.parametrize("query", ["le floch", "lefloch", "LE-FLOCH", "floch"])
def test_search_finds_a_compound_name_with_or_without_its_space(world, login, query):
    pupil = PersonFactory(population=Population.ELEVE, profile=Profile.ELEVE,
                          first_name="Héloïse", last_name="Le Floch")
    RoleFactory(person=pupil, etablissement=world.etab_a, role=Role.Kind.ELEVE)
    assert names(login(world.principal_a).get(URL, {"q": query})) == {pupil.pk}


@pytest.mark.parametrize("query", ["", "   ", "...", "'", "-", "%", "_"])
def test_a_search_of_spaces_or_punctuation_lists_everyone(world, login, query):
    response = login(world.principal_a).get(URL, {"q": query})
    assert response.status_code == 200
    assert names(response) == names(login(world.principal_a).get(URL))

@pytest.mark.parametrize("params, expected", [
    ({"profile": "enseignant"}, {"teacher_a", "teacher_a2"}),
    ({"profile": "parent"}, {"parent_a"}),
    ({"matiere": "ANGLAIS LV1"}, {"teacher_a2"}),
    ({"matiere": "MATHEMATIQUES"}, {"teacher_a"}),
])
def test_filters(world, login, params, expected):
    response = login(world.principal_a).get(URL, params)
    assert names(response) == {getattr(world, name).pk for name in expected}


def test_division_and_group_filters(world, login):
    client = login(world.principal_a)
    response = client.get(URL, {"division": world.div_3a.pk})
    assert names(response) == {world.pupil_a.pk, world.pupil_a2.pk, world.teacher_a.pk}
    response = client.get(URL, {"groupe": world.grp_latin.pk})
    assert names(response) == {world.pupil_a.pk, world.teacher_a.pk}
    # A division of another establishment is not a valid choice here.
    response = client.get(URL, {"division": world.div_b_3a.pk})
    assert response.context["form"].errors


def test_division_and_group_filters_combine(world, login):
    # 3LATIN holds pupil_a (3A); a 3B pupil put in it must not pass the 3A filter.
    InscriptionFactory(eleve=world.pupil_a3, regroupement=world.grp_latin)
    client = login(world.principal_a)
    response = client.get(URL, {"division": world.div_3a.pk, "groupe": world.grp_latin.pk})
    assert names(response) == {world.pupil_a.pk, world.teacher_a.pk}
    response = client.get(URL, {"division": world.div_3b.pk, "groupe": world.grp_latin.pk,
                                "profile": "eleve"})
    assert names(response) == {world.pupil_a3.pk}


def test_a_foreign_or_wrong_filter_value_is_ignored_not_the_others(world, login):
    client = login(world.principal_a)
    response = client.get(URL, {"q": "helene", "division": world.div_b_3a.pk})
    assert response.status_code == 200
    assert "division" in response.context["form"].errors
    assert names(response) == {world.teacher_a.pk}  # not the whole directory, nor Hélène of B
    response = client.get(URL, {"profile": "eleve", "groupe": "abc", "matiere": "LATIN"})
    assert names(response) == {world.pupil_a.pk, world.pupil_a2.pk, world.pupil_a3.pk}


def test_names_sort_in_french_order(world, login):
    spellings = ["Zola", "Étienne", "d'Aubigné", "BLANC", "Baron", "Abel", "ÉMERY", "Eymard"]
    for last_name in spellings:
        pupil = PersonFactory(population=Population.ELEVE, profile=Profile.ELEVE,
                              first_name="Xavier", last_name=last_name)
        RoleFactory(person=pupil, etablissement=world.etab_a, role=Role.Kind.ELEVE)
    response = login(world.principal_a).get(URL, {"q": "xavier"})
    shown = [p.last_name for p in response.context["page"].object_list]
    assert shown == ["Abel", "Baron", "BLANC", "d'Aubigné", "ÉMERY", "Étienne", "Eymard", "Zola"]


def test_account_state_filter(world, login):
    world.pupil_a2.activated_at = None
    world.pupil_a2.save()
    world.pupil_a3.deactivated_at = timezone.now()
    world.pupil_a3.save()
    world.agent_a.suspended_at = timezone.now()
    world.agent_a.save()
    client = login(world.principal_a)
    assert names(client.get(URL, {"state": "non_active"})) == {world.pupil_a2.pk}
    assert names(client.get(URL, {"state": "desactive"})) == {world.pupil_a3.pk}
    assert names(client.get(URL, {"state": "suspendu"})) == {world.agent_a.pk}
    default = names(client.get(URL))
    assert world.pupil_a3.pk not in default and world.pupil_a2.pk in default


def test_principal_of_other_establishment_gets_404(world, login):
    response = login(world.principal_b).get(URL, {"etab": world.etab_a.pk})
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["teacher_a", "pupil_a", "parent_a", "agent_a"])
def test_limited_roles_cannot_open_full_directory(world, login, who):
    response = login(getattr(world, who)).get(URL, {"etab": world.etab_a.pk})
    assert response.status_code == 404


def test_teacher_sees_contacts(world, login):
    response = login(world.teacher_a).get(URL)
    assert response.status_code == 200
    seen = names(response)
    assert {world.pupil_a.pk, world.pupil_a2.pk, world.parent_a.pk, world.principal_a.pk} <= seen
    assert world.pupil_a3.pk not in seen and world.pupil_b.pk not in seen
    assert "state" not in response.context["form"].fields
    assert b"Identifiant :" not in response.content


def test_rows_show_only_the_viewers_establishments(world, login):
    # teacher_b also teaches in A: teacher_a sees the colleague, not where else they work.
    RoleFactory(person=world.teacher_b, etablissement=world.etab_a, role=Role.Kind.ENSEIGNANT)
    InscriptionFactory(eleve=world.pupil_a2, regroupement=world.div_b_3a)
    response = login(world.teacher_a).get(URL)
    assert {world.teacher_b.pk, world.pupil_a2.pk} <= names(response)
    content = response.content.decode()
    assert world.etab_b.name not in content
    row = next(p for p in response.context["page"].object_list if p.pk == world.pupil_a2.pk)
    assert [i.regroupement for i in row.shown_inscriptions] == [world.div_3a]
    card = login(world.teacher_a).get(reverse("annuaire:person", args=[world.teacher_b.pk]))
    assert world.etab_b.name not in card.content.decode()


def test_parent_and_pupil_see_their_circle(world, login):
    seen = names(login(world.parent_a).get(URL))
    assert world.pupil_a.pk in seen and world.teacher_a.pk in seen
    assert world.pupil_a2.pk not in seen
    seen = names(login(world.pupil_a).get(URL))
    assert world.pupil_a2.pk in seen and world.pupil_a3.pk not in seen


def test_person_without_any_role_gets_404(db, login):
    orphan = PersonFactory(population=Population.PERS_REL_ELEVE, profile=Profile.PARENT)
    assert login(orphan).get(URL).status_code == 404


def test_principal_sees_logins_and_states(world, login):
    response = login(world.principal_a).get(URL)
    assert world.pupil_a.login.encode() in response.content
    assert "Opérationnel" in response.content.decode()


def _fill(etab, division, n):
    for i in range(n):
        pupil = PersonFactory(population=Population.ELEVE, profile=Profile.ELEVE,
                              last_name=f"Eleve{i:03d}")
        RoleFactory(person=pupil, etablissement=etab, role=Role.Kind.ELEVE)
        InscriptionFactory(eleve=pupil, regroupement=division)


def test_query_count_does_not_grow_with_the_directory(world, login, django_assert_max_num_queries):
    client = login(world.principal_a)
    _fill(world.etab_a, world.div_3a, 5)
    # 14, the header's unread notifications and the services of the viewer's profiles.
    with django_assert_max_num_queries(16):
        client.get(URL)
    _fill(world.etab_a, world.div_3a, 60)
    with django_assert_max_num_queries(16):
        response = client.get(URL, {"page": 2})
    assert response.context["page"].number == 2
    assert len(response.context["page"].object_list) == 25


@pytest.mark.parametrize("who", ["pupil_a", "parent_a", "teacher_a"])
def test_limited_viewers_query_count_does_not_grow(world, login, who,
                                                   django_assert_max_num_queries):
    client = login(getattr(world, who))
    _fill(world.etab_a, world.div_3a, 5)
    # 14: the header's menu asks once whether a parent has a child's timetable to show, and the
    # bell counts the unread notifications; one more reads the services of their profiles.
    with django_assert_max_num_queries(15):
        client.get(URL)
    _fill(world.etab_a, world.div_3a, 40)
    with django_assert_max_num_queries(15):
        response = client.get(URL, {"q": "eleve"})
    assert response.status_code == 200


def test_visibility_is_one_union_of_small_sets(world):
    """The rule is an IN over a UNION, never an OR of subqueries checked row by row."""
    from ent import rights

    for who in ("pupil_a", "parent_a", "teacher_a", "principal_a", "cpe_a"):
        sql = str(rights.persons_visible(getattr(world, who)).query).upper()
        assert "UNION" in sql
        assert " OR " not in sql, who

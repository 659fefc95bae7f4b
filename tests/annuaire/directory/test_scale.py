"""The directory at the size of an académie (issue 14): the visibility starts from the
viewer's small sets, the name search reads a pg_trgm index, and the paginator never counts
more than it shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annuaire import selectors
from annuaire.models import Person, Population, Profile, Role
from annuaire.paging import CappedPaginator
from tests.factories import InscriptionFactory, PersonFactory, RoleFactory

URL = reverse("annuaire:directory")
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="les plans de requête se vérifient sur PostgreSQL")


def fill(etab, division, n):
    for i in range(n):
        pupil = PersonFactory(population=Population.ELEVE, profile=Profile.ELEVE,
                              last_name=f"Eleve{i:03d}")
        RoleFactory(person=pupil, etablissement=etab, role=Role.Kind.ELEVE)
        InscriptionFactory(eleve=pupil, regroupement=division)


def test_the_count_stops_at_the_cap(world, login, monkeypatch):
    monkeypatch.setattr("annuaire.views.directory.COUNT_CAP", 30)
    fill(world.etab_a, world.div_3a, 40)
    client = login(world.principal_a)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    content = response.content.decode()
    assert "Plus de 30 personnes : précisez la recherche" in content
    assert "Page 1 sur plus de 2" in content
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()
              and "annuaire_person" in q["sql"]]
    assert counts and all("LIMIT 31" in sql for sql in counts)
    assert " ORDER BY " not in counts[0]
    # The pages up to the cap stay reachable; below it the count is exact.
    assert len(client.get(URL, {"page": 2}).context["page"].object_list) == 5
    response = client.get(URL, {"q": "eleve00"})
    assert "10 personnes" in response.content.decode()


def test_capped_paginator_counts_exactly_below_the_cap(world):
    people = Person.objects.order_by("pk")
    total = people.count()
    assert CappedPaginator(people, 5, cap=total).count == total
    assert not CappedPaginator(people, 5, cap=total).capped
    assert CappedPaginator(people, 5, cap=total - 1).capped
    assert CappedPaginator(people, 5, cap=total - 1).num_pages == -(-(total - 1) // 5)


@pytest.fixture
def large_directory(world):
    """30,000 more people, written by one INSERT … SELECT: enough for PostgreSQL's planner to
    weigh reading the person table against its indexes as it would at an académie's size."""
    columns = [f.column for f in Person._meta.concrete_fields if f.column != "id"]
    made = {"login": "'masse' || g", "login_base": "'masse' || g", "aaf_id": "NULL",
            "search_name": "substr(md5(g::text), 1, 10) || ' ' || substr(md5((-g)::text), 1, 8)"}
    select = ", ".join(made.get(c, f'p."{c}"') for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO annuaire_person ({', '.join(columns)}) SELECT {select} "
            "FROM annuaire_person p CROSS JOIN generate_series(1, 30000) g WHERE p.id = %s",
            [world.agent_a.pk])
        cursor.execute("ANALYZE annuaire_person")
        cursor.execute("ANALYZE annuaire_role")
    return world


def plan(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def page_query(viewer, etab=None, q=""):
    people = selectors.directory_search(viewer=viewer, etab=etab,
                                        filters=selectors.DirectoryFilters(q=q))
    return people[:25]


@postgres_only
def test_a_name_search_reads_the_trigram_index(large_directory):
    w = large_directory
    text = plan(page_query(w.academy_admin, q="dupont"))
    assert "person_search_trgm" in text, text
    assert "Seq Scan on annuaire_person" not in text, text
    count = selectors.directory_search(viewer=w.academy_admin, filters=selectors.DirectoryFilters(
        q="martin hel")).order_by()[:1001]
    assert "person_search_trgm" in plan(count)


@postgres_only
@pytest.mark.parametrize("who", ["pupil_a", "parent_a", "teacher_a"])
def test_a_limited_viewers_directory_never_reads_the_whole_person_table(large_directory, who):
    viewer = getattr(large_directory, who)
    for q in ("", "dupont"):
        text = plan(page_query(viewer, q=q))
        assert "Seq Scan on annuaire_person" not in text, text


@postgres_only
def test_the_principals_directory_never_reads_the_whole_person_table(large_directory):
    w = large_directory
    text = plan(page_query(w.principal_a, etab=w.etab_a))
    assert "Seq Scan on annuaire_person" not in text, text
    text = plan(page_query(w.academy_admin, etab=None))
    assert "Seq Scan on annuaire_person" not in text, text

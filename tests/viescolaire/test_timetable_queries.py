"""The week page reads in the same number of queries at 10 and at 1,500 courses."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annuaire.models import Population, Profile, Role
from tests.factories import InscriptionFactory, PersonFactory, RoleFactory
from viescolaire import selectors
from viescolaire.models import Cours, Seance

from .conftest import MONDAY

WEEK_PAGE_MAX_QUERIES = 11  # 10, and the header's unread notifications


def _grow(etab, reg, pupil_reg, total, teachers=None):
    """Courses (each with a teacher, the division and a group) until ``total``, one séance
    each in the week of MONDAY, some cancelled, replaced or moved."""
    have = Cours.objects.filter(etablissement=etab).count()
    if teachers is None:
        teachers = [PersonFactory(profile=Profile.ENSEIGNANT) for _ in range(3)]
        for t in teachers:
            RoleFactory(person=t, etablissement=etab, role=Role.Kind.ENSEIGNANT)
    courses = Cours.objects.bulk_create([
        Cours(etablissement=etab, key=f"q{n}", matiere_label=f"MATIERE {n % 25}", day=n % 5 + 1,
              start=datetime.time(8 + n % 9), end=datetime.time(9 + n % 9), salle="S101")
        for n in range(have, total)])
    E, G = Cours.enseignants.through, Cours.regroupements.through
    E.objects.bulk_create([E(cours=c, person=teachers[n % 3]) for n, c in enumerate(courses)])
    G.objects.bulk_create([G(cours=c, regroupement=r) for c in courses for r in (reg, pupil_reg)])
    Seance.objects.bulk_create([
        Seance(cours=c, date=MONDAY + datetime.timedelta(days=c.day - 1), start=c.start,
               end=c.end, cancelled=n % 7 == 0, salle="B12" if n % 5 == 0 else "",
               remplacant=teachers[(n + 1) % 3] if n % 4 == 0 else None)
        for n, c in enumerate(courses)])
    return teachers


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"semaine": MONDAY.isoformat()})
    assert response.status_code == 200
    return len(ctx), response.context["count"]


@pytest.mark.parametrize("target", ["division", "eleve", "enseignant", "salle"])
def test_week_queries_do_not_grow_with_the_timetable(world, login, target,
                                                     django_assert_max_num_queries):
    etab, reg = world.etab_a, world.div_3a
    teachers = _grow(etab, reg, world.grp_latin, 10)
    teacher = teachers[0]
    viewer = world.cpe_a
    url = {
        "division": reverse("viescolaire:week_regroupement", args=[reg.pk]),
        "eleve": reverse("viescolaire:week_eleve", args=[world.pupil_a.pk]),
        "enseignant": reverse("viescolaire:week_enseignant", args=[teacher.pk]),
        "salle": reverse("viescolaire:week_room", args=[etab.pk, "S101"]),
    }[target]
    client = login(viewer)
    _count(client, url)  # the first request of a session reads what later ones have cached
    small, small_count = _count(client, url)
    _grow(etab, reg, world.grp_latin, 1500, teachers)
    big, big_count = _count(client, url)
    assert big_count > small_count * 10
    assert big == small, (small, big)
    with django_assert_max_num_queries(WEEK_PAGE_MAX_QUERIES):
        client.get(url, {"semaine": MONDAY.isoformat()})


def test_home_queries_do_not_grow_with_children_or_courses(world, login,
                                                           django_assert_max_num_queries):
    from django.utils import timezone

    from tests.factories import ParenteFactory

    today = timezone.localdate()
    parent = PersonFactory(population=Population.PERS_REL_ELEVE, profile=Profile.PARENT)
    RoleFactory(person=parent, etablissement=world.etab_a, role=Role.Kind.PARENT)
    client = login(parent)

    def add_child():
        child = PersonFactory(population=Population.ELEVE, profile=Profile.ELEVE)
        RoleFactory(person=child, etablissement=world.etab_a, role=Role.Kind.ELEVE)
        InscriptionFactory(eleve=child, regroupement=world.div_3a)
        ParenteFactory(eleve=child, responsable=parent)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("home")).status_code == 200
        return len(ctx)

    def grow(total):
        have = Cours.objects.count()
        courses = Cours.objects.bulk_create([
            Cours(etablissement=world.etab_a, key=f"h{n}", matiere_label="M", day=1,
                  start=datetime.time(8), end=datetime.time(9)) for n in range(have, total)])
        G = Cours.regroupements.through
        G.objects.bulk_create([G(cours=c, regroupement=world.div_3a) for c in courses])
        Seance.objects.bulk_create([Seance(cours=c, date=today, start=c.start, end=c.end)
                                    for c in courses])

    add_child()
    add_child()
    grow(5)
    count()  # the first request of a session reads what later ones have cached
    small = count()
    for _ in range(6):
        add_child()
    grow(300)
    assert count() == small


def test_index_queries_are_bounded(world, timetable, login, django_assert_max_num_queries):
    client = login(world.cpe_a)
    client.get(reverse("viescolaire:timetable"))
    _grow(world.etab_a, world.div_3a, world.grp_latin, 300)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("viescolaire:timetable"))
    assert response.status_code == 200 and len(response.context["index"].teachers) == 5


def test_room_week_looks_the_room_up_without_listing_every_room(world, timetable, login):
    etab = world.etab_a

    def grow(total):
        have = Cours.objects.filter(etablissement=etab, key__startswith="r").count()
        courses = Cours.objects.bulk_create([
            Cours(etablissement=etab, key=f"r{n}", matiere_label="M", day=1,
                  start=datetime.time(8), end=datetime.time(9), salle=f"R{n}, X{n}")
            for n in range(have, total)])
        Seance.objects.bulk_create([Seance(cours=c, date=MONDAY, start=c.start, end=c.end,
                                           salle=f"M{c.key}") for c in courses])

    client = login(world.cpe_a)
    url = reverse("viescolaire:week_room", args=[etab.pk, "S101"])
    _count(client, url)  # the first request of a session reads what later ones have cached
    grow(50)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, {"semaine": MONDAY.isoformat()}).status_code == 200
    small = len(ctx)
    grow(150)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, {"semaine": MONDAY.isoformat()}).status_code == 200
    assert len(ctx) == small
    assert not [q["sql"] for q in ctx.captured_queries if "SELECT DISTINCT" in q["sql"]]
    assert len(selectors.timetable_rooms(etab=etab)) > 450
    for room in ("R149", "X0", "Mr7"):
        assert client.get(reverse("viescolaire:week_room", args=[etab.pk, room])
                          ).status_code == 200
    assert client.get(reverse("viescolaire:week_room", args=[etab.pk, "R150"])
                      ).status_code == 404


# Each with the header's unread notifications.
@pytest.mark.parametrize("page, most", [("home", 7), ("viescolaire:timetable", 5)])
def test_a_parents_children_are_read_once_per_page(world, login, page, most,
                                                   django_assert_max_num_queries):
    from tests.factories import ParenteFactory

    ParenteFactory(eleve=world.pupil_a2, responsable=world.parent_a)
    client = login(world.parent_a)
    client.get(reverse(page))  # the first request of a session reads what later ones have cached
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(page))
    assert response.status_code == 200
    children = [q["sql"] for q in ctx.captured_queries
                if 'FROM "annuaire_person"' in q["sql"] and "annuaire_parente" in q["sql"]]
    assert len(children) == 1, children
    assert world.pupil_a2.first_name in response.content.decode()
    with django_assert_max_num_queries(most):
        client.get(reverse(page))


def test_index_queries_are_bounded_for_the_academy_admin(world, timetable, login,
                                                         django_assert_max_num_queries):
    from tests.factories import EtablissementFactory

    teachers = []

    def grow(etabs, courses):
        for etab in EtablissementFactory.create_batch(etabs):
            Cours.objects.bulk_create([
                Cours(etablissement=etab, key=f"a{etab.pk}-{c}", matiere_label="M", day=1,
                      start=datetime.time(8), end=datetime.time(9), salle="A") for c in range(5)])
        teachers[:] = _grow(world.etab_a, world.div_3a, world.grp_latin, courses,
                            teachers or None)

    def count(params):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("viescolaire:timetable"), params)
        assert response.status_code == 200
        return len(ctx), response.context["index"]

    client = login(world.academy_admin)
    client.get(reverse("viescolaire:timetable"))
    grow(5, 50)
    mine = {"etablissement": world.etab_a.pk}
    small_list, index = count({})
    assert len(index.etabs) == 7 and index.etab is None
    small_etab, index = count(mine)
    assert index.etab == world.etab_a and len(index.teachers) == 5
    grow(10, 300)
    big_list, index = count({})
    assert len(index.etabs) == 17 and big_list == small_list, (small_list, big_list)
    with CaptureQueriesContext(connection) as ctx:
        big_etab, index = count(mine)
    assert big_etab == small_etab, (small_etab, big_etab)
    assert index.etab == world.etab_a and len(index.teachers) == 5
    assert [r.label for r in index.rooms] == ["B12", "CDI", "S101", "S102"]
    assert len(index.regroupements) == 3
    # Every room read once, not once per séance moved to it.
    assert not [q["sql"] for q in ctx.captured_queries if '"viescolaire_seance"."date"' in q["sql"]]
    # Each with the header's unread notifications.
    with django_assert_max_num_queries(6):
        client.get(reverse("viescolaire:timetable"))
    with django_assert_max_num_queries(10):
        client.get(reverse("viescolaire:timetable"), mine)

"""The parent's « Travail à faire » reads in the same number of queries whatever the amount
of homework; so do the teacher's week and the pupil's contents."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.viescolaire.conftest import MONDAY, make_cours, make_seance
from viescolaire.cahier import services

# Session, person, roles, children (3), homework, files, ticks, the header's bell.
PINNED_TRAVAIL = 10


def _give(world, timetable, types, count, start=0):
    """``count`` homework items for 3A, spread over the fortnight, each with a file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    courses = [make_cours(world.etab_a, day=1 + n % 5, start=(13, 0), end=(14, 0),
                          label=f"MATIERE {n % 7}", teachers=[world.teacher_a],
                          regs=[world.div_3a]) for n in range(start, start + count)]
    for n, cours in enumerate(courses):
        seance = make_seance(cours, MONDAY + dt.timedelta(days=n % 5))
        devoir = services.devoir_save(
            seance=seance, acting_user=world.teacher_a, type=types["Exercices"], minutes=10,
            description=f"Travail {n}", publish="maintenant",
            due_date=MONDAY + dt.timedelta(days=5 + n % 8))
        services.pieces_add(owner=world.teacher_a, devoir=devoir,
                            uploads=[SimpleUploadedFile(f"f{n}.pdf", b"x")])
        if n % 2:
            services.devoir_mark_done(devoir=devoir, eleve=world.pupil_a, done=True)
        services.contenu_save(seance=seance, acting_user=world.teacher_a, title=f"Séance {n}",
                              body="Contenu", publish="maintenant")


def _count(client, url, query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
    assert response.status_code == 200
    return len(queries), response


def test_the_parents_travail_reads_in_fixed_queries(world, timetable, types, login,
                                                    django_assert_max_num_queries):
    client = login(world.parent_a)
    url, query = reverse("cahier:travail"), {"semaine": MONDAY.isoformat()}
    _give(world, timetable, types, 10)
    client.get(url, query)  # what the portal caches across requests (login blocks) is read
    ten, response = _count(client, url, query)
    assert response.content.decode().count('id="travail-') == 10
    _give(world, timetable, types, 90, start=10)
    hundred, response = _count(client, url, query)
    assert response.content.decode().count('id="travail-') == 100
    assert ten == hundred
    with django_assert_max_num_queries(PINNED_TRAVAIL):
        client.get(url, query)


def test_the_teachers_week_and_the_contents_read_in_fixed_queries(world, timetable, types,
                                                                  login):
    teacher = login(world.teacher_a)
    week = (reverse("cahier:teacher_week"), {"semaine": MONDAY.isoformat()})
    _give(world, timetable, types, 5)
    _count(teacher, *week)
    few = _count(teacher, *week)[0]
    _give(world, timetable, types, 40, start=5)
    many = _count(teacher, *week)[0]
    assert few == many
    pupil = login(world.pupil_a)
    contents = (reverse("cahier:contenus"), {"jusquau": "2025-09-30"})
    _count(pupil, *contents)
    before = _count(pupil, *contents)[0]
    _give(world, timetable, types, 30, start=45)
    assert _count(pupil, *contents)[0] == before

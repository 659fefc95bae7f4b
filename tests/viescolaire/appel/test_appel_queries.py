"""The roll call's sheet, a tap, a validation and the board read and write in the same number
of queries for a class of 2 and of 35 pupils."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annuaire.models import Population, Profile, Role
from tests.factories import InscriptionFactory, ParenteFactory, PersonFactory, RoleFactory

from .conftest import marks_post

pytestmark = pytest.mark.django_db

SHEET_MAX_QUERIES = 20
VALIDATE_MAX_QUERIES = 45
BOARD_MAX_QUERIES = 14


def _grow(world, total):
    have = 2
    for n in range(have, total):
        pupil = PersonFactory(population=Population.ELEVE, profile=Profile.ELEVE,
                              last_name=f"Eleve{n:02d}")
        RoleFactory(person=pupil, etablissement=world.etab_a, role=Role.Kind.ELEVE)
        InscriptionFactory(eleve=pupil, regroupement=world.div_3a)
        ParenteFactory(eleve=pupil)


def _count(client, method, url, data=None, **extra):
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data or {}, **extra)
    assert response.status_code in (200, 302), response.status_code
    import os
    if os.environ.get("DEBUG_Q"):
        print("----", url, len(ctx.captured_queries))
        for q in ctx.captured_queries:
            print(q["sql"][:150])
    return len(ctx.captured_queries)


def _measure(world, today, login):
    from viescolaire.appel.models import Absence, Appel, Marque

    Marque.objects.all().delete()
    Appel.objects.all().delete()
    Absence.objects.all().delete()
    client = login(world.teacher_a)
    sheet = reverse("appel:sheet", args=[today.seance.pk])
    # Léa and Noé, each with a legal guardian to tell, whatever the class's size.
    pupils = [world.pupil_a.pk, world.pupil_a2.pk]
    client.get(reverse("home"))
    counts = {"sheet": _count(client, "get", sheet)}
    tap = reverse("appel:pupil_save", args=[today.seance.pk, pupils[0]])
    counts["tap"] = _count(client, "post", tap, {"version": "0", f"absent-{pupils[0]}": "1"},
                           HTTP_HX_REQUEST="true")
    post = marks_post(1)
    post[f"absent-{pupils[0]}"] = "1"
    post[f"retard-{pupils[1]}"] = "1"
    counts["validate"] = _count(client, "post", sheet, post)
    counts["sheet_done"] = _count(client, "get", sheet)
    cpe = login(world.cpe_a)
    cpe.get(reverse("home"))
    counts["board"] = _count(cpe, "get", reverse("appel:board", args=[world.etab_a.pk]))
    return counts


def test_query_counts_do_not_grow_with_the_class(world, today, login,
                                                 django_assert_max_num_queries):
    ParenteFactory(eleve=world.pupil_a2)
    small = _measure(world, today, login)
    _grow(world, 35)
    large = _measure(world, today, login)
    assert small == large
    assert small["sheet"] <= SHEET_MAX_QUERIES
    assert small["validate"] <= VALIDATE_MAX_QUERIES
    assert small["board"] <= BOARD_MAX_QUERIES
    client = login(world.teacher_a)
    with django_assert_max_num_queries(SHEET_MAX_QUERIES):
        client.get(reverse("appel:sheet", args=[today.seance.pk]))

"""Queries of the timetable import's pages: bounded whatever the data size."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imports.models import TimetableImport


def _big_bilan(n):
    return {"counts": {"courses": n},
            "lists": {"teachers_unmatched": [f"PROF{i} Nom" for i in range(n)]}}


def test_progress_poll_never_reads_the_bilan(world, login):
    w = world
    client = login(w.principal_a)
    imp = TimetableImport.objects.create(etablissement=w.etab_a, bilan=_big_bilan(20_000),
                                         status=TimetableImport.Status.ANALYSE)
    url = reverse("imports:progress", args=[w.etab_a.pk, imp.pk])
    client.get(url)  # the first request of a session reads what later ones have cached
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200 and "HX-Refresh" not in response
    assert "En attente d'un processus d'analyse" in response.content.decode()
    reads = [q["sql"] for q in ctx.captured_queries if "imports_timetableimport" in q["sql"]]
    assert reads, "the poll reads the import's status"
    assert not any('"bilan"' in sql for sql in reads), reads
    assert len(ctx) <= 5, [q["sql"] for q in ctx.captured_queries]
    TimetableImport.objects.filter(pk=imp.pk).update(status=TimetableImport.Status.BILAN)
    done = client.get(url)
    assert done["HX-Refresh"] == "true"
    assert "Terminé : bilan préliminaire prêt." in done.content.decode()


def test_saving_rapprochements_costs_the_same_for_n_rows_and_3n(world, login):
    from annuaire.models import Profile, Regroupement, Role
    from imports.models import Rapprochement
    from tests.factories import MatiereFactory, PersonFactory, RegroupementFactory, RoleFactory

    w = world
    client = login(w.principal_a)
    url = reverse("imports:rapprochements", args=[w.etab_a.pk])
    teachers, divisions, groups, subjects = [], [], [], []
    for n in range(30):
        teacher = PersonFactory(profile=Profile.ENSEIGNANT)
        RoleFactory(person=teacher, etablissement=w.etab_a, role=Role.Kind.ENSEIGNANT)
        teachers.append(teacher)
        divisions.append(RegroupementFactory(etablissement=w.etab_a, code=f"D{n}"))
        groups.append(RegroupementFactory(etablissement=w.etab_a, code=f"G{n}",
                                          nature=Regroupement.Nature.GROUPE))
        subjects.append(MatiereFactory(code=f"9{n:05d}"))

    def form(count, shift=0):
        data = {}
        for n in range(count):
            pick = (n + shift) % count
            for kind, target in (("teacher", teachers[pick].pk), ("division", divisions[pick].pk),
                                 ("group", groups[pick].pk), ("subject", subjects[pick].pk),
                                 ("teacher", "ignore")):
                row = len(data) // 4
                key = f"{kind}{n}" if target != "ignore" else f"ignored{n}"
                data.update({f"kind-{row}": kind, f"key-{row}": key, f"label-{row}": key,
                             f"target-{row}": str(target)})
        return data

    def count(data):
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(url, data)
        assert response.status_code == 302 and response["Location"] == url
        return len(ctx)

    client.get(url)  # the first request of a session reads what later ones have cached
    small = count(form(10))
    assert Rapprochement.objects.count() == 50
    big = count(form(30))
    assert Rapprochement.objects.count() == 150
    # SQLite takes at most max_query_params parameters a statement: Django splits the upsert
    # of 150 rows in two batches there. PostgreSQL writes them in one.
    slack = 0 if connection.features.max_query_params is None else 1
    assert small <= big <= small + slack, (small, big)
    # Changing every choice (updates, not inserts) costs the same again.
    assert count(form(30, shift=1)) == big
    link = Rapprochement.objects.get(kind="teacher", source_key="teacher0")
    assert link.person == teachers[1] and link.updated_by == w.principal_a
    assert Rapprochement.objects.get(kind="subject", source_key="subject29").matiere == subjects[0]
    assert Rapprochement.objects.filter(ignored=True).count() == 30
    # One row out of reach among 150 refuses them all.
    refused = form(30, shift=2)
    assert refused["kind-1"] == "division"
    refused["target-1"] = str(w.div_b_3a.pk)
    assert count(refused) <= small
    assert Rapprochement.objects.get(kind="teacher", source_key="teacher0").person == teachers[1]


def test_establishments_listing_is_bounded_for_the_academy_admin(world, login,
                                                                 django_assert_max_num_queries):
    from tests.factories import EtablissementFactory

    client = login(world.academy_admin)
    url = reverse("imports:home")

    def count(params=None):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, params or {})
        assert response.status_code == 200
        return len(ctx), response.context["page"]

    client.get(url)  # the first request of a session reads what later ones have cached
    EtablissementFactory.create_batch(18)
    small, page = count()
    assert page.paginator.count == 20
    EtablissementFactory.create_batch(40)
    big, page = count()
    assert page.paginator.count == 60 and len(page.object_list) == 50
    assert big == small, (small, big)
    last, page = count({"page": 2})
    assert last == small and len(page.object_list) == 10
    with django_assert_max_num_queries(6):  # 5, and the header's unread notifications
        client.get(url, {"q": "college"})

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

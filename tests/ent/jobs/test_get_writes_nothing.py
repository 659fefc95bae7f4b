"""A GET never writes: the progress boxes polled every second, and the pages around them, only
read, even over a job whose worker died (the reaper settles it, from beat)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annuaire.models import AafImport, LetterBatch, SiecleImport
from imports.models import TimetableImport

from .conftest import heartbeat_stopped

pytestmark = pytest.mark.django_db
WRITES = ("INSERT", "UPDATE", "DELETE")


def _jobs(world, tmp_path):
    aaf = AafImport.objects.create(paths=[str(tmp_path)], created_by=world.academy_admin,
                                   status=AafImport.Status.RUNNING)
    siecle = SiecleImport.objects.create(etablissement=world.etab_a,
                                         created_by=world.academy_admin,
                                         status=SiecleImport.Status.RUNNING)
    batch = LetterBatch.objects.create(etablissement=world.etab_a, created_by=world.principal_a,
                                       scope="Tous les parents",
                                       status=LetterBatch.Status.EN_COURS)
    timetable = TimetableImport.objects.create(etablissement=world.etab_a,
                                               uploaded_by=world.principal_a)
    validation = TimetableImport.objects.create(
        etablissement=world.etab_a, uploaded_by=world.principal_a,
        status=TimetableImport.Status.VALIDATION, decided_by=world.principal_a)
    return [
        (world.academy_admin, aaf, ["annuaire:import_progress", "annuaire:import"], [aaf.pk]),
        (world.academy_admin, siecle,
         ["annuaire:siecle_import_progress", "annuaire:siecle_import"], [siecle.pk]),
        (world.principal_a, batch, ["annuaire:letter_batch_progress", "annuaire:letter_batch"],
         [world.etab_a.pk, batch.pk]),
        (world.principal_a, timetable, ["imports:progress", "imports:detail"],
         [world.etab_a.pk, timetable.pk]),
        (world.principal_a, validation, ["imports:progress", "imports:detail", "imports:etab"],
         [world.etab_a.pk, validation.pk]),
    ]


@pytest.mark.parametrize("dead", [False, True], ids=["alive", "dead"])
def test_a_get_of_a_job_s_pages_writes_nothing(world, login, tmp_path, dead):
    for person, job, names, args in _jobs(world, tmp_path):
        if dead:
            heartbeat_stopped(job)
        client = login(person)
        for name in names:
            url = reverse(name, args=args[:1] if name == "imports:etab" else args)
            client.get(url)  # the session's first request may cache what later ones read
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            assert response.status_code == 200, url
            writes = [q["sql"] for q in ctx.captured_queries
                      if q["sql"].lstrip().upper().startswith(WRITES)]
            assert writes == [], (url, writes)
        status = job.status
        job.refresh_from_db()
        assert job.status == status, job

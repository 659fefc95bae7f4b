"""A SIECLE / STS-web run on a real Celery worker, then the same task delivered twice."""

import time

import pytest

from annuaire.models import Person, SiecleImport
from annuaire.siecle import services
from annuaire.tasks import siecle_import_task
from tests.annuaire.siecle.conftest import FIXTURES, SET, give_siecle_ids

pytestmark = pytest.mark.integration


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"délai dépassé : {what}")


def test_a_real_worker_applies_once(celery_worker, world):
    w = give_siecle_ids(world)
    imp = services.siecle_import_create(etab=w.etab_a, paths=[FIXTURES / n for n in SET],
                                        origin=SiecleImport.Origin.CLI)
    celery_worker()
    siecle_import_task.delay(imp.pk)
    wait_for(lambda: SiecleImport.objects.get(pk=imp.pk).status == SiecleImport.Status.APPLIED,
             60, "import appliqué")
    imp.refresh_from_db()
    assert imp.rows_written > 0 and imp.attempts == 1
    assert Person.objects.get(pk=w.pupil_a.pk).ine == "00000000123"
    # Delivered again (acks_late): a finished run is left as it is.
    siecle_import_task.delay(imp.pk).get(timeout=30)
    imp.refresh_from_db()
    assert imp.attempts == 1 and imp.status == SiecleImport.Status.APPLIED

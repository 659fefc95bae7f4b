"""A real worker killed in the middle of an import, then the task delivered again."""

import time

import pytest
from django.core.management import call_command

from annuaire import services
from annuaire.models import AafImport, Parente, Person, Role
from annuaire.progress import progress_get
from annuaire.tasks import aaf_import_task

pytestmark = pytest.mark.integration


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"délai dépassé : {what}")


def directory_snapshot():
    return (
        Person.objects.count(),
        Role.objects.count(),
        Parente.objects.count(),
        sorted(Person.objects.values_list("aaf_id", "login"))[:50],
    )


@pytest.fixture
def academie(tmp_path):
    out = tmp_path / "complet"
    call_command("generate_aaf", str(out), "--accounts", "6000", "--seed", "7",
                 verbosity=0)
    return out


@pytest.mark.parametrize("phase", ["Lecture des fichiers", "Application à l'annuaire"])
def test_killed_worker_leaves_nothing_then_rerun_imports_exactly_once(
        celery_worker, academie, phase):
    imp = services.aaf_import_create(paths=[academie], origin=AafImport.Origin.CLI)
    worker = celery_worker()
    aaf_import_task.delay(imp.pk)
    wait_for(lambda: (progress_get(kind="aaf", pk=imp.pk) or {}).get("phase") == phase,
             120, f"phase « {phase} »")
    worker.kill()
    imp.refresh_from_db()
    assert imp.status == AafImport.Status.RUNNING
    assert Person.objects.count() == 0, "un import interrompu ne doit rien laisser"

    # The task runs again (the broker may also hand the unacknowledged message to the next
    # worker: the import lock and the import's status make that second run a no-op).
    celery_worker()
    aaf_import_task.delay(imp.pk)
    wait_for(lambda: AafImport.objects.get(pk=imp.pk).status == AafImport.Status.APPLIED,
             180, "import rejoué jusqu'au bout")
    imp.refresh_from_db()
    assert imp.attempts >= 2
    persons = sum(f["records"] for f in imp.report["files"]
                  if f["population"] in ("Eleve", "PersRelEleve", "PersEducNat"))
    assert Person.objects.filter(aaf_id__isnull=False).count() == persons
    assert Person.objects.values("login").distinct().count() == Person.objects.count()
    first = directory_snapshot()

    # The same files once more: nothing to write, the directory is exactly that of one import.
    again = services.aaf_import_create(paths=[academie], origin=AafImport.Origin.CLI)
    aaf_import_task.delay(again.pk)
    wait_for(lambda: AafImport.objects.get(pk=again.pk).status == AafImport.Status.APPLIED,
             180, "second import")
    again.refresh_from_db()
    assert again.report["rows_written"] == 0
    assert again.report["counts"]["Eleve"]["created"] == 0
    assert directory_snapshot() == first


def test_second_import_is_refused_while_one_runs(celery_worker, academie):
    imp = services.aaf_import_create(paths=[academie], origin=AafImport.Origin.CLI)
    worker = celery_worker()
    aaf_import_task.delay(imp.pk)
    wait_for(lambda: AafImport.objects.get(pk=imp.pk).status == AafImport.Status.RUNNING,
             60, "import en cours")
    with pytest.raises(services.ImportBusy, match="Un import AAF est déjà en cours"):
        services.aaf_import_create(paths=[academie], origin=AafImport.Origin.CLI)
    wait_for(lambda: AafImport.objects.get(pk=imp.pk).status == AafImport.Status.APPLIED,
             180, "fin de l'import")
    worker.stop()

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def aaf_import_task(import_id):
    """Idempotent: an import already finished is left as it is; a killed one runs again."""
    services.aaf_import_execute(import_id=import_id)


@shared_task(acks_late=True)
def accounts_purge_task():
    services.accounts_purge(origin="beat")


@shared_task(acks_late=True, reject_on_worker_lost=True)
def siecle_import_task(import_id):
    """Idempotent: a finished run is left as it is; writes compare with what is stored."""
    from .siecle.services import siecle_import_execute

    siecle_import_execute(import_id=import_id)

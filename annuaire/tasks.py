from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def aaf_import_task(import_id):
    """Idempotent: an import already finished is left as it is; a killed one runs again."""
    services.aaf_import_execute(import_id=import_id)


@shared_task(acks_late=True)
def accounts_purge_task():
    services.accounts_purge(origin="beat", acting_user=None)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def letter_batch_task(batch_id):
    """Idempotent: a finished batch is left alone; a killed one is rendered again."""
    from .activation.services import letter_batch_render

    letter_batch_render(batch_id=batch_id)


@shared_task(acks_late=True)
def letter_files_expire_task():
    from .activation.services import letter_files_expire

    letter_files_expire()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def siecle_import_task(import_id):
    """Idempotent: a finished run is left as it is; writes compare with what is stored."""
    from .siecle.services import siecle_import_execute

    siecle_import_execute(import_id=import_id)

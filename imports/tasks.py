from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def timetable_import_task(import_id):
    """Idempotent: an import already analysed or decided is left as it is; a killed analysis
    runs again (it writes nothing but the import's row)."""
    from .services import timetable_import_execute

    timetable_import_execute(import_id=import_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def timetable_validate_task(import_id, attempt=None):
    """Idempotent: only the claim of « Valider » it was queued for (``attempt``) is applied,
    in one transaction; a claim put back to its bilan, or made again since, is left alone.
    Without ``attempt`` (a message queued before claims were numbered): whichever claim stands.
    """
    from .services import timetable_validate_execute

    timetable_validate_execute(import_id=import_id, attempt=attempt)

from celery import shared_task


@shared_task(acks_late=True)
def appel_families_notify_task(appel_id):
    """Reloads by id and tells the families; rerun-safe (each mark is told once)."""
    from .services import appel_families_notify

    return appel_families_notify(appel_id=appel_id)

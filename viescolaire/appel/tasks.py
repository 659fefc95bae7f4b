from celery import shared_task


@shared_task(acks_late=True)
def appel_families_notify_task(appel_id):
    """Reloads by id and tells the families; rerun-safe (each mark is told once)."""
    from .services import appel_families_notify

    return appel_families_notify(appel_id=appel_id)


@shared_task(acks_late=True)
def appels_forgotten_task():
    """Beat: teachers reminded of their roll calls not taken (once per séance)."""
    from .services import appels_forgotten_notify

    return appels_forgotten_notify()

from celery import shared_task


@shared_task(acks_late=True)
def audit_events_purge_task():
    """Nightly: the journal's events past the retention delay. Rerun-safe (a delete)."""
    from .services import audit_events_purge

    return audit_events_purge()

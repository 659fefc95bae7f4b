from celery import shared_task


@shared_task(acks_late=True)
def jobs_reap_task():
    """Every minute (beat): settle the jobs whose worker died. Idempotent: a reaped job is
    no longer queued or running, so a second run finds nothing."""
    from .services import jobs_reap

    return len(jobs_reap())

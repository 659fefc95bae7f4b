from celery import shared_task


@shared_task(acks_late=True)
def uploads_purge_task():
    """Hourly: the files of imports ended long enough ago, and the leftovers of the store."""
    from annuaire.services import aaf_uploads_expire
    from annuaire.siecle.services import siecle_uploads_expire
    from imports.services import timetable_uploads_expire

    from .uploads import uploads_purge

    in_use = aaf_uploads_expire() | siecle_uploads_expire() | timetable_uploads_expire()
    return uploads_purge(in_use=in_use)


# Registered with the worker here: ``autodiscover_tasks`` looks at each app's ``tasks``.
from .jobs.tasks import jobs_reap_task  # noqa: E402, F401

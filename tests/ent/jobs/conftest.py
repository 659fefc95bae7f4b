import time
from unittest import mock

from django.conf import settings

from ent.jobs import progress


def heartbeat_stopped(job):
    """``job``'s worker stopped reporting long enough ago to be dead (a SIGKILL): its last
    heartbeat, and the times its row keeps, set back."""
    from django.utils import timezone

    ago = settings.ENT_IMPORT_STALE_SECONDS + 60
    with mock.patch.object(progress.time, "time", return_value=time.time() - ago):
        progress.progress_set(kind=job.PROGRESS_KIND, pk=job.pk, phase="En cours",
                              fraction=0.5)
    then = timezone.now() - timezone.timedelta(seconds=ago)
    type(job).objects.filter(pk=job.pk).update(created_at=then, started_at=then)
    job.refresh_from_db()

"""One lifecycle for every background job (imports, completions, letters, later mass sends).

How a new job uses it (a mass send, say)::

    # models.py
    class MassSend(Job):
        class Status(models.TextChoices):
            QUEUED = "en_attente", "En attente"
            RUNNING = "en_cours", "En cours"
            DONE = "envoye", "Envoyé"
            FAILED = "echec", "Échec"

        PROGRESS_KIND = "mass_send"
        QUEUED_STATUSES = (Status.QUEUED,)
        RUNNING_STATUSES = (Status.RUNNING,)
        RUNNING_STATUS, FAILED_STATUS = Status.RUNNING, Status.FAILED
        ACTOR_FIELD, ETAB_FIELD = "created_by", "etablissement"
        status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
        created_by = ...; etablissement = ...

    # services.py: queue it (the web side, in the request's transaction)
    send = MassSend.objects.create(...)
    job_enqueued(job=send)
    transaction.on_commit(lambda: mass_send_task.delay(send.pk))

    # services.py: run it (the task only reloads by id and calls this)
    send = MassSend.objects.get(pk=send_id)
    if not job_claim(job=send):         # one conditional UPDATE: queued, or running and dead
        return                          # another worker has it, or it ended: nothing to do
    with Heartbeat(kind=send.PROGRESS_KIND, pk=send.pk):
        for done, batch in enumerate(batches, 1):
            ...                         # idempotent: a rerun after a kill skips what is done
            progress_count(kind=send.PROGRESS_KIND, pk=send.pk, phase="Envoi",
                           done=done, total=len(batches))
    job_finish(job=send, status=MassSend.Status.DONE)
    job_end_notify(job=send)            # ent.notifications.jobs: say how it ended

    # views.py: the progress box polled every second only reads
    progress_get(kind=MassSend.PROGRESS_KIND, pk=send.pk)

What it gives:

- ``models.Job``: the abstract base (created/started/finished, attempts, French error) and the
  statuses each job declares;
- ``services.job_claim``: the one claim idiom, a conditional UPDATE on (status, attempts);
- ``progress``: progress and heartbeat in the cache (``progress_set``, ``progress_count``,
  ``Heartbeat``), read by the pages without a write;
- ``services.job_finish``: the end of a claimed run;
- ``services.jobs_reap``: run every minute by beat (``ent.jobs.tasks.jobs_reap_task``),
  settles the jobs whose heartbeat stopped for ENT_IMPORT_STALE_SECONDS (queued:
  ENT_IMPORT_QUEUED_STALE_SECONDS) and notifies their launcher. It marks them failed (a
  timetable validation goes back to its bilan) rather than requeue them: a killed worker's
  message is delivered again by the broker (``acks_late``), the reaper is for the jobs nobody
  will come back for.
- Uploads a job reads go through ``ent.uploads`` (streamed, one folder per upload, capped,
  deleted when the job ends or by the hourly purge after ENT_UPLOAD_RETRY_HOURS).

A GET never writes: pages read the row and the progress channel; only the reaper, a worker or
a POST settles a job.
"""

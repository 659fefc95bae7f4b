"""Writes of the SIECLE / STS-web completion: register, queue, run an import."""

import logging
import shutil
import tempfile
import time
from pathlib import Path

from django.db import IntegrityError, transaction

from ent import uploads
from ent.audit.services import audit_record
from ent.errors import ApplicationError
from ent.jobs.services import job_claim, job_enqueued, job_finish, jobs_reap
from ent.lib.tasks import enqueue_on_commit
from ent.notifications.jobs import job_end_notify

from ..models import SiecleImport, SiecleIssue
from ..progress import Heartbeat, progress_set
from . import pipeline
from .parser import SiecleFileError

logger = logging.getLogger(__name__)

PROGRESS_KIND = "siecle"
PHASE_WEIGHTS = {"lecture": (0.0, 0.6), "application": (0.6, 1.0)}
PHASE_LABELS = {"lecture": "Lecture des fichiers", "application": "Application à l'annuaire"}


class SiecleImportBusy(ApplicationError):
    """Another run of the same establishment is queued or running."""


def siecle_imports_expire_stale():
    """Mark as failed the runs whose worker stopped reporting (a killed worker): the reaper
    of every job, for this one, before a new run of the establishment is refused as busy."""
    return jobs_reap(model=SiecleImport)


def siecle_import_create(*, etab, paths, source_dir="", user=None,
                         origin=SiecleImport.Origin.WEB):
    siecle_imports_expire_stale()
    try:
        with transaction.atomic():
            return SiecleImport.objects.create(
                etablissement=etab, paths=[str(p) for p in paths], source_dir=str(source_dir),
                created_by=user, origin=origin)
    except IntegrityError as exc:
        raise SiecleImportBusy(
            f"Un import SIECLE / STS-web de {etab.name} est déjà en cours : attendez qu'il se "
            "termine avant d'en lancer un autre.") from exc


def siecle_upload_store(*, uploaded_files):
    """Save an upload in the store (``ent.uploads``), refused whole past
    ENT_SIECLE_MAX_UPLOAD_MB, whatever the sizes say."""
    try:
        folder, _stored = uploads.upload_save(kind="siecle", files=uploaded_files)
    except uploads.UploadRefused as exc:
        raise pipeline.SiecleImportError(str(exc)) from exc
    return folder


def siecle_import_start(*, etab, uploaded_files, acting_user):
    """Store an upload, register its run and queue it for a worker."""
    folder = siecle_upload_store(uploaded_files=uploaded_files)
    try:
        imp = siecle_import_create(etab=etab, paths=[folder], source_dir=folder,
                                   user=acting_user)
    except SiecleImportBusy:
        uploads.upload_delete(folder)
        raise
    audit_record(acting_user=acting_user, action="siecle_import_start", etab=etab, details={
        "import": imp.pk, "files": [getattr(f, "name", str(f)) for f in uploaded_files]})
    siecle_import_enqueue(imp)
    return imp


def siecle_import_enqueue(imp):
    from ..tasks import siecle_import_task

    job_enqueued(job=imp, phase="attente")
    enqueue_on_commit(siecle_import_task, imp.pk)


def _progress_writer(pk, echo=None):
    last = [0.0]

    def write(phase, fraction, detail=""):
        if echo:
            echo(phase, fraction, detail)
        now = time.monotonic()
        if now - last[0] < 0.5 and fraction < 1:
            return
        last[0] = now
        start, end = PHASE_WEIGHTS.get(phase, (0.0, 1.0))
        progress_set(kind=PROGRESS_KIND, pk=pk, phase=PHASE_LABELS.get(phase, phase),
                     fraction=start + (end - start) * fraction, detail=detail)

    return write


def siecle_import_execute(*, import_id, progress=None, today=None):
    """Run a queued run to its end; a run already finished is left as it is."""
    imp = SiecleImport.objects.select_related("etablissement").get(pk=import_id)
    # Queued, or running when its message comes again after a kill: the run is one
    # transaction, so the killed one left nothing.
    if not job_claim(job=imp):
        return imp
    workdir = Path(tempfile.mkdtemp(prefix=f"siecle-{imp.pk}-"))
    try:
        with Heartbeat(kind=PROGRESS_KIND, pk=imp.pk), transaction.atomic():
            report, issues = pipeline.run(
                etab=imp.etablissement, paths=imp.paths, workdir=workdir,
                progress=_progress_writer(imp.pk, progress), today=today)
            SiecleIssue.objects.filter(siecle_import=imp).delete()
            SiecleIssue.objects.bulk_create(
                [SiecleIssue(siecle_import=imp, **_issue_fields(i)) for i in issues],
                batch_size=2000)
            _finish(imp, SiecleImport.Status.APPLIED, report=report)
    except (SiecleFileError, pipeline.SiecleImportError) as exc:
        _finish(imp, SiecleImport.Status.FAILED, error=str(exc), report={
            "status": "failed", "error": str(exc), "file": getattr(exc, "file", None),
            "line": getattr(exc, "line", None)})
    except Exception:
        logger.exception("SIECLE import %s failed", imp.pk)
        _finish(imp, SiecleImport.Status.FAILED,
                error="Erreur interne pendant l'import : rien n'a été écrit dans l'annuaire. "
                      "Les administrateurs techniques en ont le détail dans les journaux.",
                report={"status": "failed"})
        raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return imp


def _issue_fields(issue):
    fields = {k: issue.get(k) or "" for k in ("level", "population", "file", "identifier",
                                                "name", "message")}
    fields["line"] = issue.get("line") or None
    for name in ("population", "file", "identifier", "name"):
        fields[name] = fields[name][:SiecleIssue._meta.get_field(name).max_length]  # type: ignore[union-attr]
    return fields


def _finish(imp, status, *, report, error=""):
    if imp.origin == SiecleImport.Origin.WEB and imp.source_dir:
        # The uploaded exports hold pupils' and parents' personal data: once the run has
        # ended (a killed worker never gets here, so its redelivered task still finds them),
        # the report is all that is kept.
        uploads.upload_delete(imp.source_dir)
        imp.source_dir = ""
    job_finish(job=imp, status=status, error=error, report=report,
               files=report.get("files", imp.files),
               rows_written=report.get("rows_written", 0) or 0, source_dir=imp.source_dir)
    job_end_notify(job=imp)


def siecle_uploads_expire():
    """For the beat purge: the upload folders of runs queued or running. A run that ended
    without deleting its files (a worker killed for good) has them deleted now."""
    web = SiecleImport.objects.filter(origin=SiecleImport.Origin.WEB).exclude(source_dir="")
    for imp in web.exclude(status__in=SiecleImport.ACTIVE_STATUSES).only("pk", "source_dir"):
        uploads.upload_delete(imp.source_dir)
        SiecleImport.objects.filter(pk=imp.pk).update(source_dir="")
    return set(web.filter(status__in=SiecleImport.ACTIVE_STATUSES).values_list(
        "source_dir", flat=True))

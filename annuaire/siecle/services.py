"""Writes of the SIECLE / STS-web completion: register, queue, run an import."""

import logging
import shutil
import tempfile
import time
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from ent import uploads
from ent.audit.services import audit_record
from ent.errors import ApplicationError
from ent.lib.tasks import enqueue_on_commit
from ent.notifications.jobs import job_end_notify

from ..models import SiecleImport, SiecleIssue
from ..progress import Heartbeat, progress_set, progress_stopped
from . import pipeline
from .parser import SiecleFileError

logger = logging.getLogger(__name__)

PROGRESS_KIND = "siecle"
PHASE_WEIGHTS = {"lecture": (0.0, 0.6), "application": (0.6, 1.0)}
PHASE_LABELS = {"lecture": "Lecture des fichiers", "application": "Application à l'annuaire"}


class SiecleImportBusy(ApplicationError):
    """Another run of the same establishment is queued or running."""


def siecle_imports_expire_stale():
    """Mark as failed the runs whose worker stopped reporting (a killed worker)."""
    for imp in SiecleImport.objects.filter(status__in=SiecleImport.ACTIVE_STATUSES):
        if progress_stopped(kind=PROGRESS_KIND, pk=imp.pk,
                            since=imp.started_at or imp.created_at):
            SiecleImport.objects.filter(pk=imp.pk, status=imp.status).update(
                status=SiecleImport.Status.FAILED, finished_at=timezone.now(),
                error="Import interrompu : le processus qui l'exécutait ne donne plus signe de "
                      "vie. Vous pouvez déposer les fichiers à nouveau.")


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

    progress_set(kind=PROGRESS_KIND, pk=imp.pk, phase="attente", fraction=0, queued=True)
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
    updated = SiecleImport.objects.filter(
        pk=import_id, status__in=SiecleImport.ACTIVE_STATUSES,
    ).update(status=SiecleImport.Status.RUNNING, started_at=timezone.now())
    imp = SiecleImport.objects.select_related("etablissement").get(pk=import_id)
    if not updated:
        return imp
    SiecleImport.objects.filter(pk=imp.pk).update(attempts=imp.attempts + 1)
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
    imp.status = status
    imp.report = report
    imp.error = error
    imp.files = report.get("files", imp.files)
    imp.rows_written = report.get("rows_written", 0) or 0
    imp.finished_at = timezone.now()
    if imp.origin == SiecleImport.Origin.WEB and imp.source_dir:
        # The uploaded exports hold pupils' and parents' personal data: once the run has
        # ended (a killed worker never gets here, so its redelivered task still finds them),
        # the report is all that is kept.
        uploads.upload_delete(imp.source_dir)
        imp.source_dir = ""
    imp.save(update_fields=["status", "report", "error", "files", "rows_written",
                            "finished_at", "source_dir"])
    progress_set(kind=PROGRESS_KIND, pk=imp.pk, phase="Terminé", fraction=1)
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

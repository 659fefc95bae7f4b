"""Writes to the directory: AAF imports, purges."""

import logging
import re
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Collection
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from ent import uploads
from ent.audit.services import audit_date, audit_etab_for, audit_record
from ent.errors import ApplicationError
from ent.jobs.services import job_claim, job_enqueued, job_finish, jobs_reap
from ent.lib.tasks import enqueue_on_commit
from ent.notifications.jobs import job_end_notify

from . import selectors
from .aaf import pipeline
from .aaf.errors import AafFileError, AafImportError
from .models import (
    AafImport,
    Enseignement,
    ImportIssue,
    Inscription,
    Person,
    ProfPrincipal,
    PurgeRun,
    Regroupement,
    Role,
    RoleSource,
)
from .progress import Heartbeat, progress_set

logger = logging.getLogger(__name__)

IMPORT_LOCK = 7263000
PHASE_WEIGHTS = {"lecture": (0.0, 0.7), "application": (0.7, 1.0)}
PHASE_LABELS = {"lecture": "Lecture des fichiers", "application": "Application à l'annuaire"}


class ImportBusy(ApplicationError):
    """Another AAF import of the same scope is queued or running."""


class ImportStateError(ApplicationError):
    """The import is not in a state that allows this action."""


def _busy_message(active):
    who = active.created_by.display_name if active.created_by else "la ligne de commande"
    when = timezone.localtime(active.created_at).strftime("%d/%m/%Y à %H:%M")
    return (f"Un import AAF est déjà en cours (n°{active.pk}, lancé par {who} le {when}) : "
            "attendez qu'il se termine avant d'en lancer un autre.")


def aaf_imports_expire_stale():
    """Mark as interrupted the active imports whose worker stopped reporting (the reaper of
    every job, for this one: a new import must not wait for beat to find the old one dead)."""
    return jobs_reap(model=AafImport)


def aaf_import_create(*, paths, source_dir="", user=None, simulate=False,
                      origin=AafImport.Origin.WEB):
    """Register an import; refused with ImportBusy while another one is queued or running."""
    aaf_imports_expire_stale()
    try:
        with transaction.atomic():
            return AafImport.objects.create(
                paths=[str(p) for p in paths], source_dir=str(source_dir), created_by=user,
                mode=AafImport.Mode.SIMULATE if simulate else AafImport.Mode.APPLY,
                origin=origin,
            )
    except IntegrityError as exc:
        active = AafImport.objects.filter(status__in=AafImport.ACTIVE_STATUSES).first()
        raise ImportBusy(_busy_message(active) if active else "Un import AAF est déjà en cours.") from exc


def aaf_upload_store(*, uploaded_files):
    """Save an upload in the store (``ent.uploads``); returns the folder. Refused whole past
    ENT_AAF_MAX_UPLOAD_MB, whatever the sizes say."""
    try:
        folder, _stored = uploads.upload_save(kind="aaf", files=uploaded_files)
    except uploads.UploadRefused as exc:
        raise AafImportError(str(exc)) from exc
    return folder


def aaf_import_start(*, uploaded_files, acting_user, simulate=False):
    """Store an upload, register its import and queue it for a worker."""
    folder = aaf_upload_store(uploaded_files=uploaded_files)
    try:
        imp = aaf_import_create(paths=[folder], source_dir=folder, user=acting_user,
                                simulate=simulate)
    except ImportBusy:
        uploads.upload_delete(folder)
        raise
    audit_record(acting_user=acting_user, action="aaf_import_start", details={
        "import": imp.pk, "simulate": simulate,
        "files": [getattr(f, "name", str(f)) for f in uploaded_files]})
    aaf_import_enqueue(imp)
    return imp


def aaf_import_enqueue(imp):
    from .tasks import aaf_import_task

    job_enqueued(job=imp, phase="attente")
    enqueue_on_commit(aaf_import_task, imp.pk)


def _progress_writer(pk):
    last = [0.0]

    def write(phase, fraction, detail=""):
        start, end = PHASE_WEIGHTS.get(phase, (0.0, 1.0))
        now = time.monotonic()
        # A few writes per second at most: the parser calls this on every read.
        if now - last[0] < 0.5 and fraction < 1:
            return
        last[0] = now
        progress_set(kind="aaf", pk=pk, phase=PHASE_LABELS.get(phase, phase),
                     fraction=start + (end - start) * fraction, detail=detail)

    return write


@contextmanager
def _one_import_at_a_time():
    """A PostgreSQL session lock around a whole import (staging tables are shared).

    The server releases it when the holder's connection dies, and the interval check makes an
    orphaned backend give up its statement within seconds of its worker being killed; a task
    delivered again meanwhile waits here, then finds its import done or takes it over.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET client_connection_check_interval = '2s'")
        cursor.execute("SELECT pg_advisory_lock(%s)", [IMPORT_LOCK])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [IMPORT_LOCK])


def aaf_import_execute(*, import_id, progress=None, reread=False):
    """Run a queued (or interrupted) import to its end. Safe to call again after a kill.

    ``reread`` reads every record even of a delivery identical to the last one applied.
    """
    with _one_import_at_a_time():
        return _execute(import_id, progress, reread)


def _execute(import_id, progress, reread):
    imp = AafImport.objects.get(pk=import_id)
    # Queued, or running when its message comes again after a kill (the advisory lock held
    # here makes sure no other run of it goes on).
    if not job_claim(job=imp):
        return imp
    writer = _progress_writer(imp.pk)

    def report_progress(phase, fraction, detail=""):
        writer(phase, fraction, detail)
        if progress:
            progress(phase, fraction, detail)

    workdir = Path(tempfile.mkdtemp(prefix=f"aaf-{imp.pk}-"))
    try:
        with Heartbeat(kind="aaf", pk=imp.pk):
            result = pipeline.run(
                imp.paths, workdir, simulate=imp.mode == AafImport.Mode.SIMULATE,
                force=imp.force, progress=report_progress, reread=reread,
            )
    except (AafFileError, AafImportError) as exc:
        _finish(imp, AafImport.Status.FAILED, error=str(exc), report={
            "status": "failed", "error": str(exc),
            "file": getattr(exc, "file", None), "line": getattr(exc, "line", None)})
        return imp
    except Exception:
        logger.exception("AAF import %s failed", imp.pk)
        _finish(imp, AafImport.Status.FAILED,
                error="Erreur interne pendant l'import : rien n'a été écrit dans l'annuaire. "
                      "Les administrateurs techniques en ont le détail dans les journaux.",
                report={"status": "failed"})
        raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    status = {
        "applied": AafImport.Status.APPLIED, "simulated": AafImport.Status.SIMULATED,
        "waiting": AafImport.Status.WAITING,
    }[result.status]
    with transaction.atomic():
        ImportIssue.objects.filter(aaf_import=imp).delete()
        ImportIssue.objects.bulk_create(
            [ImportIssue(aaf_import=imp, **_issue_fields(issue)) for issue in result.issues],
            batch_size=2000)
        _finish(imp, status, report=result.report)
    return imp


def _issue_fields(issue):
    fields = {
        "level": issue["level"], "code": issue.get("code", ""),
        "population": issue.get("population", "") or "", "file": issue.get("file", "") or "",
        "line": issue.get("line"), "identifier": issue.get("identifier", "") or "",
        "etab": issue.get("etab", "") or "", "message": issue.get("message", ""),
        "fix": issue.get("fix", ""),
    }
    # A rejected record may carry an identifier as long as the file wants.
    for name in ("code", "population", "file", "identifier", "etab"):
        fields[name] = fields[name][:ImportIssue._meta.get_field(name).max_length]  # type: ignore[union-attr]
    return fields


def _finish(imp, status, *, report, error=""):
    if status == AafImport.Status.APPLIED:
        # The delivery holds the whole académie's personal data: once applied, the report is
        # all that is kept. A simulation or a wait for confirmation keeps it until decided,
        # a failure for a retry (ENT_UPLOAD_RETRY_HOURS, then ``aaf_uploads_expire``).
        _upload_delete(imp)
    job_finish(job=imp, status=status, error=error, report=report,
               kind=report.get("kind", imp.kind or ""), files=report.get("files", imp.files),
               rows_written=report.get("rows_written", 0) or 0, source_dir=imp.source_dir)
    job_end_notify(job=imp)


def _upload_delete(imp):
    if imp.origin == AafImport.Origin.WEB and imp.source_dir:
        uploads.upload_delete(imp.source_dir)
        imp.source_dir = ""


def aaf_uploads_expire(*, now=None):
    """For the beat purge: the upload folders still needed, those of imports queued or
    running, waiting for a decision for less than ENT_UPLOAD_PENDING_DAYS, or failed less than
    ENT_UPLOAD_RETRY_HOURS ago (for a retry). The others' files are deleted now."""
    now = now or timezone.now()
    pending = now - timedelta(days=settings.ENT_UPLOAD_PENDING_DAYS)
    retry = now - timedelta(hours=settings.ENT_UPLOAD_RETRY_HOURS)
    needed = (Q(status__in=AafImport.ACTIVE_STATUSES)
              | Q(status__in=(AafImport.Status.WAITING, AafImport.Status.SIMULATED),
                  finished_at__gt=pending)
              | Q(status=AafImport.Status.FAILED, finished_at__gt=retry))
    web = AafImport.objects.filter(origin=AafImport.Origin.WEB).exclude(source_dir="")
    for imp in web.exclude(needed).only("pk", "origin", "source_dir"):
        _upload_delete(imp)
        AafImport.objects.filter(pk=imp.pk).update(source_dir="")
    return set(web.filter(needed).values_list("source_dir", flat=True))


def _newer_applied_exists(imp):
    return AafImport.objects.filter(
        status=AafImport.Status.APPLIED, finished_at__gt=imp.finished_at or imp.created_at,
    ).exclude(pk=imp.pk).exists()


def aaf_import_confirm(*, aaf_import, acting_user, enqueue=True):
    """Apply a simulated import, or one waiting for confirmation of its deactivations.

    ``enqueue=False`` leaves the queued import to the caller (the command line runs it itself:
    a worker must not run it at the same time).
    """
    if aaf_import.status not in (AafImport.Status.WAITING, AafImport.Status.SIMULATED):
        raise ImportStateError("Cet import ne peut plus être appliqué.")
    if not all(Path(p).exists() for p in aaf_import.paths):
        raise ImportStateError(FILES_GONE)
    if _newer_applied_exists(aaf_import):
        raise ImportStateError(
            "Un import plus récent a été appliqué depuis : relancez plutôt un import de ces "
            "fichiers pour partir de l'annuaire actuel.")
    force = aaf_import.status == AafImport.Status.WAITING or bool(
        aaf_import.report.get("deactivation_check"))
    aaf_imports_expire_stale()
    try:
        with transaction.atomic():
            updated = AafImport.objects.filter(
                pk=aaf_import.pk, status=aaf_import.status,
            ).update(status=AafImport.Status.QUEUED, mode=AafImport.Mode.APPLY, force=force,
                     decided_by=acting_user, finished_at=None)
    except IntegrityError as exc:
        raise ImportBusy("Un import AAF est déjà en cours : réessayez quand il sera terminé.") from exc
    if not updated:
        raise ImportStateError("Cet import vient d'être traité par quelqu'un d'autre.")
    aaf_import.refresh_from_db()
    audit_record(acting_user=acting_user, action="aaf_import_confirm",
                 details={"import": aaf_import.pk, "kind": aaf_import.kind})
    if enqueue:
        aaf_import_enqueue(aaf_import)
    return aaf_import


FILES_GONE = ("Les fichiers de cet import ne sont plus disponibles (ils sont supprimés après "
              "un délai) : déposez-les à nouveau.")


def aaf_import_cancel(*, aaf_import, acting_user):
    if aaf_import.status not in (AafImport.Status.WAITING, AafImport.Status.SIMULATED):
        raise ImportStateError("Seul un import simulé ou à confirmer peut être annulé.")
    updated = AafImport.objects.filter(pk=aaf_import.pk, status=aaf_import.status).update(
        status=AafImport.Status.CANCELLED, decided_by=acting_user)
    if not updated:
        raise ImportStateError("Cet import vient d'être traité par quelqu'un d'autre.")
    aaf_import.refresh_from_db()
    audit_record(acting_user=acting_user, action="aaf_import_cancel",
                 details={"import": aaf_import.pk, "kind": aaf_import.kind})
    _upload_delete(aaf_import)
    AafImport.objects.filter(pk=aaf_import.pk).update(source_dir=aaf_import.source_dir)
    return aaf_import


def aaf_import_retry(*, aaf_import, acting_user):
    """Queue again an import that failed (an interrupted worker, a fixed file)."""
    if aaf_import.status != AafImport.Status.FAILED:
        raise ImportStateError("Seul un import en échec peut être relancé.")
    if not aaf_import.source_dir and aaf_import.origin == AafImport.Origin.WEB:
        raise ImportStateError(FILES_GONE)
    aaf_imports_expire_stale()
    try:
        with transaction.atomic():
            AafImport.objects.filter(pk=aaf_import.pk).update(
                status=AafImport.Status.QUEUED, error="", decided_by=acting_user,
                finished_at=None)
            audit_record(acting_user=acting_user, action="aaf_import_retry",
                         details={"import": aaf_import.pk})
    except IntegrityError as exc:
        raise ImportBusy("Un import AAF est déjà en cours : réessayez quand il sera terminé.") from exc
    aaf_import.refresh_from_db()
    aaf_import_enqueue(aaf_import)
    return aaf_import


# --- Purge ----------------------------------------------------------------------------------
def _chunks(values, size=5000):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def accounts_purge(*, acting_user, now=None, origin="beat"):
    """Delete the accounts deactivated for longer than the delay; leave an audit row of counts
    (and a journal event, but for a nightly purge that found nothing). ``acting_user`` None:
    the beat or a command."""
    cutoff = selectors.purge_cutoff(now=now)
    doomed = selectors.accounts_due_for_purge(cutoff=cutoff)
    with transaction.atomic():
        run = _purge(doomed, delay=settings.ENT_PURGE_DELAY_DAYS, cutoff=cutoff, origin=origin,
                     user=acting_user)
        if run.total or acting_user is not None:
            from .presenters import purge_run_rows

            shown = purge_run_rows([run])[0]
            audit_record(acting_user=acting_user, action="accounts_purge", details={
                "total": run.total, "counts": dict(shown["counts"]),
                "origin": shown["origin"]})
    return run


def _purge(doomed, *, delay, cutoff, origin, user):
    with transaction.atomic():
        counts: Counter[str] = Counter()
        for population, n in doomed.values_list("population").annotate(n=Count("id")):
            counts[population] += n
        total = sum(counts.values())
        if total:
            # Only the classes and groups the purged people were in may go once empty: others
            # (made by hand, or awaiting a timetable) are not the purge's business.
            regroupements = sorted({
                *Inscription.objects.filter(eleve__in=doomed).values_list("regroupement_id", flat=True),
                *Enseignement.objects.filter(enseignant__in=doomed).values_list(
                    "regroupement_id", flat=True),
                *ProfPrincipal.objects.filter(enseignant__in=doomed).values_list(
                    "regroupement_id", flat=True),
            })
            aaf_ids = list(doomed.exclude(aaf_id=None).values_list("aaf_id", flat=True))
            doomed.delete()
            for chunk in _chunks(regroupements):
                Regroupement.objects.filter(
                    pk__in=chunk, inscriptions__isnull=True, enseignements__isnull=True,
                    profs_principaux__isnull=True,
                ).delete()
            # Import reports name the people they rejected or flagged: personal data too.
            for chunk in _chunks(aaf_ids):
                ImportIssue.objects.filter(identifier__in=chunk).delete()
        return PurgeRun.objects.create(
            delay_days=delay, cutoff=cutoff, total=total, counts=dict(counts), origin=origin,
            triggered_by=user,
        )


# --- Accounts -------------------------------------------------------------------------------
LOGIN_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9.\-]{0,78}[a-z0-9])?$")


class LoginError(ApplicationError):
    """A new login that cannot be given, with the reason in French."""


def person_login_rename(*, person, new_login, acting_user):
    """Give a person another login. Imports never change a login; an administrator may."""
    new_login = (new_login or "").strip().lower()
    if new_login == person.login:
        return person
    if not LOGIN_PATTERN.match(new_login):
        raise LoginError(
            "Un identifiant s'écrit en minuscules sans accents : lettres, chiffres, points et "
            "tirets, sans point ni tiret au début ni à la fin (80 caractères au plus).")
    with transaction.atomic():
        if Person.objects.select_for_update().filter(login=new_login).exists():
            raise LoginError(f"L'identifiant « {new_login} » est déjà pris.")
        old_login = person.login
        person.login = new_login
        person.save(update_fields=["login"])
        audit_record(acting_user=acting_user, action="login_rename", target=person,
                     etab=audit_etab_for(person=person, acting_user=acting_user),
                     details={"old_login": old_login, "new_login": new_login})
    return person


# --- Roles ----------------------------------------------------------------------------------
def role_grant(*, person, role, etab, acting_user, source=RoleSource.MANUEL):
    """Give ``person`` a role (in ``etab``; None for the académie's); returns the role and
    whether it is new. Granting a role already held changes nothing and is not journaled."""
    with transaction.atomic():
        found, created = Role.objects.get_or_create(
            person=person, etablissement=etab, role=role, defaults={"source": source})
        if created:
            audit_record(acting_user=acting_user, action="role_grant", target=person, etab=etab,
                         details={"role": Role.Kind(role).label,
                                  "scope": etab.name if etab else "toute l'académie"})
    return found, created


# --- Account states: suspension, reactivation, purge of one account --------------------------
class AccountStateError(ApplicationError):
    """An account state change that cannot be made, with the reason in French."""


def account_suspend(*, person, reason, acting_user):
    """Suspend one account where ``user`` decides (``annuaire.suspensions``): once every
    establishment that holds the person (or the académie) has, its sessions end at their next
    request and its logins are refused."""
    from .suspensions import SuspensionError, person_suspend

    reason = (reason or "").strip()
    if not reason:
        raise AccountStateError("Indiquez le motif de la suspension.")
    if person.deactivated_at:
        raise AccountStateError("Ce compte est désactivé : il n'y a rien à suspendre.")
    try:
        return person_suspend(person=person, reason=reason, acting_user=acting_user)
    except SuspensionError as exc:
        raise AccountStateError(str(exc)) from exc


def account_reinstate(*, person, acting_user):
    """Lift the suspensions of one account that ``user``'s level decided (or below)."""
    from .suspensions import SuspensionError, person_reinstate

    try:
        person_reinstate(person=person, acting_user=acting_user)
    except SuspensionError as exc:
        raise AccountStateError(str(exc)) from exc
    return person


def account_reactivate(*, person, acting_user):
    """Bring back an account deactivated by the feed, with its login, password and links.

    The feed decides in the end: a person still absent from the next « Complet » is
    deactivated again.
    """
    if not person.deactivated_at:
        raise AccountStateError("Ce compte n'est pas désactivé.")
    with transaction.atomic():
        deactivated_at = person.deactivated_at
        person.deactivated_at = None
        person.is_active = person.suspended_at is None
        person.save(update_fields=["deactivated_at", "is_active", "updated_at"])
        audit_record(acting_user=acting_user, action="account_reactivate", target=person,
                     etab=audit_etab_for(person=person, acting_user=acting_user),
                     details={"deactivated_at": audit_date(deactivated_at)})
    return person


def account_purge(*, person, acting_user):
    """Delete one deactivated account now, without waiting for the delay; audited like a purge.

    The journal keeps the person's name and login only (its event outlives the account)."""
    if not person.deactivated_at:
        raise AccountStateError("Seul un compte désactivé peut être purgé.")
    etab = audit_etab_for(person=person, acting_user=acting_user)
    doomed = Person.objects.filter(pk=person.pk, deactivated_at__isnull=False)
    with transaction.atomic():
        event = audit_record(acting_user=acting_user, action="account_purge", target=person,
                             etab=etab, details={"deactivated_at": audit_date(person.deactivated_at)})
        run = _purge(doomed, delay=settings.ENT_PURGE_DELAY_DAYS, cutoff=timezone.now(),
                     origin="manuel", user=acting_user)
        if not run.total:
            event.delete()
    return run


def group_memberships_replace(*, regroupement_ids: Collection[int],
                              members: Collection[tuple[int, int]]) -> tuple[int, int]:
    """The pupils of the groups ``regroupement_ids`` become ``members`` (``(eleve_id,
    regroupement_id)`` pairs, each of those groups): the others removed, the missing ones
    added, one statement per group losing pupils and one insert. For the timetable import,
    when the principal chose it as the source of groups. Returns (added, removed)."""
    desired = set(members)
    current = set(Inscription.objects.filter(regroupement_id__in=list(regroupement_ids))
                  .values_list("eleve_id", "regroupement_id"))
    gone = current - desired
    for group in {g for _, g in gone}:  # one statement per group, not per pupil
        Inscription.objects.filter(regroupement_id=group, eleve_id__in=[
            e for e, g in gone if g == group]).delete()
    Inscription.objects.bulk_create(
        [Inscription(eleve_id=e, regroupement_id=g) for e, g in desired - current],
        ignore_conflicts=True, batch_size=2000)
    return len(desired - current), len(gone)

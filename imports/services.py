"""Writes of timetable imports: an upload, its analysis into a bilan, cancel."""

import datetime
import logging
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from annuaire.models import Etablissement
from annuaire.progress import Heartbeat, progress_clear, progress_set
from ent import uploads
from ent.audit.services import audit_record
from ent.errors import ApplicationError
from ent.jobs.services import job_claim, job_enqueued, jobs_reap
from ent.lib.tasks import enqueue_on_commit
from ent.notifications.jobs import job_end_notify

from . import selectors
from .bilan import bilan_build
from .compare import bilan_compare
from .groups import group_memberships_apply
from .models import Rapprochement, TimetableImport, TimetableSettings
from .parsers import records_of
from .parsers.detect import upload_classify
from .parsers.records import Header, TimetableFileError

logger = logging.getLogger(__name__)


class ImportStateError(ApplicationError):
    pass


def _files_root():
    return uploads.upload_root("timetable")


def _sources(imp):
    """The import's stored files as ``(name as given, path)``; ``TimetableFileError`` once
    they were deleted (the import ended, or waited too long)."""
    root = _files_root()
    found = []
    for f in imp.files:
        # Before the upload store, files lay in a folder named after the import.
        path = root / f["stored"]
        if not path.exists():
            path = root / str(imp.pk) / f["stored"]
        if not path.exists():
            raise TimetableFileError(
                "les fichiers de cet import ont été supprimés (import terminé, ou bilan "
                "resté sans décision) : déposez-les à nouveau", file=f["name"])
        found.append((f["name"], path))
    return found


def _folders(imp):
    root = _files_root()
    return {root / Path(f["stored"]).parts[0] for f in imp.files} | {root / str(imp.pk)}


def timetable_import_files_delete(*, imp):
    """The import's uploaded files deleted: it ended (validated, cancelled, replaced)."""
    for folder in _folders(imp):
        uploads.upload_delete(folder)


def _files_delete_on_commit(imports):
    ended = [(imp.pk, list(imp.files)) for imp in imports]

    def delete():
        for pk, files in ended:
            timetable_import_files_delete(imp=TimetableImport(pk=pk, files=files))

    transaction.on_commit(delete)


def timetable_uploads_expire(*, now=None):
    """For the beat purge: the upload folders still needed (an analysis or a validation
    running, a bilan younger than ENT_UPLOAD_PENDING_DAYS, a failure younger than
    ENT_UPLOAD_RETRY_HOURS). A bilan left longer without a decision fails: its files go."""
    now = now or timezone.now()
    pending = now - datetime.timedelta(days=settings.ENT_UPLOAD_PENDING_DAYS)
    retry = now - datetime.timedelta(hours=settings.ENT_UPLOAD_RETRY_HOURS)
    TimetableImport.objects.filter(
        status=TimetableImport.Status.BILAN, created_at__lt=pending,
    ).update(status=TimetableImport.Status.ECHEC, error=BILAN_EXPIRED)
    in_use = TimetableImport.objects.filter(
        Q(status__in=(*TimetableImport.RUNNING, TimetableImport.Status.BILAN))
        | Q(status=TimetableImport.Status.ECHEC, created_at__gt=retry)).only("pk", "files")
    return {str(folder) for imp in in_use for folder in _folders(imp)}


BILAN_EXPIRED = ("Bilan resté sans décision trop longtemps : ses fichiers ont été supprimés. "
                 "Déposez-les à nouveau pour un nouveau bilan.")


@contextmanager
def _classified(imp):
    """The import's files classified, zipped exports unpacked under the store's caps into a
    temporary folder removed on exit."""
    with tempfile.TemporaryDirectory(prefix=f"timetable-{imp.pk}-") as workdir:
        yield upload_classify(_sources(imp), workdir=Path(workdir))


def upload_etab(*, files):
    """The establishment a set of files names (for cron runs without --etab)."""
    upload = upload_classify(files)
    header = next(r for r in records_of(upload) if isinstance(r, Header))
    etab = Etablissement.objects.filter(uai__iexact=header.uai).first()
    if etab is None:
        raise TimetableFileError(f"aucun établissement de l'annuaire n'a l'UAI {header.uai}")
    return etab


def timetable_import_create(*, etab, files, user=None, origin=TimetableImport.Origin.WEB):
    """Keeps the upload (``files``: Django's uploaded files or ``(name, bytes)`` pairs) in
    the store; the bilan comes from ``timetable_import_analyse``, in a worker.

    Only the first bytes of each file are read here, to refuse at once what is not a
    timetable export: the web process never holds a whole file, nor unpacks an archive."""
    try:
        folder, stored = uploads.upload_save(kind="timetable", files=files)
    except uploads.UploadRefused as exc:
        raise TimetableFileError(exc.message, file=exc.file or "") from exc
    try:
        upload_classify([(f["name"], folder / f["stored"]) for f in stored], head_only=True)
        with transaction.atomic():
            return TimetableImport.objects.create(
                etablissement=etab, uploaded_by=user, origin=origin,
                files=[{"name": f["name"], "stored": f"{folder.name}/{f['stored']}"}
                       for f in stored])
    except BaseException:
        uploads.upload_delete(folder)
        raise


def remembered_for(*, etab):
    found = {}
    for link in Rapprochement.objects.filter(etablissement=etab):
        found[(link.kind, link.source_key)] = "ignore" if link.ignored else link.target_id
    return found


def timetable_import_analyse(*, import_id, today=None):
    """Parse, match, count: the bilan préliminaire. Writes nothing but the import's row.
    ``today``: the day its séance figures are computed for (validating that day writes
    them)."""
    from .apply import seances_forecast

    today = today or timezone.localdate()
    imp = TimetableImport.objects.select_related("etablissement").get(pk=import_id)
    if imp.status not in TimetableImport.PENDING:
        raise ImportStateError(f"{imp} est {imp.get_status_display().lower()}")
    etab = imp.etablissement
    try:
        with _classified(imp) as upload:
            directory = selectors.directory_for_matching(etab=etab,
                                                         remembered=remembered_for(etab=etab))
            records = list(records_of(upload, uai=etab.uai))
            bilan = bilan_build(records=records, directory=directory)
            if bilan["uai"] and bilan["uai"].upper() != etab.uai.upper():
                raise TimetableFileError(
                    f"ce fichier est celui de l'établissement {bilan['uai']}, pas de {etab.name} "
                    f"({etab.uai})", file=next(iter(upload.names.values())))
            forecast = seances_forecast(etab=etab, records=records, directory=directory,
                                        today=today)
    except TimetableFileError as exc:
        imp.status, imp.error = TimetableImport.Status.ECHEC, str(exc)
        imp.bilan = {"status": "failed", "error": str(exc), "file": exc.file, "line": exc.line}
        imp.save(update_fields=["status", "error", "bilan"])
        return imp
    bilan["counts"].update(forecast.pop("counts"))
    bilan["seances_plan"] = forecast
    in_force = TimetableImport.objects.filter(
        etablissement=etab, status=TimetableImport.Status.VALIDE).order_by("-decided_at").first()
    bilan["changes"] = bilan_compare(previous=in_force.bilan if in_force else None,
                                     current=bilan)
    bilan["groups"] = selectors.group_management(etab=etab, bilan=bilan)
    with transaction.atomic():
        # A newer upload makes every older unvalidated bilan of the establishment stale, an
        # interrupted validation's too once it is back to its bilan.
        timetable_imports_expire_stale(etab=etab)
        stale = TimetableImport.objects.filter(
            etablissement=etab, status__in=TimetableImport.PENDING, pk__lt=imp.pk)
        _files_delete_on_commit(stale)
        stale.update(status=TimetableImport.Status.PERIME)
        imp.source, imp.bilan, imp.status = bilan["source"], bilan, TimetableImport.Status.BILAN
        imp.save(update_fields=["source", "bilan", "status"])
    return imp


def timetable_import_cancel(*, imp, acting_user):
    with transaction.atomic():
        locked = TimetableImport.objects.select_for_update().get(pk=imp.pk)
        if locked.status == TimetableImport.Status.VALIDE:
            raise ImportStateError("un import validé ne peut plus être annulé")
        if locked.status not in TimetableImport.PENDING:
            raise ImportStateError(f"{locked} est {locked.get_status_display().lower()}")
        locked.status = TimetableImport.Status.ANNULE
        locked.decided_by, locked.decided_at = acting_user, timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(acting_user=acting_user, action="timetable_import_cancel",
                     etab=locked.etablissement_id, details={"import": locked.pk})
        _files_delete_on_commit([locked])
    return locked


def timetable_import_validate(*, imp, acting_user, today=None, attempt=None):
    """« Valider cet import »: the bilan's upload becomes the timetable in force.

    The import row is locked first: of two admins validating at once, the second finds it
    validated and is refused; a stale or cancelled bilan cannot be applied.

    ``attempt``: a worker applying a claim of « Valider » (``timetable_import_validate_start``)
    applies it only while that very claim stands. Checked under the row's lock: a claim put
    back to its bilan after an interruption, and maybe claimed again since, is no longer its.
    """
    from .apply import timetable_apply

    today = today or timezone.localdate()
    with transaction.atomic():
        # One validation at a time per establishment, whatever the import. Its lock comes
        # before the import's: a validation waiting here holds no import row that the one
        # running would mark stale at its end.
        Etablissement.objects.select_for_update().filter(pk=imp.etablissement_id).exists()
        locked = TimetableImport.objects.select_for_update().select_related(
            "etablissement").get(pk=imp.pk)
        if attempt is None:
            allowed = locked.status in (TimetableImport.Status.BILAN,
                                        TimetableImport.Status.VALIDATION)
        else:
            allowed = (locked.status == TimetableImport.Status.VALIDATION
                       and locked.validation_attempt == attempt)
        if not allowed:
            raise ImportStateError(
                f"{locked} ne peut pas être validé : {locked.get_status_display().lower()}")
        etab = locked.etablissement
        with _classified(locked) as upload:
            directory = selectors.directory_for_matching(etab=etab,
                                                         remembered=remembered_for(etab=etab))
            records = list(records_of(upload, uai=etab.uai))
        changes = timetable_apply(etab=etab, imp=locked, records=records,
                                  directory=directory, today=today)
        choice = selectors.timetable_settings_get(etab=etab)
        if choice.group_source == TimetableSettings.GroupSource.EMPLOI_DU_TEMPS:
            changes["groups"] = group_memberships_apply(etab=etab, records=records,
                                                        directory=directory)
        locked.status = TimetableImport.Status.VALIDE
        # A worker applies the claim of whoever clicked « Valider »: the journal names them.
        locked.decided_by, locked.decided_at = acting_user or locked.decided_by, timezone.now()
        locked.bilan = {**locked.bilan, "applied": changes}
        locked.save(update_fields=["status", "decided_by", "decided_at", "bilan"])
        audit_record(acting_user=locked.decided_by, action="timetable_import_validate",
                     etab=etab, details={"import": locked.pk, "kind": locked.source})
        # Older uploads are replaced, a validation claimed earlier and never finished (its
        # worker killed) too: its message, delivered again later, must not bring back an
        # older timetable.
        replaced = TimetableImport.objects.filter(
            etablissement=etab, pk__lt=locked.pk,
            status__in=(*TimetableImport.PENDING, TimetableImport.Status.VALIDATION))
        # Its files, and those it replaces, are needed no more: the bilans stay.
        _files_delete_on_commit([locked, *replaced])
        replaced.update(status=TimetableImport.Status.PERIME)
        # A newer upload is not replaced by an older one: its bilan, compared with the
        # timetable in force until now, is computed again against this one. A newer
        # validation already claimed applies its own upload after this one, whole.
        for newer in TimetableImport.objects.filter(
                etablissement=etab, pk__gt=locked.pk, status=TimetableImport.Status.BILAN):
            timetable_import_reanalyse(imp=newer)
    return locked


# --- In the browser: upload, analysis in a worker, rapprochements ---------------------------
PROGRESS_KIND = "timetable"


def timetable_import_start(*, etab, files, acting_user):
    """Keep an upload and queue its analysis; a file that is no timetable export is refused
    at once (``TimetableFileError``) and nothing is kept."""
    imp = timetable_import_create(etab=etab, files=files, user=acting_user)
    audit_record(acting_user=acting_user, action="timetable_import_start", etab=etab,
                 details={"import": imp.pk})
    _queue_analysis(imp)
    return imp


def _queue_analysis(imp):
    from .tasks import timetable_import_task

    job_enqueued(job=imp)
    enqueue_on_commit(timetable_import_task, imp.pk)


def timetable_import_execute(*, import_id):
    """The worker's side: analyse an import still waiting; any other is left as it is."""
    imp = TimetableImport.objects.filter(pk=import_id).first()
    # Still to analyse (its message delivered again after a kill included: the analysis
    # writes nothing but the import's row).
    if imp is None or not job_claim(job=imp):
        return imp
    progress_set(kind=PROGRESS_KIND, pk=import_id, phase="Lecture et rapprochement des fichiers",
                 fraction=0.2)
    try:
        # Kept fresh while it runs: when the worker dies it stops, and the import's pages
        # end the analysis (``timetable_imports_expire_stale``).
        with Heartbeat(kind=PROGRESS_KIND, pk=import_id):
            imp = timetable_import_analyse(import_id=import_id)
    except Exception:
        # A bug, not a bad file: say so rather than leave the page polling for ever.
        logger.exception("timetable analysis %s failed", import_id)
        TimetableImport.objects.filter(pk=import_id, status=TimetableImport.Status.ANALYSE).update(
            status=TimetableImport.Status.ECHEC, finished_at=timezone.now(),
            error="Erreur inattendue pendant l'analyse : rien n'a changé. Déposez à nouveau "
                  "les fichiers ; si l'erreur revient, signalez-la à l'assistance.")
        job_end_notify(job=imp)
        raise
    progress_set(kind=PROGRESS_KIND, pk=import_id, phase="Terminé", fraction=1)
    job_end_notify(job=imp)
    return imp


def timetable_import_reanalyse(*, imp):
    """The bilan of a pending upload again, from the same files (after a rapprochement)."""
    with transaction.atomic():
        updated = TimetableImport.objects.filter(
            pk=imp.pk, status__in=TimetableImport.PENDING,
        ).update(status=TimetableImport.Status.ANALYSE, validation_interrupted_at=None)
        if not updated:
            raise ImportStateError(f"{imp} n'attend plus de décision : son bilan reste tel quel")
        _queue_analysis(imp)
    imp.status = TimetableImport.Status.ANALYSE
    return imp


def timetable_import_latest_reanalyse(*, etab):
    """After the establishment's rapprochements changed: its latest bilan waiting for a
    decision is computed again from the same files, to show them. That import, or None when
    no bilan waits (the rapprochements serve the next upload); ``ImportStateError`` when it
    was decided meanwhile."""
    latest = selectors.timetable_import_latest_bilan(etab=etab)
    if latest is None:
        return None
    return timetable_import_reanalyse(imp=latest)


class RapprochementError(ApplicationError, ValueError):
    pass


_TARGET_FIELD = {"teacher": "person", "division": "regroupement", "group": "regroupement",
                 "subject": "matiere"}


def _targets_allowed(etab, wanted):
    """Of ``wanted`` (kind, id) pairs, those naming an entry of ``etab``'s directory that a
    name of that kind may be linked to: an active teacher of it, one of its divisions, one
    of its divisions or groups, a subject. One query per kind of entry, whatever the rows."""
    from annuaire.models import Matiere, Person, Regroupement, Role

    ids = {kind: {pk for k, pk in wanted if k == kind} for kind in _TARGET_FIELD}
    allowed = set()
    if ids["teacher"]:
        allowed |= {("teacher", pk) for pk in Person.objects.filter(
            pk__in=ids["teacher"], roles__etablissement=etab, roles__role=Role.Kind.ENSEIGNANT,
            deactivated_at__isnull=True).values_list("pk", flat=True).distinct()}
    if ids["division"] | ids["group"]:
        for pk, nature in Regroupement.objects.filter(
                pk__in=ids["division"] | ids["group"], etablissement=etab).values_list(
                "pk", "nature"):
            # Timetable software often makes a group of what SIECLE calls a division.
            allowed.add(("group", pk))
            if nature == Regroupement.Nature.DIVISION:
                allowed.add(("division", pk))
    if ids["subject"]:
        allowed |= {("subject", pk) for pk in Matiere.objects.filter(
            pk__in=ids["subject"]).values_list("pk", flat=True)}
    return allowed


def rapprochements_save(*, etab, chosen, acting_user):
    """The admin's choices of one form (kind, source key, label, target), all or none: a
    refused one keeps the others unsaved. Each links a timetable name to a directory entry
    of ``etab`` (``target``: its id) or to nothing on purpose (``target == "ignore"``), and
    is remembered for every later import.

    A few queries whatever the number of rows: the targets are checked as one set per kind
    of entry, then every choice is written by one upsert.
    """
    rows = {}
    for kind, source_key, source_label, target in chosen:
        if kind not in _TARGET_FIELD or not source_key:
            raise RapprochementError("rapprochement inconnu")
        target_id = None
        if target != "ignore":
            try:
                target_id = int(target)
            except (TypeError, ValueError):
                raise RapprochementError("choix inconnu") from None
        # One name twice in a form: the last choice wins, as it did saved row after row.
        rows[(kind, source_key[:255])] = (source_label[:255], target_id)
    wanted = {(kind, target_id) for (kind, _), (_, target_id) in rows.items()
              if target_id is not None}
    if wanted - _targets_allowed(etab, wanted):
        raise RapprochementError("cette entrée n'est pas dans l'annuaire de l'établissement")
    links = []
    for (kind, source_key), (source_label, target_id) in rows.items():
        link = Rapprochement(etablissement=etab, kind=kind, source_key=source_key,
                             source_label=source_label, updated_by=acting_user,
                             ignored=target_id is None)
        if target_id is not None:
            setattr(link, f"{_TARGET_FIELD[kind]}_id", target_id)
        links.append(link)
    if links:
        Rapprochement.objects.bulk_create(
            links, update_conflicts=True, unique_fields=["etablissement", "kind", "source_key"],
            update_fields=["source_label", "person", "regroupement", "matiere", "ignored",
                           "updated_by", "updated_at"])
        audit_record(acting_user=acting_user, action="rapprochements_save", etab=etab,
                     details={"noms": sorted(f"{kind} {key}" for kind, key in rows)[:50]})
    return len(chosen)


def rapprochement_set(*, etab, kind, source_key, source_label, target, acting_user):
    """One rapprochement changed on its own (« Modifier »): the same checks as a form's."""
    return rapprochements_save(etab=etab, chosen=[(kind, source_key, source_label, target)],
                               acting_user=acting_user)


def rapprochement_delete(*, etab, pk, acting_user):
    link = Rapprochement.objects.filter(etablissement=etab, pk=pk).first()
    if link is None:
        return 0
    audit_record(acting_user=acting_user, action="rapprochement_delete", etab=etab,
                 details={"nom": f"{link.kind} {link.source_key}"})
    return link.delete()[0]


def timetable_settings_update(*, etab, group_source, acting_user):
    """The principal's choice saved; the establishment's row is made by its first choice."""
    with transaction.atomic():
        current, _ = TimetableSettings.objects.update_or_create(
            etablissement=etab, defaults={"group_source": group_source,
                                          "updated_by": acting_user})
        audit_record(acting_user=acting_user, action="timetable_settings_update", etab=etab,
                     details={"changes": {"groupes": current.get_group_source_display()}})
    return current


def timetable_import_validate_start(*, imp, acting_user):
    """« Valider cet import » from the browser: the import is claimed for validation at once
    (of two admins clicking together, the second is refused), then a worker applies it. A
    worker killed midway rolled everything back; the task, delivered again, applies it whole,
    unless the claim was put back to its bilan meanwhile (``timetable_imports_expire_stale``).
    """
    from .tasks import timetable_validate_task

    with transaction.atomic():
        # The job's claim (a conditional update, not a row lock): a second click while a
        # worker applies the import is refused at once instead of waiting for the end of its
        # transaction.
        imp.refresh_from_db(fields=["status", "attempts"])
        claimed = job_claim(
            job=imp, from_statuses=(TimetableImport.Status.BILAN,),
            to_status=TimetableImport.Status.VALIDATION, decided_by=acting_user,
            validation_attempt=F("validation_attempt") + 1,
            validation_claimed_at=timezone.now(), validation_interrupted_at=None)
        if not claimed:
            imp.refresh_from_db()
            raise ImportStateError(
                f"{imp} ne peut pas être validé : {imp.get_status_display().lower()}")
        attempt = imp.validation_attempt
        job_enqueued(job=imp, phase="Validation en attente")
        enqueue_on_commit(timetable_validate_task, imp.pk, attempt)
    return imp


ANALYSIS_INTERRUPTED = TimetableImport.INTERRUPTED_MESSAGE


def timetable_imports_expire_stale(*, etab, imports=None):
    """The establishment's imports whose worker stopped reporting, settled by the reaper of
    every job (``ent.jobs.services.jobs_reap``, run by beat); returns them. Called by the
    POSTs that decide an import, so that a page left open over an interrupted validation has
    its buttons work at once; never by a GET.

    A validation goes back to « bilan préliminaire prêt ». A worker killed midway (SIGKILL,
    out of memory) rolled its transaction back: nothing was applied, but the claim blocked
    both « Valider » and « Annuler » until the broker delivered the task again, an hour
    later, or never if it lost the message. Once back to its bilan the admin may validate
    again or cancel; the old task, if it comes, finds its claim gone.

    An analysis fails with ANALYSIS_INTERRUPTED rather than poll for ever: it wrote nothing,
    and the same files uploaded again make a new one.

    ``imports``: those a caller has already loaded, the only ones looked at, updated in
    place; None: the establishment's.
    """
    running = TimetableImport.RUNNING_STATUSES
    if imports is None:
        imports = TimetableImport.objects.filter(etablissement=etab, status__in=running)
    loaded = [imp for imp in imports
              if imp.status in running and imp.etablissement_id == etab.pk]
    if not loaded:
        return []
    return jobs_reap(loaded=loaded)


def timetable_validate_execute(*, import_id, attempt=None):
    """The worker's side: apply the claim its task was queued for (``attempt``; None: a task
    queued before claims were numbered, whichever claim stands). An import decided since, put
    back to its bilan after an interruption, or claimed again (that claim has its own task) is
    left alone.

    The claim's heartbeat is kept fresh while the run waits for the establishment and applies;
    when the worker dies it stops, and the import's pages put the claim back to its bilan.
    """
    imp = TimetableImport.objects.filter(
        pk=import_id, status=TimetableImport.Status.VALIDATION).first()
    if imp is None or attempt not in (None, imp.validation_attempt):
        return None
    attempt = imp.validation_attempt
    ours = TimetableImport.objects.filter(pk=imp.pk, status=TimetableImport.Status.VALIDATION,
                                          validation_attempt=attempt)
    progress_set(kind=PROGRESS_KIND, pk=imp.pk, phase="Application de l'emploi du temps",
                 fraction=0.5)
    try:
        with Heartbeat(kind=PROGRESS_KIND, pk=imp.pk):
            done = timetable_import_validate(imp=imp, acting_user=None, attempt=attempt)
    except ImportStateError:
        # Decided while this run waited for the establishment's lock: validated by the same
        # message delivered twice, made stale by a newer validation, or put back to its bilan
        # (and maybe claimed again, its progress then another run's). Nothing to do.
        return None
    except TimetableFileError as exc:
        ours.update(status=TimetableImport.Status.ECHEC, error=f"Import non appliqué : {exc}",
                    finished_at=timezone.now())
        progress_clear(kind=PROGRESS_KIND, pk=imp.pk)
        job_end_notify(job=imp)
        return None
    except Exception:
        # A bug, not a bad file: the validation rolled back; say so rather than leave the
        # import claimed for ever (neither cancellable nor superseded).
        logger.exception("timetable validation %s failed", imp.pk)
        ours.update(
            status=TimetableImport.Status.ECHEC, finished_at=timezone.now(),
            error="Erreur inattendue pendant la validation : l'emploi du temps n'a pas changé. "
                  "Déposez à nouveau les fichiers ; si l'erreur revient, signalez-la à "
                  "l'assistance.")
        progress_clear(kind=PROGRESS_KIND, pk=imp.pk)
        job_end_notify(job=imp)
        raise
    TimetableImport.objects.filter(pk=imp.pk).update(finished_at=timezone.now())
    progress_clear(kind=PROGRESS_KIND, pk=imp.pk)
    job_end_notify(job=imp)
    return done

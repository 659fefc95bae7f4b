"""Writes of timetable imports: an upload, its analysis into a bilan, cancel."""

import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from annuaire.models import Etablissement

from . import selectors
from .bilan import bilan_build
from .compare import bilan_compare
from .groups import group_memberships_apply
from .models import Rapprochement, TimetableImport, TimetableSettings
from .parsers import records_of
from .parsers.detect import upload_classify
from .parsers.records import Header, TimetableFileError

logger = logging.getLogger(__name__)


class ImportStateError(Exception):
    pass


def _store(imp, files):
    folder = Path(settings.MEDIA_ROOT) / "timetable" / str(imp.pk)
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for n, (name, data) in enumerate(files):
        safe = f"{n:02d}-{Path(name).name}"
        (folder / safe).write_bytes(data)
        names.append({"name": name, "stored": safe})
    return names


def _load(imp):
    folder = Path(settings.MEDIA_ROOT) / "timetable" / str(imp.pk)
    return [(f["name"], (folder / f["stored"]).read_bytes()) for f in imp.files]


def upload_etab(*, files):
    """The establishment a set of files names (for cron runs without --etab)."""
    upload = upload_classify(files)
    header = next(r for r in records_of(upload) if isinstance(r, Header))
    etab = Etablissement.objects.filter(uai__iexact=header.uai).first()
    if etab is None:
        raise TimetableFileError(f"aucun établissement de l'annuaire n'a l'UAI {header.uai}")
    return etab


def timetable_import_create(*, etab, files, user=None):
    """Keeps the upload; the bilan comes from ``timetable_import_analyse``."""
    upload_classify(files)  # refuse at once what is not a timetable export
    with transaction.atomic():
        imp = TimetableImport.objects.create(etablissement=etab, uploaded_by=user)
        imp.files = _store(imp, files)
        imp.save(update_fields=["files"])
    return imp


def remembered_for(*, etab):
    found = {}
    for link in Rapprochement.objects.filter(etablissement=etab):
        found[(link.kind, link.source_key)] = "ignore" if link.ignored else link.target_id
    return found


def timetable_import_analyse(*, import_id):
    """Parse, match, count: the bilan préliminaire. Writes nothing but the import's row."""
    imp = TimetableImport.objects.select_related("etablissement").get(pk=import_id)
    if imp.status not in TimetableImport.PENDING:
        raise ImportStateError(f"{imp} est {imp.get_status_display().lower()}")
    etab = imp.etablissement
    try:
        upload = upload_classify(_load(imp))
        directory = selectors.directory_for_matching(etab=etab,
                                                     remembered=remembered_for(etab=etab))
        bilan = bilan_build(records=records_of(upload, uai=etab.uai), directory=directory)
        if bilan["uai"] and bilan["uai"].upper() != etab.uai.upper():
            raise TimetableFileError(
                f"ce fichier est celui de l'établissement {bilan['uai']}, pas de {etab.name} "
                f"({etab.uai})", file=next(iter(upload.names.values())))
    except TimetableFileError as exc:
        imp.status, imp.error = TimetableImport.Status.ECHEC, str(exc)
        imp.bilan = {"status": "failed", "error": str(exc), "file": exc.file, "line": exc.line}
        imp.save(update_fields=["status", "error", "bilan"])
        return imp
    in_force = TimetableImport.objects.filter(
        etablissement=etab, status=TimetableImport.Status.VALIDE).order_by("-decided_at").first()
    bilan["changes"] = bilan_compare(previous=in_force.bilan if in_force else None,
                                     current=bilan)
    bilan["groups"] = selectors.group_management(etab=etab, bilan=bilan)
    with transaction.atomic():
        # A newer upload makes every older unvalidated bilan of the establishment stale.
        TimetableImport.objects.filter(
            etablissement=etab, status__in=TimetableImport.PENDING, pk__lt=imp.pk,
        ).update(status=TimetableImport.Status.PERIME)
        imp.source, imp.bilan, imp.status = bilan["source"], bilan, TimetableImport.Status.BILAN
        imp.save(update_fields=["source", "bilan", "status"])
    return imp


def timetable_import_cancel(*, imp, user):
    with transaction.atomic():
        locked = TimetableImport.objects.select_for_update().get(pk=imp.pk)
        if locked.status == TimetableImport.Status.VALIDE:
            raise ImportStateError("un import validé ne peut plus être annulé")
        if locked.status not in TimetableImport.PENDING:
            raise ImportStateError(f"{locked} est {locked.get_status_display().lower()}")
        locked.status = TimetableImport.Status.ANNULE
        locked.decided_by, locked.decided_at = user, timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
    return locked


def timetable_import_validate(*, imp, user, today=None):
    """« Valider cet import »: the bilan's upload becomes the timetable in force.

    The import row is locked first: of two admins validating at once, the second finds it
    validated and is refused; a stale or cancelled bilan cannot be applied.
    """
    from .apply import timetable_apply

    today = today or timezone.localdate()
    with transaction.atomic():
        locked = TimetableImport.objects.select_for_update().select_related(
            "etablissement").get(pk=imp.pk)
        if locked.status != TimetableImport.Status.BILAN:
            raise ImportStateError(
                f"{locked} ne peut pas être validé : {locked.get_status_display().lower()}")
        # One validation at a time per establishment, whatever the import.
        Etablissement.objects.select_for_update().filter(pk=locked.etablissement_id).exists()
        etab = locked.etablissement
        upload = upload_classify(_load(locked))
        directory = selectors.directory_for_matching(etab=etab,
                                                     remembered=remembered_for(etab=etab))
        records = list(records_of(upload, uai=etab.uai))
        changes = timetable_apply(etab=etab, imp=locked, records=records,
                                  directory=directory, today=today)
        choice = TimetableSettings.objects.filter(etablissement=etab).first()
        if choice and choice.group_source == TimetableSettings.GroupSource.EMPLOI_DU_TEMPS:
            changes["groups"] = group_memberships_apply(etab=etab, records=records,
                                                        directory=directory)
        locked.status = TimetableImport.Status.VALIDE
        locked.decided_by, locked.decided_at = user, timezone.now()
        locked.bilan = {**locked.bilan, "applied": changes}
        locked.save(update_fields=["status", "decided_by", "decided_at", "bilan"])
        TimetableImport.objects.filter(
            etablissement=etab, status__in=TimetableImport.PENDING,
        ).update(status=TimetableImport.Status.PERIME)
    return locked

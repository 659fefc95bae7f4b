"""One AAF import from files to report: collect, parse and stage, then merge in one transaction."""

import contextlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from annuaire.models import Etablissement

from .errors import AafImportError
from .files import POPULATIONS, collect
from .identical import delivery_digest, identical_issues, identical_report, previous_identical
from .merge import Merge, ThresholdExceeded
from .report import build_report
from .sql import Sql
from .stager import StageOptions, stage_in_parallel, stage_serially
from .staging import staging_truncate

ADVISORY_LOCK = 7263001


def legal_2_is_guardian(version):
    """Whether a relative's « légal = 2 » makes them a legal guardian, for a file's versionAF."""
    return StageOptions(max_file_bytes=0, legal_2=settings.ENT_AAF_LEGAL_2,
                        legal_2_cutoff=settings.ENT_AAF_LEGAL_2_CUTOFF_VERSION,
                        ).legal_2_is_guardian(version)


def _kind_of(files):
    kinds = {f.kind for f in files if f.kind}
    if len(kinds) > 1:
        raise AafImportError(
            "cette livraison mélange des fichiers Complet et Delta : importez-les séparément "
            "(le Complet d'abord)")
    return kinds.pop() if kinds else "Delta"


def parse_and_stage(files, progress):
    """Parse every file into the staging tables; a bad file raises AafFileError."""
    total_bytes = sum(f.size for f in files) or 1
    done = [0]

    def on_read(n):
        done[0] += n
        progress("lecture", done[0] / total_bytes)

    staging_truncate()
    options = StageOptions.from_settings()
    processes = min(settings.ENT_AAF_PARSE_PROCESSES, len(files))
    # Workers write through their own connections: only on PostgreSQL, and only when this
    # process holds no transaction that would hide the emptied staging tables from them.
    if processes > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block:
        return stage_in_parallel(files, options, processes, on_read)
    return stage_serially(files, options, on_read)


@dataclass
class RunResult:
    status: str  # "applied", "simulated" or "waiting"
    report: dict
    issues: list


def run(paths, workdir, *, simulate=False, force=False, progress=None, reread=False):
    """Import the AAF files under ``paths``; raises AafFileError/AafImportError on a bad delivery.

    A delivery identical to the last one applied is not read again, unless ``reread``.
    """
    progress = progress or (lambda phase, fraction, detail="": None)
    started = time.monotonic()
    files = collect(paths, workdir, settings.ENT_AAF_MAX_FILE_BYTES)
    kind = _kind_of(files)
    digest = delivery_digest(files, StageOptions.from_settings())
    previous = None if reread else previous_identical(digest)
    if previous is not None:
        status = "simulated" if simulate else "applied"
        report = identical_report(previous, status=status, simulate=simulate, durations={
            "lecture": round(time.monotonic() - started, 2), "application": 0})
        return RunResult(status=status, report=report, issues=identical_issues(previous))
    try:
        parsed = parse_and_stage(files, progress)
    except BaseException:
        with contextlib.suppress(DatabaseError):
            staging_truncate()  # the rows of the files read before the bad one
        raise
    parse_seconds = time.monotonic() - started
    populations = sorted({f["population"] for f in parsed.files}, key=POPULATIONS.index)
    waiting = None
    merge_started = time.monotonic()
    with transaction.atomic():
        sql = Sql()
        try:
            if sql.postgres:
                sql.run("SELECT pg_advisory_xact_lock(%s)", (ADVISORY_LOCK,))
            merge = Merge(
                sql, kind=kind, populations=populations, now=timezone.now(), force=force,
                threshold=settings.ENT_AAF_DEACTIVATION_THRESHOLD, files=parsed.files,
                progress=lambda step, i, n: progress("application", i / n, step),
            )
            try:
                result = merge.run()
            except ThresholdExceeded:
                result = merge.result
                waiting = True
            etabs = _etab_names(result)
        finally:
            sql.close()
        if simulate or waiting:
            transaction.set_rollback(True)
    staging_truncate()
    status = "waiting" if waiting else ("simulated" if simulate else "applied")
    report = build_report(
        status=status, kind=kind, simulate=simulate, parsed=parsed, result=result, etabs=etabs,
        populations=populations, legal_2=_legal_2_summary(parsed.files),
        durations={"lecture": round(parse_seconds, 2),
                   "application": round(time.monotonic() - merge_started, 2)},
    )
    report["delivery_digest"] = digest
    issues = parsed.rejections + parsed.warnings + result.warnings + parsed.controls + [
        {**c, "level": "controle"} for c in result.controls
    ]
    for issue in issues:
        issue.setdefault("level", "controle")
        if issue["level"] == "controle" and "detail" in issue:
            issue["message"] = f"{issue['message']} — {issue.pop('detail')}"
    return RunResult(status=status, report=report, issues=issues)


def _etab_names(result):
    ids = {etab for _pop, etab, _outcome, _n in result.counts if etab}
    names = {}
    for aaf_id, uai, name in Etablissement.objects.filter(aaf_id__in=ids).values_list(
            "aaf_id", "uai", "name"):
        names[aaf_id] = {"uai": uai, "name": name}
    return names


def _legal_2_summary(files):
    versions = sorted({f.get("version") or "non déclarée" for f in files
                       if f["population"] == "Eleve"})
    return [{"version": v, "legal_2": "responsable légal" if legal_2_is_guardian(
        None if v == "non déclarée" else v) else "personne en charge"} for v in versions]

"""One AAF import from files to report: collect, parse and stage, then merge in one transaction."""

import contextlib
import time
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from annuaire.models import Etablissement

from .errors import AafFileError, AafImportError
from .files import PERSON_POPULATIONS, POPULATIONS, collect
from .logins import several_people_reason
from .merge import Merge, ThresholdExceeded
from .parser import CATEGORIES, AafParser
from .records import PersonConverter, convert_structure
from .report import build_report
from .sql import Sql
from .staging import StagingWriter, staging_truncate, too_long

ISSUE_SAMPLE = 10000
ADVISORY_LOCK = 7263001
SEVERAL_PEOPLE_FIX = (
    "Dans SIECLE, ne garder qu'une personne par fiche : la civilité dans le champ Civilité, "
    "un seul prénom et un seul nom ; créer une fiche distincte pour chaque responsable, "
    "rattachée à l'élève."
)


@dataclass
class ParseOutcome:
    files: list = field(default_factory=list)
    rejections: list = field(default_factory=list)
    rejected_counts: Counter = field(default_factory=Counter)
    warnings: list = field(default_factory=list)
    warning_totals: Counter = field(default_factory=Counter)
    controls: list = field(default_factory=list)
    unknown: dict = field(default_factory=dict)
    records: int = 0


def legal_2_is_guardian(version):
    """Whether a relative's « légal = 2 » makes them a legal guardian, for a file's versionAF."""
    mode = settings.ENT_AAF_LEGAL_2
    if mode == "responsable_legal":
        return True
    if mode == "personne_en_charge":
        return False
    return bool(version) and version < settings.ENT_AAF_LEGAL_2_CUTOFF_VERSION


def _kind_of(files):
    kinds = {f.kind for f in files if f.kind}
    if len(kinds) > 1:
        raise AafImportError(
            "cette livraison mélange des fichiers Complet et Delta : importez-les séparément "
            "(le Complet d'abord)")
    return kinds.pop() if kinds else "Delta"


def parse_and_stage(files, progress):
    """Parse every file into the staging tables; a bad file raises AafFileError."""
    outcome = ParseOutcome()
    total_bytes = sum(f.size for f in files) or 1
    done = [0]

    def on_read(n):
        done[0] += n
        progress("lecture", done[0] / total_bytes)

    staging_truncate()
    writer = StagingWriter()
    for idx, aaf_file in enumerate(files):
        parser = AafParser(aaf_file.path, aaf_file.name, settings.ENT_AAF_MAX_FILE_BYTES, on_read)
        counts = Counter()
        population = aaf_file.population
        converter = None
        info = aaf_file.as_dict()
        for record in parser.records():
            category = CATEGORIES.get(record.category or "")
            if population is None:
                if category is None:
                    raise AafFileError(
                        aaf_file.name,
                        f"population inconnue (catégorie « {record.category} ») : le nom du "
                        "fichier ne dit pas non plus de quelle population il s'agit",
                        record.line)
                population = category
            if converter is None and population in PERSON_POPULATIONS:
                converter = PersonConverter(population, legal_2_is_guardian(parser.header.version))
            counts[record.op] += 1
            outcome.records += 1
            if record.category and category != population:
                _reject(outcome, aaf_file, population, record.line, record.identifier, "",
                        f"catégorie « {record.category} » dans un fichier {population}")
                continue
            if record.problems:
                _reject(outcome, aaf_file, population, record.line, record.identifier, "",
                        "; ".join(record.problems))
                continue
            if converter is not None:
                converted = converter.convert(record)
            else:
                converted = convert_structure(record, population)
            if converted.rejection is not None:
                issue = converted.rejection
                _reject(outcome, aaf_file, population, record.line, issue.identifier,
                        issue.etab_aaf, issue.message)
                continue
            too_long_reason = too_long(converted)
            if too_long_reason:
                _reject(outcome, aaf_file, population, record.line, record.identifier,
                        converted.row.get("main_etab_aaf", ""), too_long_reason)
                continue
            for name in converted.unknown:
                entry = outcome.unknown.setdefault(
                    (population, name),
                    {"population": population, "name": name, "count": 0,
                     "file": aaf_file.name, "line": record.line})
                entry["count"] += 1
            for warning in converted.warnings:
                _warn(outcome, aaf_file, population, record.line, warning)
            row = converted.row
            if converter is not None and record.op != "delete":
                reason = several_people_reason(row["first_name"], row["last_name"])
                if reason:
                    outcome.controls.append({
                        "code": "plusieurs_personnes", "population": population,
                        "file": aaf_file.name, "line": record.line,
                        "identifier": record.identifier, "etab": row["main_etab_aaf"],
                        "message": f"{row['last_name']} {row['first_name']}",
                        "detail": f"une fiche, plusieurs personnes probables : {reason}",
                        "fix": SEVERAL_PEOPLE_FIX,
                    })
            writer.add(converted, idx, record.line)
        if population is None:
            raise AafFileError(aaf_file.name, "fichier sans aucun enregistrement AAF", None)
        info.update(
            population=population, kind=aaf_file.kind, version=parser.header.version,
            encoding=parser.header.encoding or "UTF-8 (non déclaré)",
            records=sum(counts.values()), operations=dict(counts),
        )
        outcome.files.append(info)
    writer.close()
    return outcome


def _reject(outcome, aaf_file, population, line, identifier, etab, message):
    outcome.rejected_counts[(population, etab)] += 1
    if len(outcome.rejections) < ISSUE_SAMPLE:
        outcome.rejections.append({
            "level": "rejet", "code": "rejet", "population": population, "file": aaf_file.name,
            "line": line, "identifier": identifier, "etab": etab, "message": message,
        })


def _warn(outcome, aaf_file, population, line, issue):
    outcome.warning_totals[issue.code] += 1
    if outcome.warning_totals[issue.code] <= ISSUE_SAMPLE:
        outcome.warnings.append({
            "level": "avertissement", "code": issue.code, "population": population,
            "file": aaf_file.name, "line": line, "identifier": issue.identifier,
            "etab": issue.etab_aaf, "message": issue.message,
        })


@dataclass
class RunResult:
    status: str  # "applied", "simulated" or "waiting"
    report: dict
    issues: list


def run(paths, workdir, *, simulate=False, force=False, progress=None):
    """Import the AAF files under ``paths``; raises AafFileError/AafImportError on a bad delivery."""
    progress = progress or (lambda phase, fraction, detail="": None)
    started = time.monotonic()
    files = collect(paths, workdir, settings.ENT_AAF_MAX_FILE_BYTES)
    kind = _kind_of(files)
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

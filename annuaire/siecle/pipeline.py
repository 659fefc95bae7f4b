"""One run: find the files, check they belong together, parse them all, then apply in one
transaction. Any unreadable file stops the run before the first write."""

import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from ent.errors import ApplicationError
from ent.uploads import MARKER, UnzipBudget

from ..aaf.errors import AafFileError
from ..aaf.files import _extract_zip
from .apply import Applier
from .parser import KIND_LABELS, SiecleFileError, SiecleParser
from .records import Nomenclature, read_eleves, read_nomenclature, read_responsables, read_sts

# Files of the same kind in one run would contradict each other: one of each at most.
ORDER = ("nomenclature", "eleves", "responsables", "sts")


class SiecleImportError(ApplicationError):
    """A run refused as a whole (no file given, nothing recognised)."""


@dataclass
class Found:
    path: Path
    name: str
    size: int


def collect(paths, workdir, max_bytes):
    """Every file under ``paths`` (files, folders, zip archives)."""
    found = []
    budget = UnzipBudget("siecle")
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise SiecleImportError(f"{raw} : fichier ou dossier introuvable")
        children = sorted(c for c in path.rglob("*") if c.is_file() and c.name != MARKER
                          ) if path.is_dir() else [path]
        for child in children:
            # The file's own name: uploads are stored one per numbered folder, which would
            # only clutter the messages.
            label = child.name
            if child.suffix.lower() == ".zip" or zipfile.is_zipfile(child):
                try:
                    members = _extract_zip(child, workdir, max_bytes, label=label,
                                           budget=budget)
                except AafFileError as exc:
                    raise SiecleFileError(exc.file, exc.message, exc.line) from exc
                if not members:
                    raise SiecleFileError(
                        label, "l'archive ne contient aucun fichier XML : attendu un export "
                        "SIECLE (ElevesSansAdresses.xml, ResponsablesAvecAdresses.xml, "
                        "Nomenclature.xml…) ou STS-web (sts_emp_<UAI>_<ANNÉE>.xml)")
                found.extend(Found(p, n, p.stat().st_size) for p, n in members)
            else:
                found.append(Found(child, label, child.stat().st_size))
    if not found:
        raise SiecleImportError("aucun fichier fourni")
    return found


def _check_together(headers, etab):
    """Every file of the establishment, of one school year, at most one of each kind."""
    by_kind = {}
    for parser, header in headers:
        if header.uaj.upper() != etab.uai.upper():
            raise SiecleFileError(
                header.name, f"fichier de l'établissement {header.uaj}, pas de {etab.name} "
                f"({etab.uai}) : vérifiez l'établissement choisi ou le fichier", header.uaj_line)
        if header.kind in by_kind:
            raise SiecleFileError(
                header.name, f"deuxième fichier {KIND_LABELS[header.kind]} (le premier est "
                f"{by_kind[header.kind][1].name}) : n'en fournissez qu'un", header.line)
        by_kind[header.kind] = (parser, header)
    first = headers[0][1]
    for _parser, header in headers[1:]:
        if header.annee != first.annee:
            raise SiecleFileError(
                header.name, f"année scolaire {header.annee}, alors que {first.name} est de "
                f"l'année {first.annee} : les fichiers doivent être du même export annuel",
                header.line)
    for kind in ("eleves", "responsables"):
        if kind in by_kind and "nomenclature" not in by_kind:
            header = by_kind[kind][1]
            raise SiecleFileError(
                header.name, "les codes de ce fichier (régime, MEF, parenté, motif de sortie…) "
                "se lisent avec la nomenclature de la même année : joignez Nomenclature.xml "
                "(SIECLE, Exports XML génériques « Nomenclature »)", header.line)
    return by_kind


def _wait_for_aaf_import(say):
    """On PostgreSQL, wait for a running AAF import to end: it rewrites the same people with
    set-based SQL, and its writes must not interleave with ours. The transaction-level lock
    shares the AAF import's key, so it is released with our commit or rollback."""
    if connection.vendor != "postgresql":
        return
    from ..services import IMPORT_LOCK

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [IMPORT_LOCK])
        if cursor.fetchone()[0]:
            return
        say("application", 0.0, "attente de la fin de l'import AAF en cours")
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


def run(*, etab, paths, workdir, progress=None, today=None):
    """Parse then apply; returns ``(report, issues)``. Raises SiecleFileError before writing."""
    max_bytes = settings.ENT_SIECLE_MAX_FILE_BYTES
    say = progress or (lambda phase, fraction, detail="": None)
    started = time.monotonic()
    found = collect(paths, workdir, max_bytes)
    total = sum(f.size for f in found) or 1
    done = [0]

    def on_read(n):
        done[0] += n
        say("lecture", min(done[0] / total, 1.0))

    headers = []
    for item in found:
        parser = SiecleParser(item.path, item.name, max_bytes, on_read=on_read)
        headers.append((parser, parser.read_header()))
    by_kind = _check_together(headers, etab)
    annee = headers[0][1].annee
    nomenclature = Nomenclature(annee=annee)
    parsed = {}
    for kind in ORDER:
        if kind not in by_kind:
            continue
        parser, header = by_kind[kind]
        say("lecture", min(done[0] / total, 1.0), header.name)
        if kind == "nomenclature":
            nomenclature = read_nomenclature(parser, header)
        elif kind == "eleves":
            parsed[kind] = read_eleves(parser, header)
        elif kind == "responsables":
            parsed[kind] = read_responsables(parser, header)
        else:
            parsed[kind] = read_sts(parser, header)
    read_seconds = round(time.monotonic() - started, 2)
    say("application", 0.0)
    with transaction.atomic():
        _wait_for_aaf_import(say)
        applier = Applier(etab=etab, nomenclature=nomenclature, today=today)
        if "eleves" in parsed:
            eleves, rejected = parsed["eleves"]
            applier.apply_eleves(eleves, rejected, by_kind["eleves"][1].name, annee)
        say("application", 0.4)
        if "responsables" in parsed:
            personnes, liens, rejected = parsed["responsables"]
            applier.apply_responsables(personnes, liens, rejected,
                                       by_kind["responsables"][1].name, annee)
        say("application", 0.7)
        if "sts" in parsed:
            applier.apply_sts(parsed["sts"], by_kind["sts"][1].name, annee)
        outcome = applier.finish()
    say("application", 1.0)
    report = {
        "status": "applied",
        "etab": {"id": etab.pk, "uai": etab.uai, "name": etab.name},
        "annee": annee,
        "files": [{
            "name": header.name, "kind": header.kind, "kind_label": KIND_LABELS[header.kind],
            "root": header.root, "version": header.version, "uaj": header.uaj,
            "annee": header.annee, "date_export": header.date_export,
            "encoding": parser.header.encoding or "UTF-8",
        } for parser, header in headers],
        "nomenclature": {name: len(getattr(nomenclature, name)) for name in (
            "mefs", "matieres", "regimes", "liens", "motifs", "modalites")},
        "counts": outcome.counts,
        "writes": outcome.writes,
        "rows_written": outcome.rows_written,
        "unchanged": outcome.rows_written == 0,
        "unknown_structures": sorted(outcome.unknown_structures.values(),
                                     key=lambda s: (s["nature"], s["code"])),
        "durations": {"lecture": read_seconds,
                      "application": round(time.monotonic() - started - read_seconds, 2)},
    }
    return report, outcome.issues

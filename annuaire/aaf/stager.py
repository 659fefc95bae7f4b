"""Reading a delivery into the staging tables, in one process or several.

Each file is parsed, converted and written to staging by one process; on PostgreSQL, outside
any transaction, several processes share the files (largest first). What they report back —
rejections, warnings, controls, unknown attributes, per-file facts — is merged here.

The workers are forked from the importing process, Django already loaded: starting them costs
milliseconds, not the second or so of a new interpreter. Each writes through its own database
connection and reports as JSON lines on a pipe.
"""

import contextlib
import gc
import hashlib
import json
import os
import queue
import signal
import threading
from collections import Counter
from dataclasses import dataclass, field

import orjson

from .errors import AafFileError
from .files import PERSON_POPULATIONS
from .logins import several_people_reason
from .parser import CATEGORIES, AafParser
from .records import PersonConverter, convert_structure

ISSUE_SAMPLE = 10000
SEVERAL_PEOPLE_FIX = (
    "Dans SIECLE, ne garder qu'une personne par fiche : la civilité dans le champ Civilité, "
    "un seul prénom et un seul nom ; créer une fiche distincte pour chaque responsable, "
    "rattachée à l'élève."
)
PROGRESS_EVERY = 1 << 20


@dataclass
class StageOptions:
    """What shapes conversion, decided once by the importing process for all its workers."""

    max_file_bytes: int
    legal_2: str
    legal_2_cutoff: str
    # Whether the directory holds people from the feed whose unchanged records can be skipped.
    skip_unchanged: bool = False

    def legal_2_is_guardian(self, version):
        """Whether a relative's « légal = 2 » makes them a legal guardian, for a versionAF."""
        if self.legal_2 == "responsable_legal":
            return True
        if self.legal_2 == "personne_en_charge":
            return False
        return bool(version) and version < self.legal_2_cutoff

    @classmethod
    def from_settings(cls):
        from django.conf import settings

        from .staging import directory_has_feed_people

        return cls(max_file_bytes=settings.ENT_AAF_MAX_FILE_BYTES,
                   legal_2=settings.ENT_AAF_LEGAL_2,
                   legal_2_cutoff=settings.ENT_AAF_LEGAL_2_CUTOFF_VERSION,
                   skip_unchanged=directory_has_feed_people())


@dataclass
class StageOutcome:
    files: list = field(default_factory=list)
    rejections: list = field(default_factory=list)
    rejected_counts: Counter = field(default_factory=Counter)
    warnings: list = field(default_factory=list)
    warning_totals: Counter = field(default_factory=Counter)
    controls: list = field(default_factory=list)
    unknown: dict = field(default_factory=dict)
    records: int = 0

    def reject(self, aaf_file, population, line, identifier, etab, message):
        self.rejected_counts[(population, etab)] += 1
        if len(self.rejections) < ISSUE_SAMPLE:
            self.rejections.append({
                "level": "rejet", "code": "rejet", "population": population,
                "file": aaf_file.name, "line": line, "identifier": identifier, "etab": etab,
                "message": message,
            })

    def warn(self, aaf_file, population, line, issue):
        self.warning_totals[issue.code] += 1
        if self.warning_totals[issue.code] <= ISSUE_SAMPLE:
            self.warnings.append({
                "level": "avertissement", "code": issue.code, "population": population,
                "file": aaf_file.name, "line": line, "identifier": issue.identifier,
                "etab": issue.etab_aaf, "message": issue.message,
            })

    def absorb(self, other):
        """Add another worker's outcome to this one."""
        self.files.extend(other.files)
        self.rejections.extend(other.rejections[:max(0, ISSUE_SAMPLE - len(self.rejections))])
        self.rejected_counts.update(other.rejected_counts)
        for issue in other.warnings:
            if sum(1 for w in self.warnings if w["code"] == issue["code"]) < ISSUE_SAMPLE:
                self.warnings.append(issue)
        self.warning_totals.update(other.warning_totals)
        self.controls.extend(other.controls)
        for key, entry in other.unknown.items():
            mine = self.unknown.setdefault(key, {**entry, "count": 0})
            mine["count"] += entry["count"]
        self.records += other.records

    def to_json(self):
        return {
            "files": self.files, "rejections": self.rejections,
            "rejected_counts": [[p, e, n] for (p, e), n in self.rejected_counts.items()],
            "warnings": self.warnings, "warning_totals": dict(self.warning_totals),
            "controls": self.controls, "unknown": list(self.unknown.values()),
            "records": self.records,
        }

    @classmethod
    def from_json(cls, data):
        return cls(
            files=data["files"], rejections=data["rejections"],
            rejected_counts=Counter({(p, e): n for p, e, n in data["rejected_counts"]}),
            warnings=data["warnings"], warning_totals=Counter(data["warning_totals"]),
            controls=data["controls"],
            unknown={(u["population"], u["name"]): u for u in data["unknown"]},
            records=data["records"],
        )

    def sort(self, order):
        """Put the per-file lists back in delivery order after a parallel read."""
        self.files.sort(key=lambda f: order[f["name"]])
        for issues in (self.rejections, self.warnings, self.controls):
            issues.sort(key=lambda i: (order.get(i.get("file"), 0), i.get("line") or 0))


# Bumped whenever conversion changes, so that every record is read again once.
CONVERSION_VERSION = "2026-12-1"
BATCH = 1000


def stage_file(idx, aaf_file, writer, outcome, options, on_read=None):
    """Parse one file into the staging writer; a bad file raises AafFileError.

    A person record is staged with the digest of its values; with ``options.skip_unchanged``,
    one whose digest equals the directory's is staged as its identity only: nothing of it
    needs converting or merging.
    """
    from .staging import live_digests

    skip_unchanged = options.skip_unchanged
    parser = AafParser(aaf_file.path, aaf_file.name, options.max_file_bytes, on_read)
    counts = Counter()
    state = {"population": aaf_file.population, "converter": None, "prefix": b""}
    batch = []

    def digest_of(record):
        # Of the values, not the bytes: successive exports of one unchanged record may differ
        # in layout (the real positions-2024 pair does). JSON with sorted keys is unambiguous
        # and orjson writes it in C, at half the cost of joining the values in Python.
        content = orjson.dumps(record.attributes, option=orjson.OPT_SORT_KEYS)
        return hashlib.md5(state["prefix"] + content, usedforsecurity=False).hexdigest()

    def flush():
        live = live_digests([r.identifier for r in batch]) if batch else {}
        for record in batch:
            digest = digest_of(record)
            known = live.get(record.identifier)
            if record.op != "delete" and known is not None and known[0] == digest:
                writer.add_skipped(aaf_id=record.identifier, population=state["population"],
                                   op=record.op, digest=digest, main_etab=known[1],
                                   file_idx=idx, line=record.line)
            else:
                _stage_record(record, digest)
        batch.clear()

    def _stage_record(record, digest=None):
        population = state["population"]
        if state["converter"] is not None:
            converted = state["converter"].convert(record, digest)
        else:
            converted = convert_structure(record, population)
        if converted.rejection is not None:
            issue = converted.rejection
            outcome.reject(aaf_file, population, record.line, issue.identifier, issue.etab_aaf,
                           issue.message)
            return
        too_long_reason = writer.too_long(converted)
        if too_long_reason:
            outcome.reject(aaf_file, population, record.line, record.identifier,
                           converted.row.get("main_etab_aaf", ""), too_long_reason)
            return
        for name in converted.unknown:
            entry = outcome.unknown.setdefault(
                (population, name),
                {"population": population, "name": name, "count": 0, "file": aaf_file.name,
                 "line": record.line})
            entry["count"] += 1
        for warning in converted.warnings:
            outcome.warn(aaf_file, population, record.line, warning)
        row = converted.row
        if state["converter"] is not None and record.op != "delete":
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

    for record in parser.records():
        category = CATEGORIES.get(record.category or "")
        population = state["population"]
        if population is None:
            if category is None:
                raise AafFileError(
                    aaf_file.name,
                    f"population inconnue (catégorie « {record.category} ») : le nom du "
                    "fichier ne dit pas non plus de quelle population il s'agit",
                    record.line)
            population = state["population"] = category
        if state["converter"] is None and population in PERSON_POPULATIONS:
            guardian = options.legal_2_is_guardian(parser.header.version)
            state["converter"] = PersonConverter(population, guardian)
            state["prefix"] = f"{CONVERSION_VERSION}|{population}|{guardian}|".encode()
        counts[record.op] += 1
        outcome.records += 1
        if record.category and category != population:
            outcome.reject(aaf_file, population, record.line, record.identifier, "",
                           f"catégorie « {record.category} » dans un fichier {population}")
            continue
        if record.problems:
            outcome.reject(aaf_file, population, record.line, record.identifier, "",
                           " ; ".join(record.problems))
            continue
        if skip_unchanged and state["converter"] is not None:
            batch.append(record)
            if len(batch) >= BATCH:
                flush()
        elif state["converter"] is not None:
            _stage_record(record, digest_of(record))
        else:
            _stage_record(record)
    flush()
    population = state["population"]
    if population is None:
        raise AafFileError(aaf_file.name, "fichier sans aucun enregistrement AAF", None)
    info = aaf_file.as_dict()
    info.update(
        population=population, kind=aaf_file.kind, version=parser.header.version,
        encoding=parser.header.encoding or "UTF-8 (non déclaré)",
        records=sum(counts.values()), operations=dict(counts),
    )
    outcome.files.append(info)


@contextlib.contextmanager
def _few_collections():
    """Staging makes a few hundred short-lived objects per record, none in a reference cycle;
    at the collector's default pace, a quarter of the time went to scanning them and Django's
    long-lived objects again and again."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def stage_serially(files, options, on_read):
    from .staging import StagingWriter

    outcome = StageOutcome()
    writer = StagingWriter()
    with _few_collections():
        for idx, aaf_file in enumerate(files):
            stage_file(idx, aaf_file, writer, outcome, options, on_read)
    writer.close()
    return outcome


def _shares(files, processes):
    """Files shared out by size, largest first, each to the least loaded worker."""
    loads = [[0, []] for _ in range(processes)]
    for idx, aaf_file in sorted(enumerate(files), key=lambda pair: -pair[1].size):
        lightest = min(loads, key=lambda load: load[0])
        lightest[0] += aaf_file.size
        lightest[1].append(idx)
    return [sorted(share) for _size, share in loads if share]


def _die_with_parent():
    """In a worker: get SIGKILL when the importing process dies (Linux)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


# The parent's database connections, as a forked worker inherits them: kept referenced and
# never closed, since closing one would end the parent's session (and its advisory lock).
_INHERITED = []


def _forget_parent_connections():
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        _INHERITED.append(conn.connection)
        conn.connection = None


def _fork_worker(options, share):
    """A worker forked from this process (Django already set up): its pid and the reading
    end of the pipe on which it writes its messages, one JSON object per line."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write_fd)
        return pid, os.fdopen(read_fd, "rb")
    status = 1
    try:
        os.close(read_fd)
        _die_with_parent()
        _forget_parent_connections()
        with os.fdopen(write_fd, "w", encoding="utf-8") as out:
            _work(options, share, lambda kind, payload=None: _emit(out, kind, payload))
        status = 0
    except BaseException:  # whatever it is, the parent reports a crash
        import traceback

        traceback.print_exc()
    finally:
        os._exit(status)  # neither the parent's atexit handlers nor its finalizers


def stage_in_parallel(files, options, processes, on_read):
    shares = _shares(files, processes)
    events = queue.Queue()
    workers = []
    # Every worker is forked before any reading thread starts: a fork copies no other thread.
    for share in shares:
        workers.append(_fork_worker(options, [(idx, files[idx]) for idx in share]))
    for pid, stream in workers:
        threading.Thread(target=_pump, args=(pid, stream, events), daemon=True).start()
    outcome = StageOutcome()
    running = len(workers)
    try:
        while running:
            kind, payload = events.get()
            if kind == "progress":
                on_read(payload)
            elif kind == "result":
                outcome.absorb(StageOutcome.from_json(payload))
            elif kind == "error":
                raise AafFileError(payload["file"], payload["message"], payload.get("line"))
            elif kind == "crash":
                raise RuntimeError(f"un processus de lecture s'est arrêté : {payload}")
            elif kind == "end":
                running -= 1
    finally:
        for pid, _stream in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for pid, _stream in workers:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
    outcome.sort({f.name: i for i, f in enumerate(files)})
    return outcome


def _pump(pid, stream, events):
    got_result = False
    with stream:
        for line in stream:
            message = json.loads(line)
            kind = message["type"]
            got_result |= kind in ("result", "error")
            events.put((kind, message.get("payload")))
    if not got_result:
        events.put(("crash", f"processus {pid} arrêté sans résultat (voir le journal d'erreurs)"))
    events.put(("end", None))


def _emit(out, kind, payload=None):
    out.write(json.dumps({"type": kind, "payload": payload}, ensure_ascii=False,
                         default=str) + "\n")
    out.flush()


def _work(options, share, emit):
    """One worker's share: stage its files through its own connection, report on ``emit``."""
    with _few_collections():
        _stage_share(options, share, emit)


def _stage_share(options, share, emit):
    from .staging import StagingWriter

    pending = [0]

    def on_read(n):
        pending[0] += n
        if pending[0] >= PROGRESS_EVERY:
            emit("progress", pending[0])
            pending[0] = 0

    outcome = StageOutcome()
    writer = StagingWriter()
    try:
        for idx, aaf_file in share:
            stage_file(idx, aaf_file, writer, outcome, options, on_read)
        writer.close()
    except AafFileError as exc:
        emit("error", {"file": exc.file, "message": exc.message, "line": exc.line})
        return
    finally:
        from django.db import connection

        connection.close()
    emit("progress", pending[0])
    emit("result", outcome.to_json())

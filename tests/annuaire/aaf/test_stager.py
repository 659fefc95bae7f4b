"""Staging a delivery in forked worker processes (PostgreSQL, outside any transaction)."""

import os

import pytest
from django.db import connection

from annuaire.aaf import pipeline
from annuaire.aaf.errors import AafFileError
from annuaire.aaf.files import collect
from annuaire.models import StagedLink, StagedPerson

from .builders import delivery, eleve, etab, relative, write_file

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="workers write through their own PostgreSQL connections")
LOCK = 7263999


@pytest.fixture
def two_workers(settings):
    settings.ENT_AAF_PARSE_PROCESSES = 2


def _children():
    """The pids of this process's living children."""
    pids = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == os.getpid() and fields[0] != "Z":
                pids.add(int(entry))
    return pids


def _holds_lock():
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM pg_locks WHERE pid = pg_backend_pid() "
                       "AND locktype = 'advisory' AND objid = %s", [LOCK])
        return cursor.fetchone()[0] == 1


def test_forked_workers_stage_every_file_and_leave_the_parent_session_alone(
        transactional_db, two_workers, tmp_path):
    folder = delivery(tmp_path / "livraison", {
        "EtabEducNat": [etab("1001", "0690001A")],
        "Eleve": [eleve(str(i), f"Eleve{i}", "Camille") for i in range(1, 41)],
        "PersRelEleve": [relative(str(100 + i)) for i in range(1, 31)],
    })
    files = collect([folder], tmp_path / "travail", 10**9)
    before = _children()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK])
    try:
        seen = []
        outcome = pipeline.parse_and_stage(files, lambda phase, fraction: seen.append(fraction))
        # A worker closing what it inherited would have ended this session and its lock.
        assert _holds_lock()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK])
    assert StagedPerson.objects.count() == 70
    assert StagedLink.objects.filter(kind="division").count() == 40
    assert {f["population"] for f in outcome.files} == {"EtabEducNat", "Eleve", "PersRelEleve"}
    assert seen and seen[-1] == pytest.approx(1.0)
    assert _children() == before


def test_a_bad_file_in_a_worker_stops_the_reading_with_its_name_and_line(
        transactional_db, two_workers, tmp_path):
    folder = delivery(tmp_path / "livraison", {
        "Eleve": [eleve(str(i), f"Eleve{i}", "Camille") for i in range(1, 21)],
    })
    bad = write_file(folder, "PersRelEleve", [relative(str(200 + i)) for i in range(1, 11)])
    bad.write_bytes(bad.read_bytes()[:-400])  # cut in the middle of a record
    files = collect([folder], tmp_path / "travail", 10**9)
    before = _children()
    with pytest.raises(AafFileError) as caught:
        pipeline.parse_and_stage(files, lambda phase, fraction: None)
    assert "PersRelEleve" in caught.value.file
    assert caught.value.line
    assert _children() == before
    assert connection.cursor() is not None

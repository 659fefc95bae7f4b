"""The upload store (``ent.uploads``) under attack: oversized bodies, zip bombs, archives
that lie about their sizes, archives in archives; and the web process's memory stays flat."""

import io
import os
import struct
import time
import tracemalloc
import types
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.http.multipartparser import MultiPartParser

from ent import uploads
from ent.french import NARROW_NBSP, french_size
from imports.parsers.detect import upload_classify
from imports.parsers.records import TimetableFileError

MB = 1 << 20
BOUNDARY = "frontiere"


class LazyBody:
    """A multipart body of one file of ``size`` bytes, produced as it is read: the test holds
    no more of it than the reader asks for."""

    def __init__(self, size, name="gros.xml"):
        self.head = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n"
                     f"x\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; "
                     f"filename=\"{name}\"\r\nContent-Type: application/xml\r\n\r\n").encode()
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.size = size
        self.length = len(self.head) + size + len(self.tail)
        self.position = 0

    def read(self, n=-1):
        if n is None or n < 0:
            n = self.length - self.position
        out = bytearray()
        while n > 0 and self.position < self.length:
            pos = self.position
            if pos < len(self.head):
                piece = self.head[pos:pos + n]
            elif pos < len(self.head) + self.size:
                piece = b"a" * min(n, len(self.head) + self.size - pos)
            else:
                start = pos - len(self.head) - self.size
                piece = self.tail[start:start + n]
            out += piece
            self.position += len(piece)
            n -= len(piece)
        return bytes(out)


def _parse(body, max_bytes):
    request = types.SimpleNamespace()
    handler = uploads.CappedUploadHandler(request, max_bytes=max_bytes,
                                          variable="ENT_AAF_MAX_UPLOAD_MB")
    meta = {"CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
            "CONTENT_LENGTH": str(body.length)}
    post, files = MultiPartParser(meta, body, [handler]).parse()
    return request, handler, post, files


def test_an_upload_streams_to_disk_chunk_by_chunk_with_flat_memory():
    body = LazyBody(40 * MB)
    tracemalloc.start()
    try:
        _request, _handler, post, files = _parse(body, max_bytes=100 * MB)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    received = files["files"]
    assert isinstance(received, TemporaryUploadedFile)
    assert received.size == 40 * MB
    assert os.path.getsize(received.temporary_file_path()) == 40 * MB
    assert Path(received.temporary_file_path()).parent == uploads.receiving_root()
    assert post["note"] == "x"
    # 40 MB went through; the process never held more than a few chunks of it.
    assert peak < 2 * MB, peak
    # Kept by a rename on the same disk: no second copy, the reception folder left empty.
    folder, stored = uploads.upload_save(kind="aaf", files=[received])
    received.close()
    assert stored == [{"name": "gros.xml", "stored": "00/gros.xml"}]
    assert (folder / "00" / "gros.xml").stat().st_size == 40 * MB
    assert not list(uploads.receiving_root().iterdir())


def test_an_upload_is_cut_off_as_soon_as_it_passes_the_limit():
    body = LazyBody(5 * MB)
    request, handler, _post, files = _parse(body, max_bytes=MB)
    assert "files" not in files
    assert request.upload_refusal.startswith("envoi trop volumineux : la limite est de 1 Mo "
                                             "(ENT_AAF_MAX_UPLOAD_MB)")
    # What was written of it is gone, and no more than the limit ever was.
    assert not os.path.exists(handler.file.file.name)
    assert handler.received <= MB + uploads.CHUNK


# --- Archives -------------------------------------------------------------------------------
def _zip(members, compression=zipfile.ZIP_DEFLATED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _zeros_zip(name, size):
    """A zip of one member of ``size`` zero bytes, written without holding them."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive, \
            archive.open(name, "w", force_zip64=True) as member:
        zeros = b"\0" * MB
        for _ in range(size // MB):
            member.write(zeros)
    return out.getvalue()


def _claiming(data, claimed):
    """The archive with every member's uncompressed size rewritten to ``claimed``, in its
    local header and in the central directory: what a hostile tool writes."""
    data = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = data.find(signature)
        while start != -1:
            size_at = start + offset
            if struct.unpack_from("<I", data, size_at)[0] != 0xFFFFFFFF:
                struct.pack_into("<I", data, size_at, claimed)
            start = data.find(signature, start + 4)
    return bytes(data)


@pytest.fixture(scope="module")
def false_size_zip():
    """200 MB of spaces in a zip of about 200 KB whose member claims 1 KiB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("s.xml", "w") as member:
        member.write(b'<?xml version="1.0"?><STS_EDT>')
        spaces = b" " * MB
        for _ in range(200):
            member.write(spaces)
        member.write(b"</STS_EDT>")
    return _claiming(out.getvalue(), 1024)


def test_a_zip_lying_about_its_sizes_is_refused_in_french_without_unpacking_it_in_memory(
        false_size_zip):
    assert len(false_size_zip) < MB
    tracemalloc.start()
    try:
        with pytest.raises(TimetableFileError) as exc:
            upload_classify([("edt.zip", false_size_zip)])
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert exc.value.file == "edt.zip/s.xml"
    assert "archive zip corrompue" in str(exc.value)
    # zipfile's read() of the whole member inflated all 200 MB at once before truncating.
    assert peak < 5 * MB, peak


def test_a_zip_bomb_is_refused_within_seconds_after_a_few_megabytes(tmp_path):
    bomb = tmp_path / "livraison.zip"
    bomb.write_bytes(_zeros_zip("ENT_Complet_20240916_Eleve_0000.xml", 200 * MB))
    assert bomb.stat().st_size < MB
    budget = uploads.UnzipBudget(total=8192 * MB, variable="X")
    started = time.monotonic()
    with pytest.raises(uploads.UploadRefused) as exc:
        # Honest sizes, under every cap: only the ratio of the bytes unpacked stops it.
        uploads.zip_extract(bomb, tmp_path / "travail", label="livraison.zip",
                            max_member_bytes=1024 * MB, budget=budget)
    assert time.monotonic() - started < 2
    # Of its 200 MB, a few were written before the ratio gave it away.
    assert budget.total - budget.left < 10 * MB
    assert exc.value.file == "livraison.zip/ENT_Complet_20240916_Eleve_0000.xml"
    assert exc.value.message.startswith("taux de compression anormal (plus de 100 pour 1)")
    assert not list((tmp_path / "travail").rglob("*.xml"))


def test_the_upload_budget_bounds_all_members_together(tmp_path):
    members = {f"ENT_Complet_20240916_Eleve_000{i}.xml": os.urandom(300_000) for i in range(4)}
    archive = tmp_path / "a.zip"
    archive.write_bytes(_zip(members, compression=zipfile.ZIP_STORED))
    budget = uploads.UnzipBudget(total=MB, variable="ENT_AAF_MAX_UNZIPPED_MB")
    with pytest.raises(uploads.UploadRefused) as exc:
        uploads.zip_extract(archive, tmp_path / "w", label="a.zip", max_member_bytes=MB,
                            budget=budget)
    assert exc.value.message == (
        "fichiers trop volumineux une fois décompressés : la limite est de 1 Mo "
        "(ENT_AAF_MAX_UNZIPPED_MB). Rien n'a été enregistré.")
    assert exc.value.file == "a.zip/ENT_Complet_20240916_Eleve_0003.xml"


@pytest.mark.parametrize(("members", "compression", "message"), [
    ({"dedans.zip": b"PK\x03\x04"}, zipfile.ZIP_STORED, "archive dans l'archive"),
    ({"x.xml": b"<a/>" * 1000}, zipfile.ZIP_BZIP2, "méthode de compression non prise en charge"),
])
def test_nested_archives_and_other_methods_are_refused(tmp_path, members, compression, message):
    archive = tmp_path / "a.zip"
    archive.write_bytes(_zip(members, compression=compression))
    with pytest.raises(uploads.UploadRefused, match=message):
        uploads.zip_extract(archive, tmp_path / "w", label="a.zip", max_member_bytes=MB,
                            budget=uploads.UnzipBudget(total=MB, variable="X"))


def test_a_zip_claiming_more_than_it_holds_is_refused_too(tmp_path):
    archive = tmp_path / "a.zip"
    archive.write_bytes(_claiming(_zip({"x.xml": b"<a/>" * 1000}), 50_000))
    with pytest.raises(uploads.UploadRefused, match="archive zip corrompue"):
        uploads.zip_extract(archive, tmp_path / "w", label="a.zip", max_member_bytes=MB,
                            budget=uploads.UnzipBudget(total=MB, variable="X"))


# --- Sizes in French ------------------------------------------------------------------------
@pytest.mark.parametrize(("n", "expected"), [
    (900, "900 octets"), (1, "1 octet"), (12 * 1024, "12 Ko"), (2 * MB, "2 Mo"),
    (int(3.25 * MB), "3,2 Mo"), (2048 * MB, f"2{NARROW_NBSP}048 Mo"),
    (4096 * MB, f"4{NARROW_NBSP}096 Mo"),
])
def test_sizes_are_written_in_french(n, expected):
    assert french_size(n) == expected


def test_a_refusal_names_the_limit_in_french_never_in_english_digits():
    message = uploads.too_large_message(size=2049 * MB, limit=2048 * MB,
                                        variable="ENT_AAF_MAX_UPLOAD_MB")
    assert message.startswith(f"envoi trop volumineux (2{NARROW_NBSP}049 Mo) : la limite est "
                              f"de 2{NARROW_NBSP}048 Mo (ENT_AAF_MAX_UPLOAD_MB)")
    assert "2,048" not in message and ".0" not in message

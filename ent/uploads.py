"""The upload store of the AAF, SIECLE and timetable imports: every export a user sends goes
through here, from the request's first byte to its deletion.

- Receiving: ``upload_capped`` puts ``CappedUploadHandler`` on a view. A request announcing
  more than the kind's limit is refused before its body is read; otherwise each file is
  written to disk chunk by chunk as it arrives, and the upload is cut off as soon as the
  bytes received pass the limit. The web process never holds more than one chunk.
- Keeping: ``upload_save`` copies the received files into a folder of their own under
  ``MEDIA_ROOT/<kind>/``, one numbered subfolder per file so that two files of one name
  are both kept; the names shown to the user are always the ones they gave.
- Unpacking: ``zip_extract`` and ``zip_member_read`` decompress member by member, counting the
  bytes actually produced (never trusting the sizes an archive claims) against a cap per
  member, a cap per upload and a compression ratio: a zip bomb is refused after a few
  megabytes, whatever its headers say.
- Deleting: ``upload_delete`` when the job that used the files ends, ``uploads_purge`` (a
  beat task) for what a dead process left behind.

Every refusal is an ``UploadRefused`` with a French message naming the file as the user
gave it; the importers turn it into their own error.
"""

import logging
import os
import shutil
import tempfile
import time
import uuid
import zipfile
import zlib
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from .errors import ApplicationError
from .french import count_label, french_size

logger = logging.getLogger(__name__)

# Per kind: the setting bounding one upload (all its files), and the variable that sets it.
UPLOAD_LIMITS = {
    "aaf": ("ENT_AAF_MAX_UPLOAD_BYTES", "ENT_AAF_MAX_UPLOAD_MB"),
    "siecle": ("ENT_SIECLE_MAX_UPLOAD_BYTES", "ENT_SIECLE_MAX_UPLOAD_MB"),
    "timetable": ("ENT_TIMETABLE_MAX_UPLOAD_BYTES", "ENT_TIMETABLE_MAX_UPLOAD_MB"),
}
# Per kind: the bytes its archives may unpack to, all members together.
UNZIPPED_LIMITS = {
    "aaf": ("ENT_AAF_MAX_UNZIPPED_BYTES", "ENT_AAF_MAX_UNZIPPED_MB"),
    "siecle": ("ENT_SIECLE_MAX_UNZIPPED_BYTES", "ENT_SIECLE_MAX_UNZIPPED_MB"),
    "timetable": ("ENT_TIMETABLE_MAX_UNZIPPED_BYTES", "ENT_TIMETABLE_MAX_UNZIPPED_MB"),
}
# Form fields and part headers around the files: a request may exceed the files' limit by this.
MULTIPART_SLACK = 64 * 1024
CHUNK = 64 * 1024
ZIP_MAX_MEMBERS = 2000
# Below this many bytes unpacked, no ratio is checked: tiny files compress anyhow.
RATIO_GRACE = 1 << 20
ZIP_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
CORRUPT = ("archive zip corrompue : un fichier n'a pas la taille ou la somme de contrôle que "
           "l'archive annonce")


class UploadRefused(ApplicationError):
    """An upload or one of its files refused; ``message`` in French, ``file`` as the user
    named it (an archive's member: ``archive.zip/member.xml``)."""

    def __init__(self, message, *, file=None):
        self.message = message
        self.file = file
        super().__init__(f"{file} : {message}" if file else message)


def _limit(kind, table):
    setting, variable = table[kind]
    return getattr(settings, setting), variable


def too_large_message(*, size, limit, variable, unpacked=False):
    what = "fichiers trop volumineux une fois décompressés" if unpacked else "envoi trop volumineux"
    size_text = f" ({french_size(size)})" if size else ""
    return (f"{what}{size_text} : la limite est de {french_size(limit)} ({variable}). "
            "Rien n'a été enregistré.")


# --- Receiving ------------------------------------------------------------------------------
class CappedUploadHandler(FileUploadHandler):
    """Writes each file to a temporary file on disk as its chunks arrive, and stops the upload
    as soon as the bytes received, all files together, pass ``max_bytes``: the part written
    is deleted and ``request.upload_refusal`` says why."""

    chunk_size = CHUNK

    def __init__(self, request, *, max_bytes, variable):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.variable = variable
        self.received = 0
        self.file: _ReceivedFile | None = None

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.file = _ReceivedFile(self.file_name, self.content_type, self.charset,
                                  self.content_type_extra)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        assert self.file is not None and self.request is not None  # new_file() came first
        if self.received > self.max_bytes:
            self.file.close()  # a temporary file: closing deletes it
            self.request.upload_refusal = too_large_message(  # type: ignore[attr-defined]
                size=None, limit=self.max_bytes, variable=self.variable)
            # The rest of the body is read and dropped (it is within the request's announced
            # length, checked before), so that the browser gets the answer.
            raise StopUpload(connection_reset=False)
        self.file.write(raw_data)

    def file_complete(self, file_size):
        assert self.file is not None
        self.file.seek(0)
        self.file.size = file_size
        return self.file

    def upload_interrupted(self):
        if self.file is not None:
            self.file.close()


class _ReceivedFile(TemporaryUploadedFile):
    """A file being received, written in the store's own temporary folder: on the store's
    disk, it becomes an upload by a rename, never by a second copy."""

    def __init__(self, name, content_type, charset, content_type_extra=None):
        folder = receiving_root()
        folder.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(suffix=".upload", dir=folder)  # noqa: SIM115
        UploadedFile.__init__(self, handle, name, content_type, 0, charset, content_type_extra)


def receiving_root():
    return Path(settings.MEDIA_ROOT) / "reception"


class _RefusingHandler(FileUploadHandler):
    """Reads nothing of a body announced too large: the request's POST and FILES are empty."""

    def handle_raw_input(self, *args, **kwargs):
        return QueryDict(), MultiValueDict()

    def receive_data_chunk(self, raw_data, start):  # pragma: no cover - never reached
        return None

    def file_complete(self, file_size):  # pragma: no cover - never reached
        return None


def upload_capped(kind):
    """A view receiving files of ``kind`` ("aaf", "siecle", "timetable"), bounded by its
    setting. The view reads ``upload_refusal(request)`` before its form: when set, the upload
    was refused and the request's POST may be empty or cut short.

    Upload handlers must be set before anything reads the body, CSRF's check included; so the
    view is exempted from the middleware's check and checked here instead, once the handler is
    in place (Django's documented way). A body refused unread carries no token to check: the
    view gets an empty POST and only shows the refusal.
    """

    def decorate(view):
        protected = csrf_protect(view)

        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                limit, variable = _limit(kind, UPLOAD_LIMITS)
                try:
                    announced = int(request.META.get("CONTENT_LENGTH") or 0)
                except ValueError:
                    announced = 0
                if announced > limit + MULTIPART_SLACK:
                    request.upload_refusal = too_large_message(
                        size=announced, limit=limit, variable=variable)
                    request.upload_handlers = [_RefusingHandler(request)]
                    return view(request, *args, **kwargs)
                request.upload_handlers = [
                    CappedUploadHandler(request, max_bytes=limit, variable=variable)]
            return protected(request, *args, **kwargs)

        return csrf_exempt(wrapper)

    return decorate


def upload_refusal(request):
    """The French reason an upload was refused while it arrived, or None. Reads the body
    first if nothing has yet: the refusal comes while the files arrive."""
    if request.method == "POST" and not hasattr(request, "upload_refusal"):
        request.FILES  # noqa: B018 - parses the body through the capped handler
    return getattr(request, "upload_refusal", None)


def form_refuse(form, field, message):
    """Show a refused upload's reason on its form, left unbound (nothing of the upload is
    kept, and no « champ obligatoire » is added)."""
    if not hasattr(form, "cleaned_data"):
        form.cleaned_data = {}
    form.add_error(field, message)


# --- Keeping --------------------------------------------------------------------------------
def _shown_name(name):
    """The file's own name as the browser sent it, without any folder."""
    return Path(str(name).replace("\\", "/")).name or "fichier"


def upload_save(*, kind, files, folder=None):
    """Copy an upload's files into a new folder of ``MEDIA_ROOT/<kind>/`` (or ``folder``),
    chunk by chunk, one numbered subfolder per file; returns the folder and the stored files
    as ``[{"name": as given, "stored": relative path}]``.

    ``files``: Django's uploaded files, or ``(name, bytes)`` pairs (the command line, tests).
    The bytes written are counted against the kind's upload limit whatever the sizes say.
    """
    limit, variable = _limit(kind, UPLOAD_LIMITS)
    folder = Path(folder) if folder else upload_root(kind) / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    stored, written = [], 0
    try:
        for index, item in enumerate(files):
            if isinstance(item, tuple):
                name, data = item
                chunks = (data[i:i + CHUNK] for i in range(0, len(data), CHUNK))
            else:
                name, chunks = item.name, item.chunks(CHUNK)
            shown = _shown_name(name)
            target = folder / f"{index:02d}" / shown
            target.parent.mkdir(exist_ok=True)
            received = getattr(item, "temporary_file_path", None)
            if received is not None:
                # Received on disk already (and counted as it came): moved, not copied.
                written += os.path.getsize(received())
                if written > limit:
                    raise UploadRefused(too_large_message(size=None, limit=limit,
                                                          variable=variable))
                shutil.move(received(), target)
            else:
                with open(target, "wb") as out:
                    for chunk in chunks:
                        written += len(chunk)
                        if written > limit:
                            raise UploadRefused(too_large_message(size=None, limit=limit,
                                                                  variable=variable))
                        out.write(chunk)
            stored.append({"name": shown, "stored": str(target.relative_to(folder))})
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    (folder / MARKER).write_text("\n".join(f["stored"] for f in stored))
    return folder, stored


# Written last in a saved upload's folder: the importers then name its files by their own
# names, never by the store's folders, and the purge knows the folder is the store's.
MARKER = ".televersement"


def upload_root(kind):
    return Path(settings.MEDIA_ROOT) / kind


def is_upload_folder(path):
    return (Path(path) / MARKER).is_file()


def upload_files(folder):
    """The files of a saved upload, in the order given: ``(path, name as given)``."""
    folder = Path(folder)
    listed = (folder / MARKER).read_text().split("\n") if is_upload_folder(folder) else []
    return [(folder / rel, Path(rel).name) for rel in listed if rel]


# --- Unpacking ------------------------------------------------------------------------------
class UnzipBudget:
    """What an upload's archives may still unpack to, all members together."""

    def __init__(self, kind=None, *, total=None, variable=""):
        if kind is not None:
            total, variable = _limit(kind, UNZIPPED_LIMITS)
        self.total, self.left, self.variable = total, total, variable

    def spend(self, n, *, file):
        self.left -= n
        if self.left < 0:
            raise UploadRefused(too_large_message(size=None, limit=self.total,
                                                  variable=self.variable, unpacked=True),
                                file=file)


class _CountingFile:
    """The archive's file, counting the compressed bytes zipfile reads from it."""

    def __init__(self, handle):
        self.handle = handle
        self.read_bytes = 0

    def read(self, n=-1):
        data = self.handle.read(n)
        self.read_bytes += len(data)
        return data

    def __getattr__(self, name):
        return getattr(self.handle, name)


class SafeZip:
    """An archive opened for a capped, streaming unpacking. ``label``: its name as the user
    gave it, which every message uses."""

    def __init__(self, source, *, label, max_member_bytes, budget, max_ratio=None):
        self.label = label
        self.max_member_bytes = max_member_bytes
        self.budget = budget
        self.max_ratio = max_ratio or settings.ENT_UPLOAD_MAX_ZIP_RATIO
        raw = open(source, "rb") if isinstance(source, str | Path) else source  # noqa: SIM115
        self._owned = raw if raw is not source else None
        self.counter = _CountingFile(raw)
        try:
            self.zip = zipfile.ZipFile(self.counter)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
            self.close()
            raise UploadRefused("archive zip illisible ou tronquée", file=label) from exc
        self.members = [m for m in self.zip.infolist() if not m.is_dir()]
        if len(self.members) > ZIP_MAX_MEMBERS:
            self.close()
            raise UploadRefused(
                f"l'archive contient plus de {count_label(ZIP_MAX_MEMBERS, 'fichier')} : "
                "refusée", file=label)

    def close(self):
        if self._owned is not None:
            self._owned.close()
            self._owned = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def shown(self, info):
        return f"{self.label}/{info.filename.lstrip('/')}"

    def chunks(self, info):
        """The member's bytes, chunk by chunk, each checked as it comes: the bytes actually
        unpacked against the member's cap, the upload's budget and the compression ratio."""
        shown = self.shown(info)
        if info.flag_bits & 0x1:
            raise UploadRefused("fichier chiffré dans l'archive : déposez une archive sans mot "
                                "de passe", file=shown)
        if info.compress_type not in ZIP_METHODS:
            raise UploadRefused("méthode de compression non prise en charge (seules « stored » "
                                "et « deflate » le sont) : refaites l'archive en zip standard",
                                file=shown)
        if info.file_size > self.max_member_bytes:
            # What the archive claims is enough to refuse, never to accept.
            raise UploadRefused(
                f"fichier trop volumineux une fois décompressé ({french_size(info.file_size)}) "
                f": la limite est de {french_size(self.max_member_bytes)} par fichier",
                file=shown)
        written = 0
        try:
            with self.zip.open(info) as member:
                start = self.counter.read_bytes
                while True:
                    # A bounded read: zipfile then inflates at most this much at a time.
                    chunk = member.read(CHUNK)
                    if not chunk:
                        break
                    written += len(chunk)
                    if written > self.max_member_bytes:
                        raise UploadRefused(
                            "fichier trop volumineux une fois décompressé : la limite est de "
                            f"{french_size(self.max_member_bytes)} par fichier", file=shown)
                    consumed = max(self.counter.read_bytes - start, 1)
                    if written > RATIO_GRACE and written > consumed * self.max_ratio:
                        raise UploadRefused(
                            "taux de compression anormal (plus de "
                            f"{self.max_ratio} pour 1) : archive refusée, elle ressemble à une "
                            "« bombe de décompression »", file=shown)
                    self.budget.spend(len(chunk), file=shown)
                    yield chunk
        except (zipfile.BadZipFile, EOFError, zlib.error, ValueError, OSError) as exc:
            # zipfile stops at the size the archive claims, then finds the checksum wrong.
            raise UploadRefused(CORRUPT, file=shown) from exc
        if written != info.file_size:
            raise UploadRefused(CORRUPT, file=shown)


def zip_member_read(archive, info):
    """One member's bytes, unpacked under ``archive``'s caps (a ``SafeZip``)."""
    return b"".join(archive.chunks(info))


def _nested_archive(name):
    return name.lower().endswith((".zip", ".jar", ".7z", ".rar", ".gz", ".tgz", ".bz2", ".xz"))


def zip_extract(source, workdir, *, label, max_member_bytes, budget, keep=None):
    """Unpack ``source``'s members that ``keep(name)`` accepts (XML files by default) into a
    new folder of ``workdir``; returns ``(path, name shown)`` pairs. Member paths never leave
    that folder (each goes to its own numbered subfolder, under its base name). An archive
    inside the archive is refused: it would escape the ratio's watch."""
    keep = keep or (lambda name: name.lower().endswith(".xml"))
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    target = workdir / f"zip-{uuid.uuid4().hex[:12]}"
    target.mkdir()
    out = []
    with SafeZip(source, label=label, max_member_bytes=max_member_bytes,
                 budget=budget) as archive:
        for index, info in enumerate(archive.members):
            base = Path(info.filename.replace("\\", "/")).name
            if _nested_archive(base):
                raise UploadRefused("archive dans l'archive : décompressez-la et déposez ses "
                                    "fichiers", file=archive.shown(info))
            if not keep(base):
                continue
            destination = target / str(index) / base
            destination.parent.mkdir()
            try:
                with open(destination, "wb") as dst:
                    for chunk in archive.chunks(info):
                        dst.write(chunk)
            except UploadRefused:
                shutil.rmtree(target, ignore_errors=True)
                raise
            out.append((destination, archive.shown(info)))
    return out


# --- Deleting -------------------------------------------------------------------------------
def upload_delete(folder):
    """Delete a saved upload; a folder outside the store (the command line's own files) is
    never touched."""
    if not folder:
        return False
    folder = Path(folder)
    media = Path(settings.MEDIA_ROOT).resolve()
    try:
        inside = folder.resolve().is_relative_to(media) and folder.resolve() != media
    except OSError:
        return False
    if not inside or not folder.exists():
        return False
    shutil.rmtree(folder, ignore_errors=True)
    return True


def uploads_purge(*, in_use, now=None):
    """Delete the store's folders older than ENT_UPLOAD_RETRY_HOURS that no job still needs
    (``in_use``: their paths); returns how many. What a process killed between saving an
    upload and registering its job left, and the files of jobs ended long ago."""
    now = now or time.time()
    cutoff = now - settings.ENT_UPLOAD_RETRY_HOURS * 3600
    keep = {Path(p).resolve() for p in in_use if p}
    purged = 0
    receiving = receiving_root()
    if receiving.is_dir():
        # What a web process killed while receiving a file left (a finished request deletes
        # its own).
        for leftover in receiving.iterdir():
            try:
                if leftover.stat().st_mtime < cutoff:
                    leftover.unlink()
                    purged += 1
            except FileNotFoundError:
                continue
    for kind in UPLOAD_LIMITS:
        root = upload_root(kind)
        if not root.is_dir():
            continue
        for folder in root.iterdir():
            if not folder.is_dir() or folder.resolve() in keep:
                continue
            try:
                if folder.stat().st_mtime > cutoff:
                    continue
            except FileNotFoundError:
                continue
            shutil.rmtree(folder, ignore_errors=True)
            purged += 1
    if purged:
        logger.info("purged %s leftover upload folders", purged)
    return purged

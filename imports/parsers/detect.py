"""Which timetable format an upload holds, from the files' roots, never from their names
(exports get renamed): EDT/PRONOTE, its encrypted container, a UDT zip, an STS-web pair."""

import io
from dataclasses import dataclass, field

from lxml import etree

from .records import TimetableFileError

ROOTS = {
    "ExportEmploiDuTemps": "edt",
    "EXPORT_INDEX_EDUCATION": "edt",
    "STS_EDT": "sts_emp",
    "EDT_STS": "emp_sts",
}


@dataclass
class Upload:
    """The upload's files by role: ``edt``, ``udt`` (the zip), ``sts_emp``, ``emp_sts``, each
    as its bytes or its path."""

    parts: dict = field(default_factory=dict)
    names: dict = field(default_factory=dict)

    @property
    def source(self):
        if "udt" in self.parts:
            return "udt"
        if "edt" in self.parts:
            return "edt"
        return "sts"


def root_name(data, *, file_name):
    """The local name of the root element, read safely from the first bytes."""
    parser_args = dict(events=("start",), resolve_entities=False, no_network=True,
                       load_dtd=False, huge_tree=False)
    try:
        for _, element in etree.iterparse(io.BytesIO(data[:65536]), **parser_args):
            if element.getroottree().docinfo.doctype:
                # Entities and external DTDs are how hostile XML attacks a parser.
                raise TimetableFileError("déclaration DTD refusée dans un export d'emploi "
                                         "du temps", file=file_name, line=1)
            return etree.QName(element).localname
    except etree.XMLSyntaxError as exc:
        raise TimetableFileError("ce fichier n'est pas un fichier XML lisible",
                                 file=file_name, line=exc.lineno or None) from exc
    raise TimetableFileError("fichier vide", file=file_name)


HEAD_BYTES = 65536


def _head(data):
    """The first bytes of a file given as bytes or as a path."""
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data[:HEAD_BYTES])
    with open(data, "rb") as handle:
        return handle.read(HEAD_BYTES)


def _member_head(archive, info):
    head = b""
    for chunk in archive.chunks(info):
        head += chunk
        if len(head) >= HEAD_BYTES:
            break
    return head


def upload_classify(files, *, max_bytes=None, workdir=None, head_only=False):
    """``files``: (name, bytes or path) pairs. Zips are opened: UDT, or exports zipped by hand.

    A zipped file is unpacked under ``ent.uploads``' caps on the bytes actually produced
    (``max_bytes`` per file, the parsers' own limit, and ENT_TIMETABLE_MAX_UNZIPPED_MB in
    all): a small archive may hold gigabytes of repeated bytes, whatever its headers claim.
    Its members go to ``workdir`` when given (the worker), else into memory (tests).

    ``head_only``: only the first bytes of each file are read, enough to tell its format (the
    web request refuses at once what is no timetable export; the worker reads the rest).
    """
    from ent.uploads import SafeZip, UnzipBudget, UploadRefused, zip_extract

    if max_bytes is None:
        from . import max_file_bytes

        max_bytes = max_file_bytes()
    upload = Upload()
    budget = UnzipBudget("timetable")
    try:
        for name, data in files:
            if _head(data)[:4] != b"PK\x03\x04":
                _classify_xml(upload, name, data)
                continue
            source = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
            with SafeZip(source, label=name, max_member_bytes=max_bytes,
                         budget=budget) as archive:
                members = [m for m in archive.members if m.filename.lower().endswith(".xml")]
                if any(m.filename.rsplit("/", 1)[-1].lower().startswith("udcal_")
                       for m in members):
                    _put(upload, "udt", name, data)
                    continue
                if not members:
                    raise TimetableFileError("l'archive ne contient aucun fichier XML", file=name)
                if workdir is not None and not head_only:
                    archive.close()
                    for path, shown in zip_extract(source, workdir, label=name,
                                                   max_member_bytes=max_bytes, budget=budget):
                        _classify_xml(upload, shown, path)
                    continue
                for member in members:
                    content = (_member_head(archive, member) if head_only
                               else b"".join(archive.chunks(member)))
                    _classify_xml(upload, archive.shown(member), content)
    except UploadRefused as exc:
        raise TimetableFileError(exc.message, file=exc.file or "") from exc
    if not upload.parts:
        raise TimetableFileError("aucun fichier d'emploi du temps reçu")
    if "emp_sts" in upload.parts and "sts_emp" not in upload.parts:
        raise TimetableFileError("le fichier emp_sts doit être accompagné de son sts_emp "
                                 "(export STS-web de la même année)",
                                 file=upload.names["emp_sts"])
    if len({"edt", "udt", "sts_emp"} & set(upload.parts)) > 1:
        raise TimetableFileError("ces fichiers mêlent plusieurs logiciels d'emploi du temps : "
                                 "déposez un seul export à la fois")
    return upload


def _classify_xml(upload, name, data):
    root = root_name(_head(data), file_name=name)
    role = ROOTS.get(root)
    if role is None:
        raise TimetableFileError(
            f"élément racine « {root} » inconnu : ni export EDT/PRONOTE "
            "(ExportEmploiDuTemps), ni STS-web (STS_EDT, EDT_STS)", file=name, line=1)
    _put(upload, role, name, data)


def _put(upload, role, name, data):
    if role in upload.parts:
        raise TimetableFileError(f"deux fichiers du même type : {upload.names[role]} et {name}",
                                 file=name)
    upload.parts[role] = data
    upload.names[role] = name

"""Which timetable format an upload holds, from the files' roots, never from their names
(exports get renamed): EDT/PRONOTE, its encrypted container, a UDT zip, an STS-web pair."""

import io
import zipfile
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
    """The upload's files by role: ``edt``, ``udt`` (zip bytes), ``sts_emp``, ``emp_sts``."""

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


def upload_classify(files, *, max_bytes=None):
    """``files``: (name, bytes) pairs. Zips are opened: UDT, or exports zipped by hand.

    A zipped file is unpacked only when it declares at most ``max_bytes`` (the parsers' own
    limit): a small archive may hold gigabytes of repeated bytes.
    """
    if max_bytes is None:
        from . import max_file_bytes

        max_bytes = max_file_bytes()
    upload = Upload()
    for name, data in files:
        if data[:4] == b"PK\x03\x04":
            try:
                archive = zipfile.ZipFile(io.BytesIO(data))
                members = [m for m in archive.namelist() if m.lower().endswith(".xml")]
            except zipfile.BadZipFile as exc:
                raise TimetableFileError("archive zip illisible", file=name) from exc
            if any(m.rsplit("/", 1)[-1].lower().startswith("udcal_") for m in members):
                _put(upload, "udt", name, data)
                continue
            if not members:
                raise TimetableFileError("l'archive ne contient aucun fichier XML", file=name)
            for member in members:
                size = archive.getinfo(member).file_size
                if size > max_bytes:
                    raise TimetableFileError(
                        f"fichier trop volumineux une fois décompressé ({size // 1048576} Mo) : "
                        f"la limite est de {max_bytes // 1048576} Mo", file=f"{name}/{member}")
                _classify_xml(upload, f"{name}/{member}", archive.read(member))
            continue
        _classify_xml(upload, name, data)
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
    root = root_name(data, file_name=name)
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

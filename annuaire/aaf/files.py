"""Finding the AAF files of a delivery: files, folders and zip archives."""

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ent.uploads import (
    ZIP_MAX_MEMBERS,
    UnzipBudget,
    UploadRefused,
    is_upload_folder,
    upload_files,
    zip_extract,
)

from .errors import AafFileError, AafImportError

POPULATIONS = ("EtabEducNat", "MatiereEducNat", "MefEducNat", "Eleve", "PersRelEleve", "PersEducNat")
PERSON_POPULATIONS = ("Eleve", "PersRelEleve", "PersEducNat")
_NAME = re.compile(
    r"(?:^|_)(?P<kind>Complet|Delta)_(?P<date>\d{8})_(?P<population>"
    + "|".join(POPULATIONS)
    + r")_(?P<seq>\d+)\.xml$",
    re.IGNORECASE,
)
_POPULATION_ANYWHERE = re.compile(r"(?:^|_)(" + "|".join(POPULATIONS) + r")(?:_|\.|$)", re.I)
_KIND_ANYWHERE = re.compile(r"(?:^|_)(Complet|Delta)(?:_|\.|$)", re.I)
__all__ = ["ZIP_MAX_MEMBERS", "collect", "describe"]


@dataclass
class AafFile:
    """One XML file of a delivery, and what its name tells."""

    path: Path
    name: str
    population: str | None
    kind: str | None
    date: str | None
    size: int

    def as_dict(self):
        return {
            "name": self.name, "path": str(self.path), "population": self.population,
            "kind": self.kind, "date": self.date, "size": self.size,
        }


def _canonical_population(name):
    for population in POPULATIONS:
        if population.lower() == name.lower():
            return population
    return None


def describe(path, name):
    """What a file's name says: population, Complet or Delta, date."""
    base = Path(name).name
    match = _NAME.search(base)
    if match:
        return AafFile(
            path=Path(path), name=name, population=_canonical_population(match["population"]),
            kind=match["kind"].capitalize(), date=match["date"], size=Path(path).stat().st_size,
        )
    population = _POPULATION_ANYWHERE.search(base)
    kind = _KIND_ANYWHERE.search(base)
    return AafFile(
        path=Path(path), name=name,
        population=_canonical_population(population.group(1)) if population else None,
        kind=kind.group(1).capitalize() if kind else None, date=None,
        size=Path(path).stat().st_size,
    )


def _extract_zip(archive, workdir, max_bytes, *, label=None, budget=None, kind="aaf"):
    """Extract the XML members of a zip under ``ent.uploads``' caps: no path leaves the work
    folder, and the bytes actually unpacked are bounded per member (``max_bytes``), per upload
    (``budget``, else the kind's ENT_…_MAX_UNZIPPED_MB) and by the compression ratio."""
    label = label or Path(archive).name
    try:
        return zip_extract(archive, workdir, label=label, max_member_bytes=max_bytes,
                           budget=budget or UnzipBudget(kind))
    except UploadRefused as exc:
        raise AafFileError(exc.file or label, exc.message) from exc


def collect(paths, workdir, max_bytes):
    """Every AAF XML file under ``paths`` (files, folders, zips), sorted by population then name."""
    found = []
    budget = UnzipBudget("aaf")
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise AafImportError(f"{raw} : fichier ou dossier introuvable")
        if path.is_dir() and is_upload_folder(path):
            # Each file named as the user gave it, never by the store's folders.
            for child, name in upload_files(path):
                if child.suffix.lower() == ".zip" or zipfile.is_zipfile(child):
                    found.extend(_extract_zip(child, workdir, max_bytes, label=name,
                                              budget=budget))
                else:
                    found.append((child, name))
        elif path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() == ".xml":
                    found.append((child, str(child.relative_to(path.parent))))
                elif child.is_file() and child.suffix.lower() == ".zip":
                    found.extend(_extract_zip(child, workdir, max_bytes, budget=budget))
        elif zipfile.is_zipfile(path) or path.suffix.lower() == ".zip":
            found.extend(_extract_zip(path, workdir, max_bytes, budget=budget))
        else:
            found.append((path, path.name))
    files = [describe(path, name) for path, name in found]
    if not files:
        raise AafImportError("aucun fichier XML AAF trouvé dans ce qui a été fourni")
    order = {population: i for i, population in enumerate(POPULATIONS)}
    files.sort(key=lambda f: (order.get(f.population, 99), f.name))
    return files

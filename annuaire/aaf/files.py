"""Finding the AAF files of a delivery: files, folders and zip archives."""

import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

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
ZIP_MAX_MEMBERS = 2000
ZIP_MAX_RATIO = 1000


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


def _extract_zip(archive, workdir, max_bytes):
    """Extract the XML members of a zip, refusing traversal, bombs and oversize members."""
    Path(workdir).mkdir(parents=True, exist_ok=True)
    # A folder of its own per archive, and per member below it: two archives, or two folders
    # of one archive, may hold files of the same name.
    target = Path(tempfile.mkdtemp(prefix=f"zip-{Path(archive).stem}-", dir=workdir))
    label = Path(archive).name
    try:
        zf = zipfile.ZipFile(archive)
    except zipfile.BadZipFile as exc:
        raise AafFileError(label, "archive zip illisible ou tronquée") from exc
    out = []
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        if len(members) > ZIP_MAX_MEMBERS:
            raise AafFileError(label, f"l'archive contient plus de {ZIP_MAX_MEMBERS} fichiers")
        total = 0
        for index, member in enumerate(members):
            member_name = Path(member.filename).name
            if not member_name.lower().endswith(".xml"):
                continue
            shown = f"{label}/{member.filename.lstrip('/')}"
            total += member.file_size
            if member.file_size > max_bytes or total > max_bytes * 8:
                raise AafFileError(
                    shown,
                    f"fichier trop volumineux une fois décompressé ({member.file_size} octets)",
                )
            if member.compress_size and member.file_size / member.compress_size > ZIP_MAX_RATIO:
                raise AafFileError(
                    shown, "taux de compression anormal : archive refusée"
                )
            destination = target / str(index) / member_name
            destination.parent.mkdir()
            written = 0
            with zf.open(member) as src, open(destination, "wb") as dst:
                while chunk := src.read(1 << 20):
                    written += len(chunk)
                    if written > member.file_size:
                        raise AafFileError(
                            shown, "taille décompressée différente de l'annoncée"
                        )
                    dst.write(chunk)
            out.append((destination, shown))
    return out


def collect(paths, workdir, max_bytes):
    """Every AAF XML file under ``paths`` (files, folders, zips), sorted by population then name."""
    found = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise AafImportError(f"{raw} : fichier ou dossier introuvable")
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() == ".xml":
                    found.append((child, str(child.relative_to(path.parent))))
                elif child.is_file() and child.suffix.lower() == ".zip":
                    found.extend(_extract_zip(child, workdir, max_bytes))
        elif zipfile.is_zipfile(path) or path.suffix.lower() == ".zip":
            found.extend(_extract_zip(path, workdir, max_bytes))
        else:
            found.append((path, path.name))
    files = [describe(path, name) for path, name in found]
    if not files:
        raise AafImportError("aucun fichier XML AAF trouvé dans ce qui a été fourni")
    order = {population: i for i, population in enumerate(POPULATIONS)}
    files.sort(key=lambda f: (order.get(f.population, 99), f.name))
    return files

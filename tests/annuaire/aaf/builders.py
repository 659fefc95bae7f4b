"""Small AAF files built in tests: records as text, files as bytes, deliveries as folders.

The shape copies the real samples (``../shared/samples/aaf``): ``addRequest``/``modifyRequest``/
``deleteRequest`` under ``ficAlimMENESR``, ``$``-separated values, the feed's own DOCTYPE.
"""

from pathlib import Path
from xml.sax.saxutils import escape

from annuaire.aaf import pipeline

CATEGORY_ATTR = {
    "EtabEducNat": ("categorieStructure", "EtabEducNat"),
    "MatiereEducNat": ("categorieMatiere", "MatEducNat"),
    "MefEducNat": ("categorieMef", "MefEducNat"),
    "Eleve": ("categoriePersonne", "Eleve"),
    "PersRelEleve": ("categoriePersonne", "PersRelEleve"),
    "PersEducNat": ("categoriePersonne", "PersEducNat"),
}
DOCTYPE = '<!DOCTYPE ficAlimMENESR SYSTEM "ficAlimMENESR.dtd">'


def _values(value):
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def attrs_xml(attrs, tag="attr"):
    out = []
    for name, value in attrs.items():
        values = _values(value) or [""]
        inner = "".join(f"<value>{escape(v)}</value>" if v else "<value/>" for v in values)
        extra = ' operation="replace"' if tag == "modification" else ""
        out.append(f'<{tag} name="{name}"{extra}>{inner}</{tag}>')
    return "\n".join(out)


def record(population, identifier, attrs=None, *, op="add", category=None):
    """One request; ``attrs`` maps attribute names to a value or a list of values."""
    name, value = CATEGORY_ATTR[population]
    category = value if category is None else category
    head = (f'<operationalAttributes><attr name="{name}"><value>{category}</value></attr>'
            f"</operationalAttributes>\n<identifier><id>{escape(identifier)}</id></identifier>")
    if op == "delete":
        return f"<deleteRequest>\n{head}\n</deleteRequest>"
    if op == "modify":
        return (f"<modifyRequest>\n{head}\n<modifications>\n{attrs_xml(attrs or {}, 'modification')}"
                "\n</modifications>\n</modifyRequest>")
    return f"<addRequest>\n{head}\n<attributes>\n{attrs_xml(attrs or {})}\n</attributes>\n</addRequest>"


def etab(aaf_id, uai, name="CLG$COLLEGE TEST$LYON", **extra):
    return record("EtabEducNat", aaf_id, {
        "ENTStructureJointure": aaf_id, "ENTStructureUAI": uai, "ENTStructureNomCourant": name,
        "ENTStructureTypeStruct": "COLLEGE", "ENTServAcAcademie": "LYON", **extra,
    })


def matiere(code, libelle):
    return record("MatiereEducNat", code, {"ENTMatJointure": code, "ENTLibelleMatiere": libelle})


def mef(code, libelle):
    return record("MefEducNat", code, {"ENTMefJointure": code, "ENTLibelleMef": libelle})


def _person(identifier, sn, given, birth, etab_id, extra):
    attrs = {
        "ENTPersonJointure": identifier, "ENTPersonDateNaissance": birth,
        "ENTPersonNomPatro": sn.upper(), "sn": sn, "givenName": given,
        "personalTitle": "M.", "ENTPersonStructRattach": etab_id,
    }
    attrs.update(extra)
    return {k: v for k, v in attrs.items() if v is not None}


def eleve_attrs(identifier, sn="Dupont", given="Léa", *, etab_id="1001", classe="3A",
                groupes=(), relatives=(), birth="14/09/2010", **extra):
    attrs = _person(identifier, sn, given, birth, etab_id, extra)
    attrs.setdefault("ENTEleveClasses", f"{etab_id}${classe}" if classe else "")
    attrs.setdefault("ENTEleveGroupes", [f"{etab_id}${g}" for g in groupes] or "")
    attrs.setdefault("ENTElevePersRelEleve", list(relatives) or "")
    return attrs


def eleve(identifier, *args, op="add", **kwargs):
    return record("Eleve", identifier, eleve_attrs(identifier, *args, **kwargs), op=op)


def relative(identifier, sn="Dupont", given="Sophie", *, birth="", op="add", **extra):
    attrs = _person(identifier, sn, given, birth, None, extra)
    return record("PersRelEleve", identifier, attrs, op=op)


def staff(identifier, sn="Martin", given="Hélène", *, etab_id="1001", fonctions=None,
          birth="01/01/1980", op="add", **extra):
    fonctions = [f"{etab_id}$ENS$ENSEIGNEMENT$L1300$MATHEMATIQUES"] if fonctions is None else fonctions
    attrs = _person(identifier, sn, given, birth, etab_id, extra)
    attrs.setdefault("ENTPersonFonctions", fonctions or "")
    return record("PersEducNat", identifier, attrs, op=op)


def aaf_bytes(records, *, version="AAF-VE2407", encoding="UTF-8", declaration=True,
              doctype=True, crlf=False):
    lines = []
    if declaration:
        lines.append(f'<?xml version="1.0" encoding="{encoding}"?>')
    if doctype:
        lines.append(DOCTYPE)
    lines.append("<ficAlimMENESR>")
    if version:
        lines.append(f'<!-- versionAF="{version}" -->')
    lines.extend(records)
    lines.append("</ficAlimMENESR>")
    text = "\n".join(lines) + "\n"
    if crlf:
        text = text.replace("\n", "\r\n")
    return text.encode(encoding if declaration else "utf-8")


def file_name(population, kind="Complet", date="20240916", seq=0):
    return f"ENT2DVA-ENT16_{kind}_{date}_{population}_{seq:04d}.xml"


def write_file(folder, population, records, *, kind="Complet", date="20240916", seq=0,
               name=None, **options):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or file_name(population, kind, date, seq))
    path.write_bytes(aaf_bytes(records, **options))
    return path


def delivery(folder, populations, *, kind="Complet", date="20240916", **options):
    """A folder holding one file per population: ``{"Eleve": [records…], …}``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for population, records in populations.items():
        write_file(folder, population, records, kind=kind, date=date, **options)
    return folder


class Runner:
    """Runs successive imports, each from its own folder under ``tmp_path``."""

    def __init__(self, tmp_path):
        self.tmp_path = Path(tmp_path)
        self.n = 0

    def folder(self):
        self.n += 1
        return self.tmp_path / f"livraison{self.n}"

    def __call__(self, populations, *, kind="Complet", simulate=False, force=False, **options):
        folder = delivery(self.folder(), populations, kind=kind, **options)
        return self.paths([folder], simulate=simulate, force=force)

    def paths(self, paths, *, simulate=False, force=False):
        return pipeline.run(paths, self.tmp_path / f"travail{self.n}", simulate=simulate,
                            force=force)


def issues(result, level=None, code=None):
    return [i for i in result.issues
            if (level is None or i["level"] == level) and (code is None or i.get("code") == code)]

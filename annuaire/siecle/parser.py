"""Streaming, safe reading of SIECLE (BEE_*) and STS-web (STS_EDT) files.

The safety of the AAF parser is reused as it is (parser options, libxml2 messages in French,
truncation diagnosis, size bound); only what differs is overridden: these exports declare no
DTD at all, their root is one of the BEE/STS roots, their size limit has its own setting and
only a few encodings are accepted. Files are read as bytes, so lxml honours the declared
encoding (ISO-8859-15 in every real export: 0xBD is « œ », 0xA4 « € »).
"""

import re
from dataclasses import dataclass

from lxml import etree

from ent.xmlsafe import dtd_declared, dtd_declares_entities, looks_like_xml

from ..aaf.errors import AafFileError
from ..aaf.parser import _PARSER_OPTIONS, ENTITY_DECLARATIONS, AafParser, _CountingReader

# Root element → the kind of export, and its label in French messages.
ROOTS = {
    "BEE_ELEVES": "eleves",
    "BEE_RESPONSABLES": "responsables",
    "BEE_NOMENCLATURES": "nomenclature",
    "STS_EDT": "sts",
}
KIND_LABELS = {
    "eleves": "élèves SIECLE (ElevesSansAdresses / ElevesAvecAdresses)",
    "responsables": "responsables SIECLE (ResponsablesAvecAdresses)",
    "nomenclature": "nomenclature SIECLE (Nomenclature)",
    "sts": "STS-web (sts_emp)",
}
ACCEPTED_ENCODINGS = {"ISO-8859-15", "ISO-8859-1", "UTF-8", "LATIN-9", "LATIN9", "US-ASCII"}
_CLOSING_ROOT = re.compile(rb"</(?:" + b"|".join(r.encode() for r in ROOTS) + rb")>\s*$")


class SiecleFileError(AafFileError):
    """A SIECLE or STS file that cannot be read: nothing is written."""


@dataclass
class Header:
    """What a file's PARAMETRES say."""

    kind: str
    root: str
    name: str
    version: str = ""
    uaj: str = ""
    annee: str = ""
    date_export: str = ""
    line: int = 1
    uaj_line: int = 1


def text(element, path):
    """The stripped text of a child (STS pretty-prints inside text nodes); '' when absent."""
    value = element.findtext(path)
    return value.strip() if value else ""


class SiecleParser(AafParser):
    """One SIECLE or STS-web file: its header, then its records as lxml elements."""

    CLOSING_ROOT = _CLOSING_ROOT
    SIZE_SETTING = "ENT_SIECLE_MAX_FILE_MB"

    def __init__(self, path, name, max_bytes, on_read=None):
        super().__init__(path, name, max_bytes, on_read)
        self.root = None

    def _error(self, message, line=None):
        return SiecleFileError(self.name, message, line)

    def _truncated_at(self, line):
        with open(self.path, "rb") as handle:
            if not looks_like_xml(handle.read(64)):
                return False  # not XML at all (a CSV, a text), not a cut XML file
        return super()._truncated_at(line)

    def _check_prolog(self, root):
        info = root.getroottree().docinfo
        if dtd_declares_entities(info):
            raise self._error(ENTITY_DECLARATIONS, 1)
        if dtd_declared(info):
            raise self._error("le fichier déclare une DTD : les exports SIECLE et STS-web "
                              "n'en ont pas, fichier refusé", 1)
        if root.tag not in ROOTS:
            expected = ", ".join(f"<{r}>" for r in ROOTS)
            raise self._error(
                f"élément racine <{root.tag}> inattendu : ce n'est pas un export SIECLE ou "
                f"STS-web reconnu (attendu {expected})", root.sourceline)
        self.root = root.tag

    def _check_encoding(self, encoding):
        if encoding and encoding not in ACCEPTED_ENCODINGS:
            raise self._error(
                f"encodage déclaré « {encoding} » non pris en charge (attendu ISO-8859-15 ou "
                "UTF-8)", 1)

    def read_header(self):
        """Check size, prolog and root, and read PARAMETRES (which come first)."""
        self._check_size()
        self._read_header()
        kind = ROOTS[self.root]
        header = Header(kind=kind, root=self.root, name=self.name)
        with open(self.path, "rb") as handle:
            events = etree.iterparse(handle, events=("start", "end"), **_PARSER_OPTIONS)
            depth = 0
            try:
                for event, node in events:
                    if event == "start":
                        depth += 1
                        if depth == 1:
                            header.version = (node.get("VERSION") or "").strip()
                            header.line = node.sourceline or 1
                        elif depth == 2 and node.tag != "PARAMETRES":
                            break
                        continue
                    depth -= 1
                    if depth == 1 and node.tag == "PARAMETRES":
                        uaj = node.find("UAJ")
                        header.uaj_line = (uaj.sourceline if uaj is not None else None) or (
                            node.sourceline or header.line)
                        if kind == "sts":
                            annee = node.find("ANNEE_SCOLAIRE")
                            header.uaj = (uaj.get("CODE") or "").strip() if uaj is not None else ""
                            header.annee = ((annee.get("ANNEE") or "").strip()
                                            if annee is not None else "")
                        else:
                            header.uaj = text(node, "UAJ")
                            header.annee = text(node, "ANNEE_SCOLAIRE")
                            header.date_export = text(node, "DATE_EXPORT")
                        break
            except etree.XMLSyntaxError as exc:
                raise self._syntax_error(exc) from exc
        if not header.uaj:
            raise self._error("établissement (UAJ) absent de PARAMETRES : export incomplet",
                              header.line)
        if not header.annee:
            raise self._error("année scolaire absente de PARAMETRES : export incomplet",
                              header.line)
        return header

    def elements(self, paths):
        """Yield ``(path, element)`` for each element whose tag path (root excluded) is in
        ``paths``; each is cleared once the caller is done with it, so memory stays flat."""
        with open(self.path, "rb") as raw:
            handle = _CountingReader(raw, self.on_read) if self.on_read else raw
            events = etree.iterparse(handle, events=("start", "end"), **_PARSER_OPTIONS)
            stack = []
            try:
                for event, node in events:
                    if event == "start":
                        stack.append(node.tag)
                        continue
                    current = tuple(stack[1:])
                    stack.pop()
                    if current in paths:
                        yield current, node
                        node.clear(keep_tail=False)
                        parent = node.getparent()
                        while parent is not None and (prev := node.getprevious()) is not None:
                            parent.remove(prev)
            except etree.XMLSyntaxError as exc:
                raise self._syntax_error(exc) from exc

"""A pure, streaming parser of AAF XML files: bytes in, records out.

Safety: ``ent.xmlsafe``'s parser options (no entity expanded, no DTD loaded, nothing fetched
from the network, libxml2's default limits kept: 256 levels of nesting, 10 MB per text node),
and a file may not declare entities or a DTD other than the feed's own ``ficAlimMENESR.dtd``.
"""

import logging
import os
import re
from dataclasses import dataclass, field

from lxml import etree

from ent.french import french_size
from ent.xmlsafe import PARSER_OPTIONS, dtd_declares_entities, error_position

from .errors import AafFileError

logger = logging.getLogger(__name__)

ROOT = "ficAlimMENESR"
RECORD_OPS = {"addRequest": "add", "modifyRequest": "modify", "deleteRequest": "delete"}
CATEGORIES = {
    "EtabEducNat": "EtabEducNat",
    "Eleve": "Eleve",
    "PersRelEleve": "PersRelEleve",
    "PersEducNat": "PersEducNat",
    "MatEducNat": "MatiereEducNat",
    "MatiereEducNat": "MatiereEducNat",
    "MefEducNat": "MefEducNat",
}
ALLOWED_SYSTEM_DTD = "ficAlimMENESR.dtd"
_DECLARED_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']""")
_HEADER_COMMENT = re.compile(r'(\w+)\s*=\s*"([^"]*)"')
# Comments kept: the header (versionAF…) is written in them.
_PARSER_OPTIONS = {**PARSER_OPTIONS, "remove_comments": False}


@dataclass(slots=True)
class AafRecord:
    op: str
    category: str | None
    identifier: str
    attributes: dict[str, list[str]]
    line: int
    problems: list[str] = field(default_factory=list)


@dataclass
class AafHeader:
    encoding: str | None = None
    comments: dict[str, str] = field(default_factory=dict)

    @property
    def version(self):
        return self.comments.get("versionAF")


# Errors that say what is wrong even on a file's last line.
_NOT_TRUNCATION = re.compile(r"tag mismatch|Extra content|Excessive depth|proper UTF-8|Invalid bytes|"
                             r"[Uu]nsupported encoding|not defined|[Hh]uge")
ENTITY_DECLARATIONS = "le fichier déclare des entités XML (risque d'expansion d'entités) : refusé"
TRUNCATED = "le fichier s'arrête au milieu d'un élément : fichier tronqué ou mal formé"
_MESSAGES = [
    (re.compile(r"Opening and ending tag mismatch: ([\w:.-]+) line (\d+) and ([\w:.-]+)"),
     lambda m: f"la balise <{m[1]}> ouverte ligne {m[2]} est fermée par </{m[3]}> : "
     "fichier XML mal formé"),
    (re.compile(r"Premature end of data|EndTag: '</' not found|expected '>'|"
                r"Couldn't find end of Start Tag|chunk is not well balanced"),
     lambda m: TRUNCATED),
    (re.compile(r"Start tag expected, '<' not found|Document is empty"),
     lambda m: "ce fichier n'est pas un fichier XML (ou il est vide)"),
    (re.compile(r"Excessive depth in document"),
     lambda m: "imbrication d'éléments trop profonde (plus de 256 niveaux) : fichier refusé"),
    (re.compile(r"Input is not proper UTF-8|Char 0x[0-9A-F]+ out of allowed range|"
                r"invalid character in attribute value|Bytes: 0x|"
                r"Invalid bytes in character encoding"),
     lambda m: "octets invalides pour l'encodage déclaré (UTF-8 si le fichier n'en déclare "
     "aucun) : vérifiez l'encodage du fichier"),
    (re.compile(r"Extra content at the end of the document"),
     lambda m: "contenu après la fin de l'élément racine : fichier mal formé"),
    (re.compile(r"xmlParseEntityRef: no name|EntityRef: expecting ';'"),
     lambda m: "caractère « & » seul dans une valeur : il doit être écrit &amp;"),
    (re.compile(r"StartTag: invalid element name|Unescaped '<' not allowed"),
     lambda m: "caractère « < » seul dans une valeur : il doit être écrit &lt;"),
    (re.compile(r"xmlParseCharRef: invalid xmlChar value|PCDATA invalid Char value"),
     lambda m: "caractère de contrôle interdit en XML dans une valeur"),
    (re.compile(r"AttValue|attributes construct error|Specification mandates value for attribute|"
                r"error parsing attribute name|Attribute \S+ redefined"),
     lambda m: "attribut de balise mal écrit : fichier XML mal formé"),
    (re.compile(r"Comment not terminated|Double hyphen within comment"),
     lambda m: "commentaire XML mal formé"),
    (re.compile(r"DOCTYPE improperly terminated|SystemLiteral|Unfinished System or Public ID|"
                r"Space required after"),
     lambda m: "déclaration <!DOCTYPE> mal formée"),
    # libxml2 ≥ 2.14 stops an entity expansion attack while reading the DOCTYPE, before the
    # prolog check below can name it.
    (re.compile(r"entity amplification|entity reference loop"),
     lambda m: ENTITY_DECLARATIONS),
    (re.compile(r"Entity '([^']+)' not defined"),
     lambda m: f"entité « &{m[1]}; » non déclarée : écrivez le caractère lui-même (ou une "
     "référence numérique comme &#233;)"),
    (re.compile(r"[Ee]ntity|xmlParseEntityRef"),
     lambda m: "référence ou déclaration d'entité refusée (entités XML interdites)"),
    (re.compile(r"Huge input lookup|xmlSAX2Characters: huge text node|text node too long"),
     lambda m: "nœud de texte démesuré : fichier refusé"),
    (re.compile(r"unsupported encoding|Unsupported encoding"),
     lambda m: "encodage déclaré inconnu"),
    (re.compile(r"XML declaration allowed only at the start"),
     lambda m: "déclaration <?xml …?> au milieu du fichier : deux fichiers mis bout à bout ?"),
    (re.compile(r"CData section not finished"),
     lambda m: "section CDATA non terminée : fichier tronqué ou mal formé"),
    (re.compile(r"Namespace prefix|XML namespace|xmlns"),
     lambda m: "préfixe d'espace de noms XML non déclaré ou vide : fichier XML mal formé"),
]
# Whatever else libxml2 says (in English) is not shown: the line number says where to look.
UNKNOWN_SYNTAX = "fichier XML mal formé à cet endroit (balise, attribut ou caractère incorrect)"


def french_syntax_message(message):
    """A French sentence for libxml2's error message."""
    for pattern, render in _MESSAGES:
        match = pattern.search(message)
        if match:
            return render(match)
    logger.info("AAF syntax error without a French message: %s", message.strip())
    return UNKNOWN_SYNTAX


def _size(n):
    """A file size in French: « 900 octets », « 3,2 Mo », « 1 024 Mo »."""
    return french_size(n)


class _CountingReader:
    """A binary file that reports each read's size, for a progress bar by bytes."""

    def __init__(self, handle, on_read):
        self.handle = handle
        self.on_read = on_read

    def read(self, size=-1):
        data = self.handle.read(size)
        self.on_read(len(data))
        return data


class AafParser:
    """Streams the records of one AAF file; ``header`` is filled once ``records()`` starts."""

    # Where a file ends when it is whole; and the setting its size limit comes from.
    CLOSING_ROOT = re.compile(rb"</" + ROOT.encode() + rb">\s*$")
    SIZE_SETTING = "ENT_AAF_MAX_FILE_MB"

    def __init__(self, path, name, max_bytes, on_read=None):
        self.path = path
        self.name = name
        self.max_bytes = max_bytes
        self.on_read = on_read
        self.header = AafHeader()

    def _error(self, message, line=None):
        return AafFileError(self.name, message, line)

    def _syntax_error(self, exc):
        message, line = error_position(exc)
        last = exc.error_log.last_error if getattr(exc, "error_log", None) else None
        if not line and last is not None and last.line:
            # iterparse reports some fatal errors (an undefined entity) only in its error log,
            # raising a bare « no element found » without a line.
            message, line = last.message, last.line
        if line and not _NOT_TRUNCATION.search(message) and self._truncated_at(line):
            # Cut in the middle of a tag, libxml2 complains about the tag, not about the end.
            return self._error(TRUNCATED, line)
        return self._error(french_syntax_message(message), line or None)

    def _truncated_at(self, line):
        """Whether ``line`` is the end of a file that stops before its closing tag."""
        lines, tail = 1, b""
        with open(self.path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                lines += chunk.count(b"\n")
                tail = (tail + chunk)[-64:]
        last_line = lines - 1 if tail.endswith(b"\n") else lines
        return line >= last_line and not self.CLOSING_ROOT.search(tail)

    def _check_prolog(self, root):
        info = root.getroottree().docinfo
        dtd = info.internalDTD
        if dtd_declares_entities(info):
            raise self._error(ENTITY_DECLARATIONS, 1)
        if dtd is not None and any(True for _ in dtd.iterelements()):
            raise self._error("le fichier embarque une DTD interne : refusé", 1)
        if info.public_id or (info.system_url and info.system_url != ALLOWED_SYSTEM_DTD):
            raise self._error(
                f"le fichier désigne une DTD externe non autorisée ({info.public_id or info.system_url}) "
                f": seule « {ALLOWED_SYSTEM_DTD} » est admise",
                1,
            )
        if root.tag != ROOT:
            raise self._error(
                f"élément racine <{root.tag}> inattendu : un fichier AAF commence par <{ROOT}>",
                root.sourceline,
            )

    def _read_header(self):
        """Check the prolog and root, read the header comments, stop at the first record."""
        with open(self.path, "rb") as handle:
            events = etree.iterparse(handle, events=("start", "comment"), **_PARSER_OPTIONS)
            depth_root = None
            try:
                for event, node in events:
                    if event == "comment":
                        if depth_root is not None:
                            self.header.comments.update(_HEADER_COMMENT.findall(node.text or ""))
                        continue
                    if depth_root is None:
                        depth_root = node
                        self._check_prolog(node)
                        continue
                    break
            except etree.XMLSyntaxError as exc:
                raise self._syntax_error(exc) from exc
            if depth_root is None:
                raise self._error("ce fichier n'est pas un fichier XML (ou il est vide)", 1)

    def _check_size(self):
        """Refuse an empty or oversized file, and note the encoding its declaration names."""
        size = os.path.getsize(self.path)
        if size > self.max_bytes:
            raise self._error(
                f"fichier trop volumineux ({_size(size)}) : la limite est de "
                f"{_size(self.max_bytes)} ({self.SIZE_SETTING})"
            )
        if size == 0:
            raise self._error("fichier vide", 1)
        with open(self.path, "rb") as handle:
            declaration = _DECLARED_ENCODING.match(handle.read(200))
        encoding = declaration.group(1).decode("ascii").upper() if declaration else None
        self._check_encoding(encoding)
        self.header.encoding = encoding

    def _check_encoding(self, encoding):
        """Any encoding lxml reads will do: libxml2 refuses the others with its own error."""

    def records(self):
        self._check_size()
        self._read_header()
        with open(self.path, "rb") as raw:
            handle = _CountingReader(raw, self.on_read) if self.on_read else raw
            events = etree.iterparse(handle, events=("end",), tag=tuple(RECORD_OPS), **_PARSER_OPTIONS)
            try:
                for _event, element in events:
                    parent = element.getparent()
                    if parent is None or parent.getparent() is not None:
                        raise self._error(
                            f"<{element.tag}> hors de place (il doit être directement sous <{ROOT}>)",
                            element.sourceline,
                        )
                    yield self._record(element)
                    element.clear(keep_tail=False)
                    while (previous := element.getprevious()) is not None:
                        if isinstance(previous.tag, str) and previous.tag not in RECORD_OPS:
                            raise self._error(
                                f"élément <{previous.tag}> inattendu sous <{ROOT}>",
                                previous.sourceline,
                            )
                        del parent[0]
                root = events.root
            except etree.XMLSyntaxError as exc:
                raise self._syntax_error(exc) from exc
        # Records are checked as they close; what follows the last one, only now.
        for leftover in root:
            if isinstance(leftover.tag, str) and leftover.tag not in RECORD_OPS:
                raise self._error(f"élément <{leftover.tag}> inattendu sous <{ROOT}>",
                                  leftover.sourceline)

    def _record(self, element):
        # C-level walks over the elements that carry data; an _Entity child of a value (an
        # entity the parser could not resolve) is looked for separately, also in C.
        category = None
        identifier = ""
        attributes = {}
        problems = []
        for part in element:
            tag = part.tag
            if tag == "attributes" or tag == "modifications":
                values = None
                for node in part.iter("attr", "modification", "value"):
                    if node.tag == "value":
                        if values is not None:
                            text = node.text
                            values.append(text.strip() if text else "")
                        continue
                    name = node.get("name")
                    if name:
                        values = attributes.setdefault(name, [])
                    else:
                        problems.append(f"<{node.tag}> sans attribut name (ligne {node.sourceline})")
                        values = None
            elif tag == "identifier":
                text = part.findtext("id")
                identifier = text.strip() if text else ""
            elif tag == "operationalAttributes":
                text = part.findtext("attr/value")
                category = text.strip() if text is not None else None
        for entity in element.iter(etree.Entity):
            owner = entity.getparent()
            attr = owner.getparent() if owner is not None else None
            name = attr.get("name") if attr is not None else "?"
            problem = f"valeur de « {name} » contenant une référence d'entité non résolue"
            if problem not in problems:
                problems.append(problem)
        return AafRecord(
            op=RECORD_OPS[element.tag], category=category, identifier=identifier,
            attributes=attributes, line=element.sourceline or 0, problems=problems,
        )

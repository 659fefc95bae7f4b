"""Streaming XML for the timetable parsers, parsed safely.

With ``ent.xmlsafe``'s parser options (no entity expanded, no DTD loaded, nothing fetched from
the network, libxml2's default limits kept), a size bound checked before the first byte is
parsed, and a file that declares a DTD (internal or external) refused: no timetable export
carries one, so a DOCTYPE can only be an attack or a wrong file. Errors are worded here, for
the timetable import.
"""

import io
import os
import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from ent.xmlsafe import PARSER_OPTIONS as SAFE_OPTIONS
from ent.xmlsafe import dtd_declared, error_position

from .records import TimetableFileError

# Real exports, pupils included, weigh a few megabytes; a hundred leaves room for the largest
# lycées without letting a rogue upload exhaust the worker's memory.
DEFAULT_MAX_BYTES = 100 * 1024 * 1024
PARSER_OPTIONS = {**SAFE_OPTIONS, "remove_comments": True, "remove_pis": True}
_TRUNCATION = re.compile(r"Premature end of data|EndTag: '</' not found|not properly terminated|"
                         r"Extra content|expected '>'|Couldn't find end of Start Tag")


def size_label(size):
    from ent.french import french_size

    return french_size(size)


def source_size(source):
    return len(source) if isinstance(source, bytes | bytearray) else os.path.getsize(source)


def check_size(size, *, file, max_bytes):
    if size > max_bytes:
        raise TimetableFileError(
            f"fichier trop volumineux ({size_label(size)}) : la limite est de {size_label(max_bytes)}",
            file=file,
        )
    if size == 0:
        raise TimetableFileError("fichier vide", file=file, line=1)


def local_name(element):
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def namespace(element):
    tag = element.tag
    return tag[1:].partition("}")[0] if isinstance(tag, str) and tag.startswith("{") else ""


def syntax_error(exc, *, file):
    message, line = error_position(exc)
    log = getattr(exc, "error_log", None)
    last = log.last_error if log else None
    if (not line or not message) and last is not None:
        # iterparse reports some fatal errors only in its error log, raising a bare
        # « no element found » without a line.
        message, line = last.message or message, last.line or line
    if not message or re.search(r"Document is empty|no element found|Start tag expected", message):
        return TimetableFileError("ce fichier n'est pas un fichier XML (ou il est vide)", file=file,
                                  line=line or 1)
    if _TRUNCATION.search(message):
        return TimetableFileError(
            f"fichier XML tronqué ou mal formé : il s'arrête avant la fin d'un élément ({message.strip()})",
            file=file, line=line,
        )
    if "Entity" in message or "entity" in message:
        return TimetableFileError(
            f"le fichier utilise des entités XML, refusées ({message.strip()})", file=file, line=line
        )
    return TimetableFileError(f"XML mal formé ({message.strip()})", file=file, line=line)


def _check_prolog(root, *, file):
    if dtd_declared(root.getroottree().docinfo):
        raise TimetableFileError(
            "le fichier déclare une DTD (<!DOCTYPE …>) : refusé, un export d'emploi du temps n'en a pas "
            "et elle permettrait une expansion d'entités",
            file=file, line=1,
        )


def safe_iterparse(source, *, file, max_bytes, events=("start", "end")) -> Iterator[tuple]:
    """``(event, element)`` pairs of ``source`` (bytes or a path), the root's prolog checked at
    its first event; syntax errors become ``TimetableFileError`` with the line."""
    check_size(source_size(source), file=file, max_bytes=max_bytes)
    is_bytes = isinstance(source, bytes | bytearray)
    handle = io.BytesIO(source) if is_bytes else open(Path(source), "rb")  # noqa: SIM115 - closed below
    try:
        wanted = set(events)
        parser_events = tuple(wanted | {"start"})
        checked = False
        iterator = etree.iterparse(handle, events=parser_events, **PARSER_OPTIONS)
        try:
            for event, element in iterator:
                if not checked:
                    _check_prolog(element, file=file)
                    checked = True
                if event in wanted:
                    yield event, element
        except etree.XMLSyntaxError as exc:
            raise syntax_error(exc, file=file) from exc
        if not checked:
            raise TimetableFileError("ce fichier n'est pas un fichier XML (ou il est vide)",
                                     file=file, line=1)
    finally:
        handle.close()

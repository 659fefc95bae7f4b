"""Safe, streamed XML reading shared by the STS-web and UDT parsers.

Each file is bounded in size before lxml sees it (``xmlsafe``'s size check, with this module's
own limit), refused if its prolog declares a DTD or entities, and then streamed with
``iterparse`` and the timetable's parser options (``ent.xmlsafe``'s: no DTD loading, no
entity resolution, no network); elements are cleared once handed over so memory stays flat
whatever the file. Bytes are given to lxml as they are, so it honours the declared encoding
(ISO-8859-15 in the real STS-web exports).
"""

import io
import os
import re
from pathlib import Path

from lxml import etree

from ent.xmlsafe import error_position, looks_like_xml

from .records import TimetableFileError
from .xmlsafe import PARSER_OPTIONS, check_size

DEFAULT_MAX_BYTES = 64 * 1024 * 1024

_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")


def read_source(source, *, name, max_bytes):
    """The bytes of a path or of bytes, with the name to show in messages."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        path = Path(source)
        name = name or path.name
        try:
            size = os.path.getsize(path)
        except OSError as exc:
            raise TimetableFileError("fichier introuvable ou illisible", file=name) from exc
        check_size(size, file=name, max_bytes=max_bytes)  # before reading it into memory
        data = path.read_bytes()
    check_size(len(data), file=name, max_bytes=max_bytes)
    if not data.strip():
        raise TimetableFileError("fichier vide", file=name, line=1)
    return data, name


def check_prolog(data, name):
    """Refuse a DTD or entity declaration before the root element: no real export has one,
    and refusing it up front closes every entity-expansion attack. Read from the bytes rather
    than from lxml's ``docinfo`` (as ``xmlsafe`` does): the message names the declaration's
    line."""
    first = _FIRST_ELEMENT.search(data)
    prolog = data[: first.start()] if first else data
    match = _DOCTYPE.search(prolog)
    if match:
        line = prolog.count(b"\n", 0, match.start()) + 1
        raise TimetableFileError(
            "le fichier déclare une DTD ou des entités XML : refusé par sécurité", file=name,
            line=line)
    if first is None or not looks_like_xml(data):
        raise TimetableFileError("ce n'est pas un fichier XML", file=name, line=1)


def syntax_error(exc, data, name, root):
    """A truncated file told from the bytes (an error on the last line of a root left
    unclosed), not from libxml2's wording as ``xmlsafe`` does: the whole file is at hand."""
    message, line = error_position(exc)
    last_line = data.rstrip().count(b"\n") + 1
    closed = root and data.rstrip().endswith(f"</{root}>".encode())
    if line and line >= last_line and not closed:
        return TimetableFileError("fichier tronqué : il s'arrête avant sa fin", file=name,
                                  line=line)
    return TimetableFileError(f"XML invalide ({message})", file=name, line=line or None)


def root_tag(data, name):
    """The root element's tag, read from the first start event only."""
    check_prolog(data, name)
    try:
        for _event, node in etree.iterparse(io.BytesIO(data), events=("start",),
                                            **PARSER_OPTIONS):
            return node.tag
    except etree.XMLSyntaxError as exc:
        raise syntax_error(exc, data, name, None) from exc
    raise TimetableFileError("ce n'est pas un fichier XML", file=name, line=1)


def elements(data, name, paths, *, stop_after=None):
    """Yield ``(path, element)`` for every element whose tag path below the root is in
    ``paths``, each cleared after the caller is done with it. ``stop_after`` ends the read
    once that path has been seen, for headers read before the body."""
    check_prolog(data, name)
    prefixes = {path[:i] for path in paths for i in range(len(path))}
    stack, root = [], None
    try:
        for event, node in etree.iterparse(io.BytesIO(data), events=("start", "end"),
                                           **PARSER_OPTIONS):
            if event == "start":
                if root is None:
                    root = node.tag
                stack.append(node.tag)
                continue
            current = tuple(stack[1:])
            stack.pop()
            if current in paths:
                yield current, node
                node.clear(keep_tail=False)
                if current == stop_after:
                    return
            elif current not in prefixes and not any(
                    current[:i] in paths for i in range(1, len(current))):
                # Nothing wanted below, and no wanted ancestor still to read it: free it.
                node.clear(keep_tail=False)
    except etree.XMLSyntaxError as exc:
        raise syntax_error(exc, data, name, root) from exc


def structures(data, name, tags):
    """Yield every element whose tag is in ``tags`` at its end, wherever it sits in the tree:
    real STS-web exports do not all nest their blocks alike (a ``<GROUPES>`` inside
    ``<DIVISIONS>`` rather than beside it). While such an element is open, its ancestors stay
    in the tree with their attributes (a ``COURS`` reads its ``SERVICE`` and ``ENSEIGNANT``),
    and so do its descendants of other tags (a ``SERVICE`` reads its ``ENSEIGNANTS``); each
    yielded element is cleared once handed over, anything else as soon as no wanted element
    holds it, so memory stays flat whatever the file."""
    check_prolog(data, name)
    root, wanted, holding = None, [], 0
    try:
        for event, node in etree.iterparse(io.BytesIO(data), events=("start", "end"),
                                           **PARSER_OPTIONS):
            if event == "start":
                root = root or node.tag
                wanted.append(node.tag in tags)
                holding += wanted[-1]
                continue
            if wanted.pop():
                holding -= 1
                yield node
                node.clear(keep_tail=False)
            elif not holding:
                node.clear(keep_tail=False)
            if not holding:
                # Already read siblings, cleared: dropped from the tree as well.
                parent = node.getparent()
                while parent is not None and node.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        raise syntax_error(exc, data, name, root) from exc


def ancestor(element, tags):
    """The nearest open ancestor whose tag is in ``tags``, or None."""
    for parent in element.iterancestors():
        if parent.tag in tags:
            return parent
    return None


def text(element, path):
    """Stripped text of a child: STS pretty-prints inside text nodes."""
    value = element.findtext(path)
    return value.strip() if value else ""


def attr(element, name):
    return (element.get(name) or "").strip()


def tagged(data, name, tags):
    """Yield every element whose tag is in ``tags``, at any depth, each cleared after use:
    for files whose record tags are known but whose wrapping is not (UDT)."""
    check_prolog(data, name)
    root = None
    try:
        for event, node in etree.iterparse(io.BytesIO(data), events=("start", "end"),
                                           **PARSER_OPTIONS):
            if event == "start":
                root = root or node.tag
                continue
            if node.tag in tags:
                yield node
                node.clear(keep_tail=False)
    except etree.XMLSyntaxError as exc:
        raise syntax_error(exc, data, name, root) from exc

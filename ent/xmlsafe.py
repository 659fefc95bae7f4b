"""What makes an lxml read of an uploaded export safe, shared by every importer.

The AAF, SIECLE and timetable parsers word their errors in their own French and raise their
own exceptions, so nothing here raises or words a message: it holds the parser options (no
entity expanded, no DTD loaded, nothing fetched from the network, libxml2's default limits
kept), where a syntax error stands, and what a file's prolog declares.
"""

PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
}
# What may come before a document's first "<": a UTF-8 byte order mark and white space.
_LEADING_BYTES = b"\xef\xbb\xbf \t\r\n"


def error_position(exc):
    """``(message, line)`` of an lxml syntax error, the line ``None`` when lxml gives none."""
    message = getattr(exc, "msg", None) or str(exc) or ""
    line = getattr(exc, "lineno", None) or (exc.position[0] if getattr(exc, "position", None) else None)
    return message, line


def dtd_declared(docinfo):
    """Whether the prolog has a DOCTYPE, internal or naming an external DTD."""
    return bool(docinfo.doctype or docinfo.internalDTD is not None or docinfo.system_url
                or docinfo.public_id)


def dtd_declares_entities(docinfo):
    """Whether the prolog's internal DTD declares entities: what an expansion attack needs."""
    dtd = docinfo.internalDTD
    return dtd is not None and any(True for _ in dtd.iterentities())


def looks_like_xml(head):
    """Whether the first bytes of a file open markup: a CSV or a text does not."""
    return head.lstrip(_LEADING_BYTES).startswith(b"<")

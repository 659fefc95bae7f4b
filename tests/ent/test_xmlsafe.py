import io

import pytest
from lxml import etree

from ent.xmlsafe import (
    PARSER_OPTIONS,
    dtd_declared,
    dtd_declares_entities,
    error_position,
    looks_like_xml,
)


def _docinfo(data):
    for _event, element in etree.iterparse(io.BytesIO(data), events=("start",), **PARSER_OPTIONS):
        return element.getroottree().docinfo
    raise AssertionError("no element")


@pytest.mark.parametrize(("data", "declared", "entities"), [
    (b"<x/>", False, False),
    (b'<?xml version="1.0"?>\n<x/>', False, False),
    (b"<!DOCTYPE x><x/>", True, False),
    (b'<!DOCTYPE x SYSTEM "x.dtd"><x/>', True, False),
    (b'<!DOCTYPE x PUBLIC "-//x" "x.dtd"><x/>', True, False),
    (b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x/>', True, True),
])
def test_prolog_declarations(data, declared, entities):
    info = _docinfo(data)
    assert dtd_declared(info) is declared
    assert dtd_declares_entities(info) is entities


def test_entities_are_not_expanded():
    data = b'<!DOCTYPE x [<!ENTITY a "secret">]><x>&a;</x>'
    root = etree.fromstring(data, etree.XMLParser(**PARSER_OPTIONS))
    assert "secret" not in (root.text or "")


def test_error_position_gives_message_and_line():
    with pytest.raises(etree.XMLSyntaxError) as caught:
        list(etree.iterparse(io.BytesIO(b"<x>\n<y>\n</x>"), **PARSER_OPTIONS))
    message, line = error_position(caught.value)
    assert "mismatch" in message
    assert line == 3


@pytest.mark.parametrize(("head", "expected"), [
    (b"<?xml", True),
    (b"\xef\xbb\xbf  \r\n<root>", True),
    (b"nom;prenom\n", False),
    (b"", False),
])
def test_looks_like_xml(head, expected):
    assert looks_like_xml(head) is expected

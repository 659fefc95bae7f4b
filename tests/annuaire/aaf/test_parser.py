"""The streaming parser: real samples of every version, and every kind of bad or hostile file."""

import re
from collections import Counter

import pytest

from annuaire.aaf.errors import AafFileError
from annuaire.aaf.parser import AafParser, french_syntax_message
from ent.french import french_size

from .builders import DOCTYPE, aaf_bytes, eleve, etab, record

MB = 1024 * 1024
ENTCORE = "entcore/aaf-test"
ELEVE_2013 = f"{ENTCORE}/FULL_ENTTSSERVICES_Complet_20130117_Eleve_0001.xml"
DELTA = "service-annuaire/delta/FULL_ENTTSSERVICES_Delta_20130122_{}_0000.xml"


def parse(path, name=None, max_bytes=100 * MB, on_read=None):
    parser = AafParser(path, name or path.name, max_bytes, on_read)
    return parser, list(parser.records())


def parse_bytes(tmp_path, data, name="fichier.xml", **kwargs):
    path = tmp_path / name
    path.write_bytes(data)
    return parse(path, **kwargs)


def refused(tmp_path, data, name="fichier.xml", **kwargs):
    with pytest.raises(AafFileError) as exc:
        parse_bytes(tmp_path, data, name, **kwargs)
    return exc.value


# --- Real samples ---------------------------------------------------------------------------
def test_2013_complet_eleve_without_declaration_utf8_lf(aaf_samples):
    parser, records = parse(aaf_samples / ELEVE_2013)
    assert len(records) == 642
    assert parser.header.encoding is None
    assert parser.header.version == "AAF-VE1301"
    first = records[0]
    assert (first.op, first.category, first.identifier, first.line) == ("add", "Eleve", "2605692", 5)
    assert first.attributes["givenName"] == ["Kù"]
    assert first.attributes["ENTPersonAutresPrenoms"] == ["Jetsmao", "Xzuzcosvo", "Pykewi"]
    assert first.attributes["ENTElevePersRelEleve"] == ["2867253$2$1$1$0$0", "2867254$1$0$2$0$0"]
    assert first.attributes["ENTElevePersRelEleve1"] == [""]
    assert first.problems == []
    assert sum(len([v for v in r.attributes["ENTElevePersRelEleve"] if v]) for r in records) == 1064


def test_2013_persrel_crlf_values_have_no_carriage_return(aaf_samples):
    path = aaf_samples / ENTCORE / "clean-FULL_ENTTSSERVICES_Complet_20130117_PersRelEleve_0005.xml"
    assert b"\r\n" in path.read_bytes()
    _parser, records = parse(path)
    assert len(records) == 14
    assert records[0].identifier == "2085789"
    assert records[0].attributes["givenName"] == ["Géraldine"]
    assert records[0].attributes["ENTPersonDateNaissance"] == [""]
    assert not any("\r" in v for r in records for vs in r.attributes.values() for v in vs)


def test_2013_matiere_category_is_matEducNat(aaf_samples):
    path = aaf_samples / ENTCORE / "FULL_ENTTSSERVICES_Complet_20130117_MatiereEducNat_0000.xml"
    parser, records = parse(path)
    assert len(records) == 718
    assert parser.header.encoding == "UTF-8"
    assert {r.category for r in records} == {"MatEducNat"}


def test_2020_etab_declared_iso_8859_15(aaf_samples):
    parser, records = parse(aaf_samples / "entcore/aaf-test-2020/ENT_Complet_20200101_EtabEducNat_0000.xml")
    assert parser.header.encoding == "ISO-8859-15"
    assert parser.header.version is None
    assert len(records) == 1
    assert records[0].attributes["ENTStructureNomCourant"] == ["NOM$STRUCTURE$COURANT"]
    assert records[0].attributes["ENTEtablissementMinistereTutelle"] == [
        "MINISTERE DE L'EDUCATION NATIONALE"]


def test_2024_header_comments_and_indented_values(aaf_samples):
    path = aaf_samples / "entcore/positions-2024/before/ENT2DVA-ENT16_Complet_20240916_PersEducNat_0000.xml"
    parser, records = parse(path)
    assert parser.header.comments == {
        "versionAF": "AAF-VE2407", "versionSDET": "Annexe 4bis version 6.4",
        "codeAcademieExport": "13", "degre": "2D", "dateGenerationExport": "16/09/2024",
    }
    assert [r.identifier for r in records] == ["314159", "314160"]
    assert records[0].attributes["ENTPersonFonctions"] == [
        "43$DIR$DIRECTION$D0011$CHEF D'ETABLISSEMENT ADJOINT",
        "43$AEH$ACCOMPAGNEMENT$D0021$ACCOMPAGNEMENT ELEVES SITUATION HANDICAP",
    ]
    assert records[0].attributes["givenName"] == ["Prénom AAAA"]


def test_delta_persrel_all_three_operations(aaf_samples):
    _parser, records = parse(aaf_samples / DELTA.format("PersRelEleve"))
    assert Counter(r.op for r in records) == {"add": 2, "modify": 2, "delete": 2}
    modify = next(r for r in records if r.op == "modify")
    assert len(modify.attributes) == 12
    assert modify.attributes["ENTPersonJointure"] == [modify.identifier]
    delete = next(r for r in records if r.op == "delete")
    assert delete.attributes == {}
    assert delete.category == "PersRelEleve"


def test_on_read_reports_every_byte(aaf_samples):
    path = aaf_samples / DELTA.format("PersRelEleve")
    seen = []
    parse(path, on_read=seen.append)
    assert sum(seen) == path.stat().st_size


# --- Malformed real files: the whole file is refused, with its line -------------------------
def test_2013_delta_eleve_closing_attr_line_100(aaf_samples):
    with pytest.raises(AafFileError) as exc:
        parse(aaf_samples / DELTA.format("Eleve"), name="delta/Eleve_0000.xml")
    assert exc.value.line == 100
    assert str(exc.value) == (
        "delta/Eleve_0000.xml, ligne 100 : la balise <modification> ouverte ligne 100 est "
        "fermée par </attr> : fichier XML mal formé")


def test_2013_delta_perseducnat_line_76(aaf_samples):
    with pytest.raises(AafFileError) as exc:
        parse(aaf_samples / DELTA.format("PersEducNat"))
    assert exc.value.line == 76
    assert "la balise <modification> ouverte ligne 76 est fermée par </attr>" in exc.value.message


def test_truncated_lyon_excerpt(aaf_samples):
    with pytest.raises(AafFileError) as exc:
        parse(aaf_samples / "service-annuaire/utest/file_EtabEducNat_test.xml")
    assert exc.value.line == 86
    assert exc.value.message == (
        "le fichier s'arrête au milieu d'un élément : fichier tronqué ou mal formé")


# --- Encodings and layouts built inline -----------------------------------------------------
@pytest.mark.parametrize("encoding", ["ISO-8859-15", "ISO-8859-1", "UTF-8"])
def test_declared_encoding_is_honoured(tmp_path, encoding):
    name = "Hélène Œuvray" if encoding == "ISO-8859-15" else "Hélène Ñúñez"
    data = aaf_bytes([eleve("1", sn=name, given="Zoé")], encoding=encoding)
    assert ("é".encode(encoding) in data) and (encoding == "UTF-8" or b"\xc3" not in data)
    parser, records = parse_bytes(tmp_path, data)
    assert parser.header.encoding == encoding
    assert records[0].attributes["sn"] == [name]


def test_crlf_bom_and_no_doctype(tmp_path):
    data = b"\xef\xbb\xbf" + aaf_bytes([eleve("1"), eleve("2")], crlf=True, doctype=False)
    parser, records = parse_bytes(tmp_path, data)
    assert parser.header.encoding == "UTF-8"
    assert [(r.identifier, r.line) for r in records] == [("1", 4), ("2", 20)]
    assert records[1].attributes["ENTEleveClasses"] == ["1001$3A"]


def test_escaped_characters_and_empty_values(tmp_path):
    rec = record("Eleve", "7", {"sn": "L&apos;Hôte &amp; Fils", "givenName": ["", "A"]})
    data = aaf_bytes([rec.replace("&amp;apos;", "&apos;").replace("&amp;amp;", "&amp;")])
    _parser, records = parse_bytes(tmp_path, data)
    assert records[0].attributes == {"sn": ["L'Hôte & Fils"], "givenName": ["", "A"]}


def test_attr_without_name_is_a_record_problem(tmp_path):
    rec = record("Eleve", "7", {"sn": "X"}).replace('<attr name="sn">', "<attr>")
    _parser, records = parse_bytes(tmp_path, aaf_bytes([rec]))
    assert records[0].problems == ["<attr> sans attribut name (ligne 9)"]


# --- Bad files ------------------------------------------------------------------------------
def test_not_xml(tmp_path):
    error = refused(tmp_path, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "export.xml")
    assert str(error) == "export.xml, ligne 1 : ce fichier n'est pas un fichier XML (ou il est vide)"


def test_empty_file(tmp_path):
    assert str(refused(tmp_path, b"")) == "fichier.xml, ligne 1 : fichier vide"


def test_wrong_root(tmp_path):
    data = b'<?xml version="1.0"?>\n<html>\n<body/></html>\n'
    assert str(refused(tmp_path, data)) == (
        "fichier.xml, ligne 2 : élément racine <html> inattendu : un fichier AAF commence par "
        "<ficAlimMENESR>")


def test_truncated_inline(tmp_path):
    data = aaf_bytes([eleve("1"), eleve("2", sn="Tronque")])
    error = refused(tmp_path, data[: data.index(b"Tronque") + 3])
    assert error.message == "le fichier s'arrête au milieu d'un élément : fichier tronqué ou mal formé"
    assert error.line == 28


@pytest.mark.parametrize("cut", ["<attr name=\"sn\"><val", "<attr name=\"s", "<attr na", "<att"])
def test_truncated_inside_a_tag(tmp_path, cut):
    data = aaf_bytes([eleve("1"), eleve("2", sn="Tronque")])
    data = data[: data.index(b"Tronque") - len('<attr name="sn"><value>')] + cut.encode()
    error = refused(tmp_path, data)
    assert (error.line, error.message) == (
        28, "le fichier s'arrête au milieu d'un élément : fichier tronqué ou mal formé")


@pytest.mark.parametrize(("raw", "message"), [
    (b"SECONDE GENERALE & TECHNO", "caractère « & » seul dans une valeur : il doit être écrit &amp;"),
    (b"3 < 4", "caractère « < » seul dans une valeur : il doit être écrit &lt;"),
    (b"A\x01B", "caractère de contrôle interdit en XML dans une valeur"),
])
def test_unescaped_characters_in_the_middle_of_a_file(tmp_path, raw, message):
    data = aaf_bytes([eleve("1", sn="ICI"), eleve("2")]).replace(b">ICI<", b">" + raw + b"<")
    error = refused(tmp_path, data)
    assert (error.line, error.message) == (11, message)


def test_over_size_limit(tmp_path):
    data = aaf_bytes([eleve(str(i)) for i in range(10)])
    error = refused(tmp_path, data, max_bytes=2000)
    assert error.line is None
    assert error.message == (
        f"fichier trop volumineux ({french_size(len(data))}) : la limite est de 2 Ko "
        "(ENT_AAF_MAX_FILE_MB)")


def test_over_size_limit_in_megabytes(tmp_path):
    data = b"<ficAlimMENESR>" + b" " * (MB * 5 // 2) + b"</ficAlimMENESR>"
    error = refused(tmp_path, data, max_bytes=2 * MB)
    assert error.message == (
        "fichier trop volumineux (2,5 Mo) : la limite est de 2 Mo (ENT_AAF_MAX_FILE_MB)")


def test_invalid_bytes_for_declared_encoding(tmp_path):
    data = aaf_bytes([eleve("1", sn="Hélène")]).replace("é".encode(), b"\xe9")
    error = refused(tmp_path, data)
    assert error.line == 12
    assert error.message == (
        "octets invalides pour l'encodage déclaré (UTF-8 si le fichier n'en déclare aucun) : "
        "vérifiez l'encodage du fichier")


def test_unknown_declared_encoding(tmp_path):
    data = aaf_bytes([eleve("1")]).replace(b'encoding="UTF-8"', b'encoding="KLINGON-9"')
    assert refused(tmp_path, data).message == "encodage déclaré inconnu"


def test_html_entity_without_doctype_refuses_the_file_with_its_line(tmp_path):
    data = aaf_bytes([eleve("1", sn="HELENE")], doctype=False).replace(b"HELENE", b"H&eacute;l&egrave;ne")
    error = refused(tmp_path, data)
    assert str(error) == (
        "fichier.xml, ligne 10 : entité « &eacute; » non déclarée : écrivez le caractère "
        "lui-même (ou une référence numérique comme &#233;)")


def test_html_entity_under_the_feed_doctype_rejects_only_the_record(tmp_path):
    # With an external DTD named (and not loaded), an undeclared entity is not fatal to XML:
    # it stays an unresolved reference, which makes the record unreadable, not the file.
    data = aaf_bytes([eleve("1", sn="HELENE"), eleve("2")]).replace(b"HELENE", b"H&eacute;LENE")
    _parser, records = parse_bytes(tmp_path, data)
    assert records[0].problems == [
        "valeur de « ENTPersonNomPatro » contenant une référence d'entité non résolue",
        "valeur de « sn » contenant une référence d'entité non résolue",
    ]
    assert records[1].problems == []


def test_element_out_of_place(tmp_path):
    data = aaf_bytes(["<foo/>", eleve("1")])
    assert str(refused(tmp_path, data)) == (
        "fichier.xml, ligne 5 : élément <foo> inattendu sous <ficAlimMENESR>")


def test_unexpected_element_after_the_last_record(tmp_path):
    data = aaf_bytes([eleve("1"), "<trailer>fin</trailer>"])
    assert str(refused(tmp_path, data)) == (
        "fichier.xml, ligne 21 : élément <trailer> inattendu sous <ficAlimMENESR>")


def test_record_nested_in_a_record(tmp_path):
    data = aaf_bytes([eleve("1").replace("</attributes>", "</attributes>" + eleve("2"))])
    error = refused(tmp_path, data)
    assert error.message == "<addRequest> hors de place (il doit être directement sous <ficAlimMENESR>)"
    assert error.line == 19


def test_extra_content_after_root(tmp_path):
    data = aaf_bytes([eleve("1")]) + b"<ficAlimMENESR/>\n"
    error = refused(tmp_path, data)
    assert error.message == "contenu après la fin de l'élément racine : fichier mal formé"


# --- Hostile files --------------------------------------------------------------------------
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE ficAlimMENESR [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<ficAlimMENESR>
RECORD
</ficAlimMENESR>
"""


def _with_doctype(doctype, *records):
    return ('<?xml version="1.0"?>\n' + doctype + "\n<ficAlimMENESR>\n" + "\n".join(records)
            + "\n</ficAlimMENESR>\n").encode()


def test_billion_laughs(tmp_path):
    data = BILLION_LAUGHS.replace("RECORD", eleve("1", sn="&lol9;").replace("&amp;", "&")).encode()
    assert str(refused(tmp_path, data)) == (
        "fichier.xml, ligne 1 : le fichier déclare des entités XML (risque d'expansion "
        "d'entités) : refusé")


def test_external_entity(tmp_path):
    doctype = '<!DOCTYPE ficAlimMENESR [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    data = _with_doctype(doctype, eleve("1", sn="&xxe;").replace("&amp;", "&"))
    error = refused(tmp_path, data)
    assert "le fichier déclare des entités XML" in error.message
    assert b"root:" not in repr(error).encode()


def test_external_parameter_entity(tmp_path):
    doctype = '<!DOCTYPE ficAlimMENESR [<!ENTITY % pe SYSTEM "http://127.0.0.1:9/x.dtd"> %pe;]>'
    error = refused(tmp_path, _with_doctype(doctype, eleve("1")))
    assert "le fichier déclare des entités XML" in error.message


def test_internal_dtd(tmp_path):
    doctype = "<!DOCTYPE ficAlimMENESR [<!ELEMENT ficAlimMENESR ANY>]>"
    assert refused(tmp_path, _with_doctype(doctype, eleve("1"))).message == (
        "le fichier embarque une DTD interne : refusé")


@pytest.mark.parametrize(("doctype", "shown"), [
    ('<!DOCTYPE ficAlimMENESR SYSTEM "http://evil.example/x.dtd">', "http://evil.example/x.dtd"),
    ('<!DOCTYPE ficAlimMENESR SYSTEM "/etc/passwd">', "/etc/passwd"),
    ('<!DOCTYPE ficAlimMENESR PUBLIC "-//EVIL//DTD X//FR" "ficAlimMENESR.dtd">',
     "-//EVIL//DTD X//FR"),
])
def test_external_dtd_other_than_the_feed_one(tmp_path, doctype, shown):
    error = refused(tmp_path, _with_doctype(doctype, eleve("1")))
    assert str(error) == (
        f"fichier.xml, ligne 1 : le fichier désigne une DTD externe non autorisée ({shown}) : "
        "seule « ficAlimMENESR.dtd » est admise")


def test_the_feed_own_dtd_is_accepted_and_not_loaded(tmp_path):
    (tmp_path / "ficAlimMENESR.dtd").write_text('<!ENTITY boom "never expanded">')
    _parser, records = parse_bytes(tmp_path, _with_doctype(DOCTYPE, etab("1", "0690001A")))
    assert records[0].attributes["ENTStructureUAI"] == ["0690001A"]


def test_ten_thousand_levels_of_nesting(tmp_path):
    data = _with_doctype(DOCTYPE, "<a>" * 10000 + "</a>" * 10000)
    assert str(refused(tmp_path, data)) == (
        "fichier.xml, ligne 4 : imbrication d'éléments trop profonde (plus de 256 niveaux) : "
        "fichier refusé")


def test_deep_nesting_inside_a_value(tmp_path):
    rec = eleve("1", sn="DEEP").replace("DEEP", "<b>" * 10000 + "</b>" * 10000)
    error = refused(tmp_path, _with_doctype(DOCTYPE, rec))
    assert error.message.startswith("imbrication d'éléments trop profonde")


def test_french_syntax_message_fallback_shows_no_english():
    message = french_syntax_message("Something odd, line 3")
    assert message == "fichier XML mal formé à cet endroit (balise, attribut ou caractère incorrect)"
    assert "Something" not in message


@pytest.mark.parametrize(("body", "line", "expected"), [
    # Two files put end to end: the second declaration, line 3.
    ('<?xml version="1.0"?>\n' + "<ficAlimMENESR>\n</ficAlimMENESR>", 3,
     "déclaration <?xml …?> au milieu du fichier"),
    # libxml2 finds the section unfinished at the end of the file.
    ("<![CDATA[ x", 4, "section CDATA non terminée"),
    ("<a:b/>", 3, "préfixe d'espace de noms XML"),
])
def test_libxml2_english_becomes_french_with_the_line(tmp_path, body, line, expected):
    data = '<?xml version="1.0" encoding="UTF-8"?>\n<ficAlimMENESR>\n' + body + "\n</ficAlimMENESR>"
    error = refused(tmp_path, data.encode())
    assert error.message.startswith(expected)
    assert error.line == line
    assert str(error).startswith(f"fichier.xml, ligne {line} : ")
    assert not re.search(r"[Dd]eclaration|allowed|section not|Namespace|column", str(error))

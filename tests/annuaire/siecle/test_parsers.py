"""The pure parsers, on the real Nomenclature and STS-web samples and on constructed files."""

import zipfile
from datetime import date

import pytest

from annuaire.siecle import records
from annuaire.siecle.parser import SiecleFileError, SiecleParser
from annuaire.siecle.pipeline import collect

from .conftest import FIXTURES

MAX = 10 * 1024 * 1024


def read(path, name=None):
    parser = SiecleParser(path, name or path.name, MAX)
    return parser, parser.read_header()


def test_real_nomenclature_2019_is_decoded_from_latin_9(siecle_samples):
    parser, header = read(siecle_samples / "Nomenclature-2019-20.xml")
    assert (header.kind, header.uaj, header.annee, header.version) == (
        "nomenclature", "0750680G", "2019", "3.1")
    assert parser.header.encoding == "ISO-8859-15"
    nom = records.read_nomenclature(parser, header)
    # Counts of PROVENANCE.md.
    assert (len(nom.mefs), len(nom.matieres), len(nom.regimes), len(nom.liens),
            len(nom.niveaux), len(nom.motifs), len(nom.modalites)) == (29, 108, 22, 11, 3, 29, 7)
    assert nom.regimes["29"] == "DEMI-PENSIONNAIRE AU TICKET"
    assert nom.liens["10"] == "MERE" and nom.niveaux["1"] == "REPRESENTANT LEGAL"
    assert nom.matieres["020700"] == "Français"  # byte 0xE7
    assert nom.motifs["45"] == "CESURE"


def test_real_nomenclature_2018_differs_by_year(siecle_samples):
    parser, header = read(siecle_samples / "Nomenclature-2018-19.xml")
    nom = records.read_nomenclature(parser, header)
    assert header.annee == "2018" and len(nom.mefs) == 89 and len(nom.matieres) == 100


def test_real_zipped_nomenclature_has_its_one_member_read(siecle_samples, tmp_path):
    found = collect([siecle_samples / "ExportXML_Nomenclature_arago_2019-20.zip"],
                    tmp_path / "work", MAX)
    assert [f.name for f in found] == ["ExportXML_Nomenclature_arago_2019-20.zip/Nomenclature.xml"]
    _parser, header = read(found[0].path, found[0].name)
    assert header.annee == "2019"


@pytest.mark.parametrize("case", ["case1", "case2", "case3"])
def test_real_sts_emp_files(sts_samples, case):
    parser, header = read(sts_samples / case / "sts_emp.xml")
    assert (header.kind, header.uaj, header.annee) == ("sts", "0771991W", "2018")
    sts = records.read_sts(parser, header)
    assert sts.matieres["020700"] == "Français"
    [jane] = sts.individus
    assert (jane.sts_id, jane.last_name, jane.first_name, jane.birth_date, jane.fonction) == (
        "69881", "DOE", "Jane", date(1975, 2, 27), "ENS")
    assert sts.services == []  # the real samples carry empty SERVICES


def test_real_emp_sts_is_refused_with_its_root(sts_samples):
    with pytest.raises(SiecleFileError) as err:
        read(sts_samples / "case1" / "emp_sts.xml", "emp_sts.xml")
    assert "emp_sts.xml, ligne 2" in str(err.value) and "<EDT_STS>" in str(err.value)


def test_constructed_pupils_with_options_structures_and_latin_9():
    parser, header = read(FIXTURES / "ElevesSansAdresses.xml")
    eleves, rejected = records.read_eleves(parser, header)
    assert rejected == []
    by_id = {e.eleve_id: e for e in eleves}
    lea = by_id["1000001"]
    assert (lea.ine, lea.birth_date, lea.regime_code, lea.mef_code) == (
        "00000000123", date(2011, 2, 14), "29", "10310019110")
    # OPTIONS/OPTION/OPTIONS_ELEVE: the wrapper names are swapped in real files.
    assert [(o["matiere"], o["modalite"]) for o in lea.options] == [("030201", "O"), ("020300", "F")]
    assert lea.structures == [("3B", "D"), ("3LATIN", "G"), ("_3ATELIER", "G")]
    assert by_id["1000002"].ine == "0000000001X"  # no ELENOET: still keyed on ELEVE_ID
    leaver = by_id["1000003"]
    assert (leaver.date_sortie, leaver.motif_sortie) == (date(2026, 3, 12), "12")
    assert by_id["1000009"].last_name == "FICTIF-CŒUR"  # 0xBC
    assert by_id["1000009"].first_name == "Chlœ"  # 0xBD, « ½ » in Latin-1


def test_constructed_relatives_2019_generation():
    parser, header = read(FIXTURES / "ResponsablesAvecAdresses.xml")
    personnes, liens, rejected = records.read_responsables(parser, header)
    assert rejected == []
    sophie = next(p for p in personnes if p.personne_id == "2000001")
    assert sophie.address == {"address": "12 RUE DES TESTS, BATIMENT Œ", "postal_code": "69003",
                              "city": "LYON", "country": "FRANCE"}
    links = {(lien.eleve_id, lien.personne_id): lien for lien in liens}
    mother = links["1000001", "2000001"]
    assert (mother.legal, mother.rang, mother.paiement, mother.heberge, mother.priorite) == (
        True, 1, True, True, True)
    father = links["1000001", "2000004"]
    assert (father.legal, father.rang, father.paiement, father.heberge) == (True, 2, False, False)
    contact = links["1000001", "2000002"]
    assert (contact.legal, contact.contact, contact.niveau) == (False, True, "3")


def test_constructed_relatives_2017_generation():
    parser, header = read(FIXTURES / "ResponsablesAvecAdresses-2017.xml")
    _personnes, liens, _ = records.read_responsables(parser, header)
    mother, other = liens
    assert (mother.legal, mother.rang, mother.financier, mother.paiement, mother.contact) == (
        True, 2, True, False, True)
    assert (other.legal, other.rang, other.contact, other.code_parente) == (False, 0, True, "39")


def test_constructed_sts_services_and_euro_sign():
    parser, header = read(FIXTURES / "sts_emp_0690001A_2025.xml")
    sts = records.read_sts(parser, header)
    assert sts.matieres["022300"] == "Atelier théâtre €"  # byte 0xA4
    assert [(s.nature, s.code, s.matiere, s.enseignants) for s in sts.services] == [
        ("division", "3A", "061300", ["70001"]), ("division", "3A", "020700", ["70002", "70003"]),
        ("division", "3Z", "061300", ["70001"]), ("groupe", "3LATIN", "020300", ["70002"]),
        ("groupe", "3LATIN", "022300", ["70001"])]


def test_utf8_file_is_read_too(tmp_path):
    data = (FIXTURES / "ElevesSansAdresses.xml").read_bytes().decode("iso-8859-15")
    path = tmp_path / "ElevesSansAdresses.xml"
    path.write_bytes(data.replace('encoding="ISO-8859-15"', 'encoding="UTF-8"').encode())
    parser, header = read(path)
    eleves, _ = records.read_eleves(parser, header)
    assert eleves[-1].first_name == "Chlœ"


def test_unreadable_date_rejects_the_record_with_its_line(tmp_path):
    data = (FIXTURES / "ElevesSansAdresses.xml").read_bytes().replace(
        b"<DATE_NAISS>03/06/2011", b"<DATE_NAISS>2011-06-03")
    path = tmp_path / "ElevesSansAdresses.xml"
    path.write_bytes(data)
    parser, header = read(path)
    _eleves, rejected = records.read_eleves(parser, header)
    assert [e.eleve_id for e in rejected] == ["1000002"]
    assert "DATE_NAISS illisible « 2011-06-03 »" in rejected[0].problems[0]
    assert rejected[0].line == 26


def test_zip_of_constructed_pupils(tmp_path):
    found = collect([FIXTURES / "ExportXML_ElevesSansAdresses.zip"], tmp_path / "w", MAX)
    assert found[0].name.endswith("ExportXML_ElevesSansAdresses.zip/ElevesSansAdresses.xml")
    assert zipfile.is_zipfile(FIXTURES / "ExportXML_ElevesSansAdresses.zip")

"""Finding the files of a delivery: names, folders, zip archives and their traps."""

import shutil
import zipfile

import pytest

from annuaire.aaf.errors import AafFileError, AafImportError
from annuaire.aaf.files import ZIP_MAX_MEMBERS, collect, describe
from ent.french import french_number

from .builders import aaf_bytes, eleve, etab

MB = 1024 * 1024


@pytest.mark.parametrize(("name", "population", "kind", "date"), [
    ("FULL_ENTTSSERVICES_Complet_20130117_Eleve_0001.xml", "Eleve", "Complet", "20130117"),
    ("clean-FULL_ENTTSSERVICES_Complet_20130117_PersRelEleve_0005.xml", "PersRelEleve",
     "Complet", "20130117"),
    ("FULL_ENTTSSERVICES_Delta_20130122_PersEducNat_0000.xml", "PersEducNat", "Delta", "20130122"),
    ("ENT_Complet_20200101_EtabEducNat_0000.xml", "EtabEducNat", "Complet", "20200101"),
    ("ENT2DVA-ENT16_Complet_20240916_PersEducNat_0000.xml", "PersEducNat", "Complet", "20240916"),
    ("FULL_ENTTSSERVICES_Complet_20130117_MatiereEducNat_0000.xml", "MatiereEducNat", "Complet",
     "20130117"),
    ("ent_complet_20240916_mefeducnat_0003.XML", "MefEducNat", "Complet", "20240916"),
    # No date, no sequence: what the name still says.
    ("file_EtabEducNat_test.xml", "EtabEducNat", None, None),
    ("ENT_Complet_PersEducNat_0000.xml", "PersEducNat", "Complet", None),
    ("annuaire.xml", None, None, None),
])
def test_describe_reads_the_name(tmp_path, name, population, kind, date):
    path = tmp_path / name
    path.write_bytes(b"<x/>")
    described = describe(path, name)
    assert (described.population, described.kind, described.date) == (population, kind, date)
    assert described.size == 4


def test_collect_folder_recursively_sorted_by_population(tmp_path, aaf_samples, staged_copy):
    folder = staged_copy(*sorted((aaf_samples / "entcore/aaf-test").iterdir()))
    sub = folder / "2020"
    sub.mkdir()
    shutil.copy(aaf_samples / "entcore/aaf-test-2020/ENT_Complet_20200101_Eleve_0000.xml", sub)
    (folder / "LISEZMOI.txt").write_text("pas un fichier AAF")
    files = collect([folder], tmp_path / "travail", 100 * MB)
    assert [(f.name, f.population) for f in files] == [
        ("livraison/FULL_ENTTSSERVICES_Complet_20130117_EtabEducNat_0000.xml", "EtabEducNat"),
        ("livraison/FULL_ENTTSSERVICES_Complet_20130117_MatiereEducNat_0000.xml", "MatiereEducNat"),
        ("livraison/FULL_ENTTSSERVICES_Complet_20130117_MefEducNat_0000.xml", "MefEducNat"),
        ("livraison/2020/ENT_Complet_20200101_Eleve_0000.xml", "Eleve"),
        ("livraison/FULL_ENTTSSERVICES_Complet_20130117_Eleve_0001.xml", "Eleve"),
        ("livraison/clean-FULL_ENTTSSERVICES_Complet_20130117_PersRelEleve_0005.xml",
         "PersRelEleve"),
        ("livraison/clean-FULL_ENTTSSERVICES_Complet_20130117_PersRelEleve_0011.xml",
         "PersRelEleve"),
        ("livraison/FULL_ENTTSSERVICES_Complet_20130117_PersEducNat_0001.xml", "PersEducNat"),
    ]
    assert {f.kind for f in files} == {"Complet"}


def _zip(path, members, compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_collect_zip_and_zip_in_folder(tmp_path):
    etab_xml = aaf_bytes([etab("1001", "0690001A")])
    eleve_xml = aaf_bytes([eleve("1")])
    archive = _zip(tmp_path / "ENT2D.20240916.zip", {
        "ENT_Complet_20240916_Eleve_0000.xml": eleve_xml,
        "sous/dossier/ENT_Complet_20240916_EtabEducNat_0000.xml": etab_xml,
        "ficAlimMENESR.dtd": b"<!ELEMENT x ANY>",
        "vide/": b"",
    })
    files = collect([archive], tmp_path / "travail", 100 * MB)
    assert [f.name for f in files] == [
        "ENT2D.20240916.zip/sous/dossier/ENT_Complet_20240916_EtabEducNat_0000.xml",
        "ENT2D.20240916.zip/ENT_Complet_20240916_Eleve_0000.xml",
    ]
    assert files[0].path.read_bytes() == etab_xml
    assert files[0].path.is_relative_to(tmp_path / "travail")

    folder = tmp_path / "depot"
    folder.mkdir()
    shutil.move(archive, folder / archive.name)
    (folder / "ENT_Complet_20240916_PersEducNat_0000.xml").write_bytes(aaf_bytes([]))
    files = collect([folder], tmp_path / "travail2", 100 * MB)
    assert [f.population for f in files] == ["EtabEducNat", "Eleve", "PersEducNat"]


def test_members_of_the_same_name_are_all_kept(tmp_path):
    one, two = aaf_bytes([eleve("1")]), aaf_bytes([eleve("2")])
    archive = _zip(tmp_path / "a.zip", {
        "lyon/ENT_Complet_20240916_Eleve_0000.xml": one,
        "grenoble/ENT_Complet_20240916_Eleve_0000.xml": two,
    })
    (tmp_path / "b").mkdir()
    other = _zip(tmp_path / "b" / "a.zip", {"ENT_Complet_20240916_Eleve_0000.xml": two})
    files = collect([archive, other], tmp_path / "travail", 100 * MB)
    assert sorted(f.name for f in files) == [
        "a.zip/ENT_Complet_20240916_Eleve_0000.xml",
        "a.zip/grenoble/ENT_Complet_20240916_Eleve_0000.xml",
        "a.zip/lyon/ENT_Complet_20240916_Eleve_0000.xml",
    ]
    contents = {f.name: f.path.read_bytes() for f in files}
    assert contents["a.zip/lyon/ENT_Complet_20240916_Eleve_0000.xml"] == one
    assert contents["a.zip/grenoble/ENT_Complet_20240916_Eleve_0000.xml"] == two
    assert len({f.path for f in files}) == 3


def test_zip_slip_stays_in_the_work_folder(tmp_path):
    archive = _zip(tmp_path / "evil.zip", {"../../evil_Complet_20240916_Eleve_0000.xml": b"<x/>"})
    files = collect([archive], tmp_path / "travail", 100 * MB)
    assert files[0].path.is_relative_to(tmp_path / "travail")
    assert not (tmp_path.parent / "evil_Complet_20240916_Eleve_0000.xml").exists()


def test_unreadable_zip(tmp_path):
    archive = tmp_path / "livraison.zip"
    archive.write_bytes(b"PK\x03\x04 ceci n'est pas une archive")
    with pytest.raises(AafFileError) as exc:
        collect([archive], tmp_path / "travail", 100 * MB)
    assert str(exc.value) == "livraison.zip : archive zip illisible ou tronquée"


def test_zip_member_over_the_limit(tmp_path):
    archive = _zip(tmp_path / "gros.zip", {"x_Complet_20240916_Eleve_0000.xml": b"a" * 5000},
                   compression=zipfile.ZIP_STORED)
    with pytest.raises(AafFileError) as exc:
        collect([archive], tmp_path / "travail", 4000)
    assert str(exc.value) == (
        "gros.zip/x_Complet_20240916_Eleve_0000.xml : fichier trop volumineux une fois "
        "décompressé (4,9 Ko) : la limite est de 3,9 Ko par fichier")


def test_zip_bomb_ratio(tmp_path):
    archive = _zip(tmp_path / "bombe.zip", {"x_Complet_20240916_Eleve_0000.xml": b"\0" * (20 * MB)})
    with pytest.raises(AafFileError) as exc:
        collect([archive], tmp_path / "travail", 100 * MB)
    assert str(exc.value) == (
        "bombe.zip/x_Complet_20240916_Eleve_0000.xml : taux de compression anormal (plus de 100 "
        "pour 1) : archive refusée, elle ressemble à une « bombe de décompression »")
    assert not list((tmp_path / "travail").rglob("*.xml"))


def test_zip_with_too_many_members(tmp_path):
    archive = _zip(tmp_path / "nombreux.zip",
                   {f"f{i}.txt": b"" for i in range(ZIP_MAX_MEMBERS + 1)},
                   compression=zipfile.ZIP_STORED)
    with pytest.raises(AafFileError) as exc:
        collect([archive], tmp_path / "travail", 100 * MB)
    assert str(exc.value) == (
        f"nombreux.zip : l'archive contient plus de {french_number(ZIP_MAX_MEMBERS)} fichiers : "
        "refusée")


def test_missing_path_and_nothing_to_import(tmp_path):
    with pytest.raises(AafImportError) as exc:
        collect([tmp_path / "absent"], tmp_path / "travail", MB)
    assert str(exc.value) == f"{tmp_path / 'absent'} : fichier ou dossier introuvable"
    (tmp_path / "vide").mkdir()
    (tmp_path / "vide" / "notes.txt").write_text("rien")
    with pytest.raises(AafImportError) as exc:
        collect([tmp_path / "vide"], tmp_path / "travail", MB)
    assert str(exc.value) == "aucun fichier XML AAF trouvé dans ce qui a été fourni"

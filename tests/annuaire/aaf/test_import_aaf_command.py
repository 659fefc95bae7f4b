"""``python manage.py import_aaf``: text and JSON reports, exit codes, zips and folders."""

import io
import json
import shutil
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from annuaire.models import AafImport, Person

from .builders import delivery, eleve, etab, relative, write_file

COLLEGE = etab("1001", "0690001A", "CLG$COLLEGE JEAN MOULIN$LYON")
ELEVE_FILE = "ENT2DVA-ENT16_Complet_20240916_Eleve_0000.xml"


def command(*args):
    """Runs the command; returns (exit code, stdout)."""
    out = io.StringIO()
    try:
        call_command("import_aaf", *[str(a) for a in args], stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


def school(tmp_path, name="livraison", pupils=2, **extra):
    populations = {
        "EtabEducNat": [COLLEGE],
        "Eleve": [eleve(str(i), "Dupont", "Léa", relatives=["900$2$1$1$0$0"]) for i in range(1, pupils + 1)]
        + [eleve("99", sn="")],
        "PersRelEleve": [relative("900", "M. et Mme Dupont", "Sophie")],
    }
    populations.update(extra)
    return delivery(tmp_path / name, populations)


def test_text_report(db, tmp_path, capsys):
    code, out = command(school(tmp_path))
    imp = AafImport.objects.get()
    assert code == 0
    assert imp.origin == AafImport.Origin.CLI
    lines = out.splitlines()
    assert lines[0] == f"Import AAF n°{imp.pk} — Complet — Appliqué"
    assert lines[1:4] == [
        "  livraison/ENT2DVA-ENT16_Complet_20240916_EtabEducNat_0000.xml : EtabEducNat Complet, "
        "1 enregistrement, AAF-VE2407, UTF-8",
        f"  livraison/{ELEVE_FILE} : Eleve Complet, 3 enregistrements, AAF-VE2407, UTF-8",
        "  livraison/ENT2DVA-ENT16_Complet_20240916_PersRelEleve_0000.xml : PersRelEleve Complet, "
        "1 enregistrement, AAF-VE2407, UTF-8",
    ]
    table = [line.split() for line in lines[5:9]]
    assert table == [
        ["Population", "créés", "modifiés", "réactivés", "désactivés", "inchangés", "rejetés"],
        ["Structures", "1", "0", "0", "0", "0", "0"],
        ["Élèves", "2", "0", "0", "0", "0", "1"],
        ["Responsables", "1", "0", "0", "0", "0", "0"],
    ]
    assert "COLLEGE JEAN MOULIN (LYON) (0690001A)" in lines
    assert "Enregistrements rejetés : 1" in lines
    assert f"  livraison/{ELEVE_FILE}, ligne 37, identifiant 99 : nom d'usage absent (sn)" in lines
    assert "Contrôles avant distribution des comptes : 2" in lines
    control = lines.index("Contrôles avant distribution des comptes : 2")
    assert lines[control + 1] == (
        "  900 M. et Mme Dupont Sophie — une fiche, plusieurs personnes probables : le nom « M. et "
        "Mme Dupont » joint plusieurs personnes")
    assert lines[control + 2].startswith("    → Dans SIECLE, ne garder qu'une personne par fiche")
    assert lines[control + 3] == (
        "  2 DUPONT Léa, né(e) le 14/09/2010 — même nom et même date de naissance que 1")
    assert lines[-1] == f"Lignes écrites dans l'annuaire : {imp.rows_written}"
    assert imp.rows_written == 12
    assert Person.objects.get(aaf_id="900").login == "sophie.dupont"
    # Progress goes to stderr, in French.
    assert "application : 100.0% terminé" in capsys.readouterr().err


def test_json_report(db, tmp_path, capsys):
    code, out = command(school(tmp_path), "--json")
    assert code == 0
    report = json.loads(out)
    imp = AafImport.objects.get()
    assert (report["status"], report["import_id"], report["error"], report["kind"]) == (
        "applique", imp.pk, None, "Complet")
    assert report["counts"] == {
        "EtabEducNat": {"created": 1, "updated": 0, "reactivated": 0, "deactivated": 0,
                        "unchanged": 0, "rejected": 0},
        "Eleve": {"created": 2, "updated": 0, "reactivated": 0, "deactivated": 0,
                  "unchanged": 0, "rejected": 1},
        "PersRelEleve": {"created": 1, "updated": 0, "reactivated": 0, "deactivated": 0,
                         "unchanged": 0, "rejected": 0},
    }
    assert report["rejected"] == [{
        "file": f"livraison/{ELEVE_FILE}", "line": 37, "identifier": "99", "population": "Eleve",
        "reason": "nom d'usage absent (sn)"}]
    assert report["rows_written"] == 12
    assert capsys.readouterr().err == ""

    code, out = command(school(tmp_path), "--json")
    assert json.loads(out)["rows_written"] == 0
    assert json.loads(out)["counts"]["Eleve"]["unchanged"] == 2


def test_bad_file_exits_1_naming_file_and_line(db, tmp_path, aaf_samples):
    folder = tmp_path / "delta"
    folder.mkdir()
    shutil.copy(aaf_samples / "service-annuaire/delta/FULL_ENTTSSERVICES_Delta_20130122_Eleve_0000.xml",
                folder)
    code, out = command(folder, "--json")
    assert code == 1
    report = json.loads(out)
    error = ("delta/FULL_ENTTSSERVICES_Delta_20130122_Eleve_0000.xml, ligne 100 : la balise "
             "<modification> ouverte ligne 100 est fermée par </attr> : fichier XML mal formé")
    assert (report["status"], report["error"], report["line"], report["counts"], report["rejected"]) == (
        "echec", error, 100, {}, [])
    code, out = command(folder)
    assert code == 1
    assert out.splitlines()[1] == f"Erreur : {error}"
    assert Person.objects.count() == 0


def test_waiting_exits_2_then_confirm_or_cancel(db, tmp_path):
    assert command(school(tmp_path, "l1", pupils=10))[0] == 0
    code, out = command(school(tmp_path, "l2", pupils=8))
    waiting = AafImport.objects.get(status=AafImport.Status.WAITING)
    assert code == 2
    assert out.splitlines()[0] == f"Import AAF n°{waiting.pk} — Complet — À confirmer"
    assert out.split("En attente de confirmation, rien n'a été écrit :\n")[1].splitlines()[:3] == [
        "  Élèves, tous établissements et sans établissement confondus : ce Complet "
        "désactiverait 2 comptes actifs sur 10 (20\u00a0%), plus que le seuil de 10\u00a0%.",
        "  Élèves de COLLEGE JEAN MOULIN (LYON) (0690001A) : ce Complet désactiverait 2 comptes "
        "actifs sur 10 (20\u00a0%), plus que le seuil de 10\u00a0%.",
        "Vérifiez la livraison (un fichier manquant ?) avant de la confirmer."]
    assert (f"Confirmer : python manage.py import_aaf --confirm {waiting.pk} ; annuler : "
            f"--cancel {waiting.pk}") in out
    assert "Lignes écrites dans l'annuaire : 0" in out
    assert Person.objects.filter(deactivated_at__isnull=False).count() == 0

    code, out = command("--confirm", waiting.pk, "--json")
    assert code == 0
    report = json.loads(out)
    assert (report["status"], report["import_id"]) == ("applique", waiting.pk)
    assert report["counts"]["Eleve"]["deactivated"] == 2
    assert sorted(Person.objects.filter(deactivated_at__isnull=False).values_list("aaf_id", flat=True)) == [
        "10", "9"]

    code, _out = command(school(tmp_path, "l3", pupils=1))
    assert code == 2
    pending = AafImport.objects.get(status=AafImport.Status.WAITING)
    code, out = command("--cancel", pending.pk)
    assert code == 0
    assert out.splitlines()[0] == f"Import AAF n°{pending.pk} — Complet — Annulé"
    assert Person.objects.filter(deactivated_at__isnull=False).count() == 2


def test_force_and_simulate(db, tmp_path):
    command(school(tmp_path, "l1", pupils=10))
    code, out = command(school(tmp_path, "l2", pupils=8), "--simulate", "--json")
    assert (code, json.loads(out)["status"]) == (2, "a_confirmer")
    code, out = command(school(tmp_path, "l3", pupils=10), "--simulate", "--json")
    assert (code, json.loads(out)["status"]) == (0, "simule")
    code, out = command(school(tmp_path, "l4", pupils=8), "--force", "--json")
    assert (code, json.loads(out)["status"]) == (0, "applique")
    assert Person.objects.filter(deactivated_at__isnull=False).count() == 2


def test_zips_and_folders_together(db, tmp_path):
    folder = tmp_path / "dossier"
    write_file(folder, "EtabEducNat", [COLLEGE])
    archive = tmp_path / "ENT2D.20240916.zip"
    eleves = write_file(tmp_path / "tmp", "Eleve", [eleve("1"), eleve("2", "Martin", "Noé")])
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("LISEZMOI.txt", "livraison de test")
        zf.write(eleves, f"eleves/{ELEVE_FILE}")
    code, out = command(folder, archive, "--json")
    report = json.loads(out)
    assert code == 0
    assert [f["name"] for f in report["files"]] == [
        "dossier/ENT2DVA-ENT16_Complet_20240916_EtabEducNat_0000.xml",
        f"ENT2D.20240916.zip/eleves/{ELEVE_FILE}"]
    assert report["counts"]["Eleve"]["created"] == 2
    assert sorted(Person.objects.values_list("login", flat=True)) == ["lea.dupont", "noe.martin"]


def test_usage_errors(db, tmp_path):
    with pytest.raises(CommandError) as exc:
        call_command("import_aaf", stdout=io.StringIO())
    assert str(exc.value) == "indiquez au moins un fichier, dossier ou zip AAF"
    with pytest.raises(CommandError) as exc:
        call_command("import_aaf", "--confirm", "999", stdout=io.StringIO())
    assert str(exc.value) == "aucun import n°999"
    busy = AafImport.objects.create(status=AafImport.Status.RUNNING, origin=AafImport.Origin.CLI)
    with pytest.raises(CommandError) as exc:
        call_command("import_aaf", str(school(tmp_path)), stdout=io.StringIO())
    assert str(exc.value).startswith(f"Un import AAF est déjà en cours (n°{busy.pk}, lancé par la ligne")
    AafImport.objects.filter(pk=busy.pk).update(status=AafImport.Status.FAILED)
    code, out = command(tmp_path / "absent", "--json")
    assert code == 1
    assert json.loads(out)["error"] == f"{tmp_path / 'absent'} : fichier ou dossier introuvable"

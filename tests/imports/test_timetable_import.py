"""The real EDT/PRONOTE sample, analysed then validated against a small directory."""

import datetime
import json
import shutil

import pytest
from django.core.management import call_command

from imports import services
from imports.models import Rapprochement, TimetableImport
from tests.conftest import SAMPLES
from tests.factories import (
    EtablissementFactory,
    PersonFactory,
    RegroupementFactory,
    RoleFactory,
)
from tests.samples import samples_missing
from viescolaire.models import Cours, Seance

pytestmark = pytest.mark.django_db
EDT = SAMPLES / "service-cahiertextes" / "Edt_To_LaclasseCom_0134567A_Enclair.xml"
START = datetime.date(2013, 9, 1)


@pytest.fixture
def college():
    if not EDT.exists():
        samples_missing("l'échantillon EDT (../shared/samples/service-cahiertextes) est absent")
    etab = EtablissementFactory(uai="0134567A", name="COLLEGE DE DEMONSTRATION")
    teacher = PersonFactory(profile="enseignant", first_name="Hélène", last_name="Bachelet")
    RoleFactory(person=teacher, etablissement=etab, role="enseignant")
    division = RegroupementFactory(etablissement=etab, code="3A")
    return etab, teacher, division


def _one_course_less(tmp_path):
    """The real sample without its first course, under ``tmp_path``."""
    text = EDT.read_text(encoding="utf-8")
    first = text.index("<Cours Jour")
    path = tmp_path / EDT.name
    path.write_text(text[:first] + text[text.index("</Cours>", first) + len("</Cours>"):],
                    encoding="utf-8")
    return path


def _analyse(etab, path=EDT):
    imp = services.timetable_import_create(etab=etab, files=[(path.name, path.read_bytes())])
    return services.timetable_import_analyse(import_id=imp.pk)


def test_command_prints_the_bilan_as_json(college, capsys):
    call_command("import_timetable", str(EDT), "--json")
    out = json.loads(capsys.readouterr().out)
    counts = out["counts"]
    assert out["status"] == "bilan" and out["source"] == "edt" and out["uai"] == "0134567A"
    assert counts["courses"] == 704 and counts["courses_subject_only"] == 100
    assert (counts["teachers_matched"], counts["teachers_unmatched"]) == (1, 30)
    assert (counts["divisions_matched"], counts["divisions_unmatched"]) == (1, 15)
    assert counts["groups_unmatched"] == 48 and counts["subjects"] == 25
    assert counts["seances"] > 10000
    assert not Cours.objects.exists(), "un bilan n'écrit rien"


def test_validate_then_reimport_keeps_courses_and_séances(college):
    etab, teacher, division = college
    imp = _analyse(etab)
    services.timetable_import_validate(imp=imp, acting_user=None, today=START)
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.VALIDE
    applied = imp.bilan["applied"]
    assert applied["courses_created"] == Cours.objects.count() == 604
    assert Seance.objects.count() == applied["seances_added"] > 10000
    assert Cours.objects.filter(enseignants=teacher).exists()
    assert Cours.objects.filter(regroupements=division).exists()
    seance_ids = set(Seance.objects.values_list("pk", flat=True))

    again = _analyse(etab)
    services.timetable_import_validate(imp=again, acting_user=None, today=START)
    again.refresh_from_db()
    assert again.bilan["applied"] == {
        "courses_created": 0, "courses_updated": 604, "courses_removed": 0,
        "seances_added": 0, "seances_removed": 0, "seances_changed": 0,
        "seances_cancelled": 0}
    assert set(Seance.objects.values_list("pk", flat=True)) == seance_ids


def test_removed_courses_lose_only_their_future_séances(college, tmp_path):
    etab = college[0]
    services.timetable_import_validate(imp=_analyse(etab), acting_user=None, today=START)
    path = _one_course_less(tmp_path)
    later = datetime.date(2014, 1, 6)
    before = Seance.objects.filter(date__lt=later).count()
    imp = services.timetable_import_validate(imp=_analyse(etab, path), acting_user=None, today=later)
    assert imp.bilan["applied"]["courses_removed"] == 1
    assert imp.bilan["applied"]["seances_removed"] > 0
    assert Seance.objects.filter(date__lt=later).count() == before
    assert Cours.objects.filter(active=False).count() == 1


def test_validated_or_stale_imports_cannot_be_applied(college):
    etab = college[0]
    old = _analyse(etab)
    new = _analyse(etab)
    old.refresh_from_db()
    assert old.status == TimetableImport.Status.PERIME
    with pytest.raises(services.ImportStateError):
        services.timetable_import_validate(imp=old, acting_user=None, today=START)
    services.timetable_import_validate(imp=new, acting_user=None, today=START)
    with pytest.raises(services.ImportStateError, match="validé"):
        services.timetable_import_validate(imp=new, acting_user=None, today=START)
    with pytest.raises(services.ImportStateError, match="ne peut plus être annulé"):
        services.timetable_import_cancel(imp=new, acting_user=None)


def test_an_interrupted_validation_delivered_late_does_not_replace_a_newer_one(
        college, tmp_path, in_sample_year):
    from imports.tasks import timetable_validate_task

    etab = college[0]
    old = _analyse(etab)
    # Claimed, then its worker killed: its message waits in the broker (no on-commit here).
    services.timetable_import_validate_start(imp=old, acting_user=None)
    path = _one_course_less(tmp_path)
    new = _analyse(etab, path)
    services.timetable_import_validate_start(imp=new, acting_user=None)
    timetable_validate_task(new.pk)
    in_force = sorted(Cours.objects.values_list("key", "active", "timetable_import"))
    assert len(in_force) == 603

    timetable_validate_task(old.pk)  # the killed worker's message, delivered again later
    old.refresh_from_db()
    assert old.status == TimetableImport.Status.PERIME
    assert sorted(Cours.objects.values_list("key", "active", "timetable_import")) == in_force


def test_a_newer_upload_waiting_while_an_older_one_is_applied_gets_a_fresh_bilan(
        college, tmp_path, django_capture_on_commit_callbacks):
    """Uploaded while an older import was being applied, the newer one is not « remplacé »:
    its bilan is computed again against the timetable now in force, and it can be validated."""
    from imports.tasks import timetable_validate_task

    etab = college[0]
    old = _analyse(etab)
    services.timetable_import_validate_start(imp=old, acting_user=None)
    path = _one_course_less(tmp_path)
    new = _analyse(etab, path)
    # Compared with no timetable in force: every séance is new.
    assert new.bilan["changes"]["seances"]["previous"] == 0
    with django_capture_on_commit_callbacks() as queued:
        timetable_validate_task(old.pk)
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.status == TimetableImport.Status.VALIDE
    assert new.status == TimetableImport.Status.ANALYSE and queued
    new = services.timetable_import_execute(import_id=new.pk)
    assert new.status == TimetableImport.Status.BILAN
    seances = new.bilan["changes"]["seances"]
    assert seances["previous"] == old.bilan["counts"]["seances"] and seances["difference"] < 0
    services.timetable_import_validate(imp=new, acting_user=None, today=START)
    assert Cours.objects.filter(active=True).count() == 603


def test_a_rapprochement_changes_the_bilan(college):
    etab = college[0]
    division = RegroupementFactory(etablissement=etab, code="TROISIEME B")
    before = _analyse(etab).bilan["counts"]["divisions_matched"]
    Rapprochement.objects.create(etablissement=etab, kind="division", source_key="3b",
                                 source_label="3B", regroupement=division)
    assert _analyse(etab).bilan["counts"]["divisions_matched"] == before + 1


def test_a_file_of_another_establishment_gives_no_bilan(college):
    other = EtablissementFactory(uai="0699999Z")
    imp = _analyse(other)
    assert imp.status == TimetableImport.Status.ECHEC
    assert "0134567A" in imp.error and EDT.name in imp.error


def test_files_stay_out_of_the_samples(college, tmp_path):
    copy = tmp_path / "copie.xml"
    shutil.copy(EDT, copy)
    assert _analyse(college[0], copy).status == TimetableImport.Status.BILAN


def test_bilan_against_the_timetable_in_force(college, tmp_path):
    etab = college[0]
    RegroupementFactory(etablissement=etab, code="5C")
    first = _analyse(etab)
    changes = first.bilan["changes"]
    assert changes["seances"]["previous"] == 0
    assert len(changes["services"]["added"]) == first.bilan["counts"]["services_file"]
    assert first.bilan["groups"]["to_create"] == first.bilan["lists"]["groups_unmatched"]
    # Hélène Bachelet teaches 5C in the file but not in the directory yet.
    assert "5C : BACHELET Hélène" in first.bilan["groups"]["teachers_to_add"]
    assert "3A" in first.bilan["groups"]["pupils_to_add"]
    services.timetable_import_validate(imp=first, acting_user=None, today=START)

    text = EDT.read_text(encoding="utf-8")
    start = text.index("<Cours Jour")
    smaller = text[:start] + text[text.index("</Cours>", start) + len("</Cours>"):]
    path = tmp_path / EDT.name
    path.write_text(smaller, encoding="utf-8")
    second = _analyse(etab, path).bilan["changes"]
    assert second["seances"]["difference"] < 0
    assert second["services"]["removed"] or second["services"]["modified"]
    assert second["subjects"] == {"added": [], "modified": []}
    assert second["weekly"]["cancelled"]["change"] == 0


@pytest.mark.django_db(transaction=True)
def test_two_admins_validating_at_once_apply_it_once(college):
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("le verrou de ligne se vérifie sur PostgreSQL")
    etab = college[0]
    imp = _analyse(etab)
    outcomes, barrier = [], threading.Barrier(2)

    def validate():
        from django.db import connections

        barrier.wait()
        try:
            services.timetable_import_validate(imp=imp, acting_user=None, today=START)
            outcomes.append("validé")
        except services.ImportStateError:
            outcomes.append("refusé")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=validate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refusé", "validé"]
    assert Cours.objects.count() == 604
    assert Seance.objects.values("cours", "date").distinct().count() == Seance.objects.count()


def test_groups_populated_from_the_file_when_the_principal_chose_it(college):
    from annuaire.models import Inscription, Regroupement
    from imports.models import TimetableSettings
    from tests.factories import InscriptionFactory

    etab = college[0]
    group = RegroupementFactory(etablissement=etab, code="4CD MOR",
                                nature=Regroupement.Nature.GROUPE)
    allard = PersonFactory(population="Eleve", profile="eleve", last_name="Allard",
                           first_name="Abdeljalil", ine="0000000000001",
                           birth_date=datetime.date(1994, 1, 10))
    RoleFactory(person=allard, etablissement=etab, role="eleve")
    stray = PersonFactory(population="Eleve", profile="eleve")
    RoleFactory(person=stray, etablissement=etab, role="eleve")
    InscriptionFactory(eleve=stray, regroupement=group)

    # By default (SIECLE), the file does not touch groups.
    first = services.timetable_import_validate(imp=_analyse(etab), acting_user=None, today=START)
    assert "groups" not in first.bilan["applied"]
    members = Inscription.objects.filter(regroupement=group).values_list("eleve_id", flat=True)
    assert set(members) == {stray.pk}

    TimetableSettings.objects.create(etablissement=etab,
                                     group_source=TimetableSettings.GroupSource.EMPLOI_DU_TEMPS)
    second = services.timetable_import_validate(imp=_analyse(etab), acting_user=None, today=START)
    applied = second.bilan["applied"]["groups"]
    assert (applied["memberships_added"], applied["memberships_removed"]) == (1, 1)
    assert set(Inscription.objects.filter(regroupement=group).values_list(
        "eleve_id", flat=True)) == {allard.pk}


def test_a_reimport_writes_what_changed_in_a_kept_course(college, tmp_path):
    etab = college[0]
    services.timetable_import_validate(imp=_analyse(etab), acting_user=None, today=START)
    text = EDT.read_text(encoding="utf-8")
    assert '<Salle Ident="15511" Nom="1"/>' in text
    path = tmp_path / EDT.name
    path.write_text(text.replace('<Salle Ident="15511" Nom="1"/>',
                                 '<Salle Ident="15511" Nom="B 101"/>'), encoding="utf-8")
    moved = Cours.objects.filter(salle="1").count()
    assert moved
    imp = services.timetable_import_validate(imp=_analyse(etab, path), acting_user=None, today=START)
    assert imp.bilan["applied"]["courses_created"] == 0
    assert Cours.objects.filter(salle="B 101").count() == moved
    assert not Cours.objects.filter(salle="1").exists()
    assert set(Cours.objects.values_list("timetable_import", flat=True)) == {imp.pk}


def _analysed_on(etab, today, path=EDT):
    imp = services.timetable_import_create(etab=etab, files=[(path.name, path.read_bytes())])
    return services.timetable_import_analyse(import_id=imp.pk, today=today)


def test_an_export_of_a_year_over_announces_no_séance_and_validation_writes_none(college):
    """The real 2013-2014 export, analysed and validated years later: its bilan no longer
    promises the séances of the file, and says why."""
    from imports.presenters import bilan_rows

    today = datetime.date(2026, 12, 7)
    imp = _analysed_on(college[0], today)
    counts = imp.bilan["counts"]
    assert counts["seances"] > 10000 and counts["seances_to_create"] == 0
    note = ("L'export concerne l'année 2013-2014, terminée : aucune séance ne sera créée, et "
            "l'emploi du temps en vigueur ne changera pas.")
    assert imp.bilan["seances_plan"]["notes"] == [note]
    seances_row = next(row for row in bilan_rows(imp.bilan) if row["key"] == "seances")
    assert seances_row["help"].startswith(note)
    imp = services.timetable_import_validate(imp=imp, acting_user=None, today=today)
    assert imp.bilan["applied"]["seances_added"] == 0
    assert not Seance.objects.exists() and not Cours.objects.exists()


def test_a_first_import_in_december_fills_the_autumn(college, tmp_path):
    """The real export validated mid-year: September to November are not left empty, and
    validation writes the séances its bilan announced; a later import leaves them as they
    are."""
    etab = college[0]
    today = datetime.date(2013, 12, 2)
    imp = _analysed_on(etab, today)
    counts = imp.bilan["counts"]
    assert counts["seances_past"] == 0 and imp.bilan["seances_plan"]["first_of_year"]
    imp = services.timetable_import_validate(imp=imp, acting_user=None, today=today)
    assert imp.bilan["applied"]["seances_added"] == counts["seances_to_create"] > 10000
    autumn = set(Seance.objects.filter(date__lt=today).values_list(
        "pk", "cours_id", "date", "start", "end", "cancelled"))
    assert Seance.objects.filter(date__lt=datetime.date(2013, 9, 9)).exists()
    later = datetime.date(2014, 1, 6)
    again = _analysed_on(etab, later, _one_course_less(tmp_path))
    forecast = again.bilan["counts"]
    assert forecast["seances_past"] > 0 and not again.bilan["seances_plan"]["first_of_year"]
    again = services.timetable_import_validate(imp=again, acting_user=None, today=later)
    applied = again.bilan["applied"]
    assert (applied["seances_added"], applied["seances_changed"], applied["seances_removed"]) \
        == (forecast["seances_to_create"], forecast["seances_to_change"],
            forecast["seances_to_remove"])
    assert set(Seance.objects.filter(date__lt=today).values_list(
        "pk", "cours_id", "date", "start", "end", "cancelled")) == autumn


# Keys every import command's --json prints (import_aaf's shape; see test_import_aaf_command).
JSON_KEYS = {"import_id", "status", "error", "counts", "rejected"}


@pytest.mark.parametrize("content", [b"JOUR;HEURE;DIV\n1;0800;3A\n", None])
def test_command_prints_json_when_it_refuses_a_file(db, tmp_path, capsys, content):
    path = tmp_path / "cours.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(SystemExit) as exit_:
        call_command("import_timetable", str(path), "--json")
    assert exit_.value.code == 1
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= JSON_KEYS
    assert (out["import_id"], out["status"], out["counts"]) == (None, "echec", {})
    assert str(path.name) in out["error"] or str(path) in out["error"]
    assert out["rejected"][0]["reason"] == out["error"]
    assert not TimetableImport.objects.exists()


def test_command_json_has_the_shape_of_the_other_imports(college, capsys):
    call_command("import_timetable", str(EDT), "--json")
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= JSON_KEYS and out["import_id"] == TimetableImport.objects.get().pk
    assert len(out["rejected"]) == out["counts"]["courses_not_importable"]

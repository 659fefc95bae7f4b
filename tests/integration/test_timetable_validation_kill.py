"""A real worker killed while it validates a lycée's timetable, then the task delivered again."""

import datetime
from pathlib import Path

import pytest
from django.db import connection

from annuaire.models import Enseignement, Etablissement, Matiere, Person, Regroupement, Role
from annuaire.progress import progress_get
from imports import services
from imports.generator import edt_write, school_year_start, timetable_build
from imports.models import TimetableImport
from imports.tasks import timetable_validate_task
from viescolaire.models import Cours, Seance

from .test_aaf_import_kill import wait_for

pytestmark = pytest.mark.integration

SUBJECTS = [
    ("020700", "FRANCAIS"), ("061300", "MATHEMATIQUES"), ("040600", "HISTOIRE-GEOGRAPHIE"),
    ("030201", "ANGLAIS LV1"), ("030602", "ESPAGNOL LV2"), ("063500", "PHYSIQUE-CHIMIE"),
    ("062900", "SCIENCES DE LA VIE ET DE LA TERRE"), ("100100", "EDUCATION PHYSIQUE ET SPORTIVE"),
    ("110100", "ARTS PLASTIQUES"), ("042300", "ENSEIGNEMENT MORAL ET CIVIQUE"),
]
# Some 1,000 weekly courses, 30,000 séances: a validation of a few seconds.
DIVISIONS, DIVISIONS_PER_TEACHER = 40, 4


def _lycee():
    etab = Etablissement.objects.create(name="LYCEE DU TEST D'INTERRUPTION", uai="0699997X",
                                        aaf_id="kill-lycee")
    subjects = Matiere.objects.bulk_create([Matiere(code=c, libelle=label)
                                            for c, label in SUBJECTS])
    divisions = Regroupement.objects.bulk_create([
        Regroupement(etablissement=etab, nature=Regroupement.Nature.DIVISION,
                     code=f"{('2NDE', '1ERE', 'TLE')[n % 3]} {n + 1:02d}")
        for n in range(DIVISIONS)])
    per_subject = DIVISIONS // DIVISIONS_PER_TEACHER
    teachers = Person.objects.bulk_create([
        Person(login=f"prof.kill{n}", login_base="prof.kill", population="PersEducNat",
               profile="enseignant", aaf_id=f"KILL{n:05d}", first_name="Paul",
               last_name=f"Professeur{n:03d}") for n in range(len(SUBJECTS) * per_subject)])
    Role.objects.bulk_create([Role(person=t, etablissement=etab, role=Role.Kind.ENSEIGNANT)
                              for t in teachers])
    Enseignement.objects.bulk_create([
        Enseignement(enseignant=teachers[s * per_subject + d // DIVISIONS_PER_TEACHER],
                     regroupement=division, matiere=subject)
        for s, subject in enumerate(subjects) for d, division in enumerate(divisions)])
    return etab


def _edt_file(etab, out, seed):
    # Next school year's timetable: all its séances are still to come, whatever today is.
    rentree = school_year_start(datetime.date.today())
    timetable = timetable_build(etab=etab, today=rentree.replace(year=rentree.year + 1),
                                seed=seed)
    return edt_write(timetable, out / f"Edt_To_ENT_{etab.uai}_{seed}.xml")


def _analysed(etab, path):
    imp = services.timetable_import_create(etab=etab, files=[(path.name, path.read_bytes())])
    imp = services.timetable_import_analyse(import_id=imp.pk)
    assert imp.status == TimetableImport.Status.BILAN, imp.error
    return imp


def _validated(etab, path):
    imp = services.timetable_import_validate(imp=_analysed(etab, path), acting_user=None)
    assert imp.status == TimetableImport.Status.VALIDE
    return imp


def timetable_snapshot(etab):
    """The timetable in force by natural keys (no row id): courses, their teachers and
    audiences, séances; lists, so that a row written twice would show."""
    courses = Cours.objects.filter(etablissement=etab)
    return {
        "courses": sorted(courses.values_list("key", "day", "start", "end", "matiere_id",
                                              "matiere_label", "salle", "active")),
        "teachers": sorted(Cours.enseignants.through.objects.filter(
            cours__etablissement=etab).values_list("cours__key", "person_id")),
        "audiences": sorted(Cours.regroupements.through.objects.filter(
            cours__etablissement=etab).values_list("cours__key", "regroupement_id")),
        "seances": sorted(Seance.objects.filter(cours__etablissement=etab).values_list(
            "cours__key", "date", "start", "end", "cancelled", "remplacant_id", "salle")),
    }


def _writing_seances():
    """True while another session's transaction has written séances: PostgreSQL keeps that
    lock until the transaction commits or its session dies."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = %s AND l.mode = 'RowExclusiveLock' AND l.granted "
            "AND l.pid <> pg_backend_pid())", [Seance._meta.db_table])
        return cursor.fetchone()[0]


def test_killed_validation_changes_nothing_then_rerun_applies_it_once(celery_worker, tmp_path):
    etab = _lycee()
    old, new = _edt_file(etab, tmp_path, seed=1), _edt_file(etab, tmp_path, seed=2)

    # What one clean validation of the new file over the old timetable gives.
    _validated(etab, old)
    reference = _validated(etab, new)
    expected = timetable_snapshot(etab)
    assert expected["seances"] and any(not c[-1] for c in expected["courses"])
    # Back to the old timetable in force, then the new file validated from the browser.
    _validated(etab, old)
    before = timetable_snapshot(etab)
    assert before != expected
    imp = _analysed(etab, new)

    worker = celery_worker()
    services.timetable_import_validate_start(imp=imp, acting_user=None)
    wait_for(lambda: _writing_seances() or TimetableImport.objects.get(pk=imp.pk).status
             != TimetableImport.Status.VALIDATION, 60, "séances en cours d'écriture")
    worker.kill()
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.VALIDATION, "tué trop tard : validation finie"
    assert timetable_snapshot(etab) == before, "une validation interrompue ne change rien"

    # Delivered again: by the broker (acks_late, its visibility timeout passed) and by a
    # second send; the establishment's lock and the import's status make whichever comes
    # second a no-op.
    worker = celery_worker()
    timetable_validate_task.delay(imp.pk)
    wait_for(lambda: TimetableImport.objects.get(pk=imp.pk).status
             == TimetableImport.Status.VALIDE, 60, "validation rejouée jusqu'au bout")
    imp.refresh_from_db()
    applied, clean = imp.bilan["applied"], reference.bilan["applied"]
    # The clean run created the new courses that the rerun finds again, inactive.
    assert {k: v for k, v in applied.items() if not k.startswith("courses_")} == {
        k: v for k, v in clean.items() if not k.startswith("courses_")}
    final = timetable_snapshot(etab)
    assert final == expected
    assert len(set(final["seances"])) == len(final["seances"]) == Seance.objects.count()
    assert len({c[0] for c in final["courses"]}) == Cours.objects.filter(
        etablissement=etab).count()
    # The page stops showing a progress bar: the import is validated, its progress cleared.
    assert progress_get(kind=services.PROGRESS_KIND, pk=imp.pk) is None
    assert TimetableImport.objects.filter(status__in=TimetableImport.RUNNING).count() == 0
    worker.stop()
    log = Path(worker.log.name).read_text()
    assert "succeeded" in log and "Traceback" not in log, log[-3000:]

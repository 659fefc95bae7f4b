"""The import lifecycle (create, execute, confirm, cancel, retry) and the purge."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from annuaire import progress, services
from annuaire.models import (
    AafImport,
    ImportIssue,
    Inscription,
    Parente,
    Person,
    PurgeRun,
    Regroupement,
    StagedPerson,
)
from annuaire.progress import progress_get
from tests.factories import InscriptionFactory, PersonFactory, RegroupementFactory

from .builders import Runner, delivery, eleve, etab, write_file

COLLEGE = etab("1001", "0690001A", "CLG$COLLEGE JEAN MOULIN$LYON")
ZERO = {"created": 0, "updated": 0, "reactivated": 0, "deactivated": 0, "unchanged": 0, "rejected": 0}


def outcome(**counts):
    return {**ZERO, **counts}


def surname(i):
    return "Eleve-" + "".join(chr(ord("a") + int(d)) for d in str(i))


def pupils(n, start=1):
    return [eleve(str(i), surname(i), "Camille") for i in range(start, start + n)]


@pytest.fixture
def folder(tmp_path):
    """A new delivery folder for each call: ``folder(populations, kind=…)``."""
    count = [0]

    def make(populations, **options):
        count[0] += 1
        return delivery(tmp_path / f"livraison{count[0]}", populations, **options)

    return make


def execute(paths, **kwargs):
    imp = services.aaf_import_create(paths=paths, origin=AafImport.Origin.CLI, **kwargs)
    services.aaf_import_execute(import_id=imp.pk)
    imp.refresh_from_db()
    return imp


# --- Create ---------------------------------------------------------------------------------
def test_create_refuses_a_second_active_import(db, world, tmp_path):
    first = services.aaf_import_create(paths=[tmp_path], origin=AafImport.Origin.CLI)
    assert first.status == AafImport.Status.QUEUED
    when = timezone.localtime(first.created_at).strftime("%d/%m/%Y à %H:%M")
    with pytest.raises(services.ImportBusy) as exc:
        services.aaf_import_create(paths=[tmp_path], user=world.academy_admin)
    assert str(exc.value) == (
        f"Un import AAF est déjà en cours (n°{first.pk}, lancé par la ligne de commande le "
        f"{when}) : attendez qu'il se termine avant d'en lancer un autre.")
    AafImport.objects.filter(pk=first.pk).update(status=AafImport.Status.APPLIED)
    second = services.aaf_import_create(paths=[tmp_path], user=world.academy_admin)
    AafImport.objects.filter(pk=second.pk).update(status=AafImport.Status.RUNNING)
    with pytest.raises(services.ImportBusy) as exc:
        services.aaf_import_create(paths=[tmp_path])
    assert f"(n°{second.pk}, lancé par RECTORAT Ada le " in str(exc.value)
    assert AafImport.objects.count() == 2


def test_a_silent_active_import_is_marked_interrupted(db, tmp_path, settings):
    stale = services.aaf_import_create(paths=[tmp_path], origin=AafImport.Origin.CLI)
    AafImport.objects.filter(pk=stale.pk).update(
        status=AafImport.Status.RUNNING,
        created_at=timezone.now() - timedelta(seconds=settings.ENT_IMPORT_STALE_SECONDS + 60),
        started_at=timezone.now() - timedelta(seconds=settings.ENT_IMPORT_STALE_SECONDS + 60))
    fresh = services.aaf_import_create(paths=[tmp_path], origin=AafImport.Origin.CLI)
    stale.refresh_from_db()
    assert stale.status == AafImport.Status.FAILED
    assert stale.error == ("Import interrompu : le processus qui l'exécutait ne donne plus signe "
                           "de vie. Vous pouvez le relancer.")
    assert fresh.status == AafImport.Status.QUEUED


def test_an_import_waiting_in_the_queue_is_given_longer(db, tmp_path, settings):
    """Behind another académie's import, no worker reports on it: only once
    ENT_IMPORT_QUEUED_STALE_SECONDS have passed is its message taken for lost."""
    waiting = services.aaf_import_create(paths=[tmp_path], origin=AafImport.Origin.CLI)
    for ago in (settings.ENT_IMPORT_STALE_SECONDS + 60,
                settings.ENT_IMPORT_QUEUED_STALE_SECONDS + 60):
        with mock.patch.object(progress.time, "time", return_value=time.time() - ago):
            services.aaf_import_enqueue(waiting)
        AafImport.objects.filter(pk=waiting.pk).update(
            created_at=timezone.now() - timedelta(seconds=ago))
        services.aaf_imports_expire_stale()
        waiting.refresh_from_db()
        if ago < settings.ENT_IMPORT_QUEUED_STALE_SECONDS:
            assert waiting.status == AafImport.Status.QUEUED
    assert waiting.status == AafImport.Status.FAILED


# --- Execute --------------------------------------------------------------------------------
def test_execute_applies_and_stores_the_report_and_issues(db, folder):
    imp = execute([folder({"EtabEducNat": [COLLEGE],
                           "Eleve": [*pupils(2), eleve("9", sn="")]})])
    assert imp.status == AafImport.Status.APPLIED
    assert (imp.kind, imp.attempts, imp.error) == ("Complet", 1, "")
    assert imp.report["counts"]["Eleve"] == outcome(created=2, rejected=1)
    assert imp.rows_written == imp.report["rows_written"] > 0
    assert [f["name"] for f in imp.files] == [
        "livraison1/ENT2DVA-ENT16_Complet_20240916_EtabEducNat_0000.xml",
        "livraison1/ENT2DVA-ENT16_Complet_20240916_Eleve_0000.xml"]
    assert list(imp.issues.values_list("level", "file", "line", "identifier", "message")) == [
        ("rejet", "livraison1/ENT2DVA-ENT16_Complet_20240916_Eleve_0000.xml", 37, "9",
         "nom d'usage absent (sn)")]
    assert progress_get(kind="aaf", pk=imp.pk)["percent"] == 100
    assert Person.objects.count() == 2


def test_execute_after_a_kill_completes(db, folder):
    imp = services.aaf_import_create(paths=[folder({"EtabEducNat": [COLLEGE], "Eleve": pupils(3)})],
                                     origin=AafImport.Origin.CLI)
    # The worker died mid-parse: the import is left « en cours », staging half filled.
    AafImport.objects.filter(pk=imp.pk).update(
        status=AafImport.Status.RUNNING, attempts=1, started_at=timezone.now())
    StagedPerson.objects.create(
        op="add", aaf_hash="x", file_idx=0, line=1, aaf_id="fantome", population="Eleve",
        profile="eleve", login_base="fantome", main_etab_aaf="", civilite="", last_name="F",
        first_name="F", birth_name="", other_first_names="", email="", phone_home="",
        phone_work="", phone_mobile="", address="", postal_code="", city="", country="", ine="",
        eleve_struct_id="", regime="", statut="", mef_code="", mef_libelle="", niveau="",
        filiere="", search_name="")
    services.aaf_import_execute(import_id=imp.pk)
    imp.refresh_from_db()
    assert (imp.status, imp.attempts) == (AafImport.Status.APPLIED, 2)
    assert imp.report["counts"]["Eleve"] == outcome(created=3)
    assert sorted(Person.objects.values_list("aaf_id", flat=True)) == ["1", "2", "3"]
    assert StagedPerson.objects.count() == 0
    # A second delivery of the same task finds it finished and does nothing.
    services.aaf_import_execute(import_id=imp.pk)
    imp.refresh_from_db()
    assert (imp.status, imp.attempts) == (AafImport.Status.APPLIED, 2)


def test_execute_bad_file_fails_with_file_and_line_nothing_written(db, tmp_path):
    folder = tmp_path / "livraison"
    write_file(folder, "EtabEducNat", [COLLEGE])
    bad = write_file(folder, "Eleve", pupils(2))
    bad.write_bytes(bad.read_bytes().replace(b"</attributes>", b"</attribute>", 1))
    imp = execute([folder])
    error = ("livraison/ENT2DVA-ENT16_Complet_20240916_Eleve_0000.xml, ligne 19 : la balise "
             "<attributes> ouverte ligne 8 est fermée par </attribute> : fichier XML mal formé")
    assert (imp.status, imp.error) == (AafImport.Status.FAILED, error)
    assert imp.report == {"status": "failed", "error": error,
                          "file": "livraison/ENT2DVA-ENT16_Complet_20240916_Eleve_0000.xml",
                          "line": 19}
    assert Person.objects.count() == 0
    # The file is fixed in place; the import is run again.
    write_file(folder, "Eleve", pupils(2))
    services.aaf_import_retry(aaf_import=imp, acting_user=None)
    services.aaf_import_execute(import_id=imp.pk)
    imp.refresh_from_db()
    assert (imp.status, imp.error, imp.attempts) == (AafImport.Status.APPLIED, "", 2)
    assert Person.objects.count() == 2


# --- Confirm, cancel, retry -----------------------------------------------------------------
def test_threshold_waits_then_confirm_applies(db, folder, django_capture_on_commit_callbacks):
    execute([folder({"EtabEducNat": [COLLEGE], "Eleve": pupils(20)})])
    waiting = execute([folder({"EtabEducNat": [COLLEGE], "Eleve": pupils(17)})])
    assert waiting.status == AafImport.Status.WAITING
    assert waiting.rows_written == 0
    assert waiting.report["counts"]["Eleve"] == outcome(unchanged=17, deactivated=3)
    assert Person.objects.filter(deactivated_at__isnull=False).count() == 0
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        confirmed = services.aaf_import_confirm(aaf_import=waiting, acting_user=None)
    assert len(callbacks) == 1
    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.force, confirmed.mode) == (
        AafImport.Status.APPLIED, True, AafImport.Mode.APPLY)
    assert confirmed.report["counts"]["Eleve"] == outcome(unchanged=17, deactivated=3)
    assert Person.objects.filter(deactivated_at__isnull=False).count() == 3
    with pytest.raises(services.ImportStateError) as exc:
        services.aaf_import_confirm(aaf_import=confirmed, acting_user=None)
    assert str(exc.value) == "Cet import ne peut plus être appliqué."


def test_cancel_a_waiting_import(db, folder):
    admin = PersonFactory(population="local", aaf_id=None)
    execute([folder({"EtabEducNat": [COLLEGE], "Eleve": pupils(20)})])
    waiting = execute([folder({"EtabEducNat": [COLLEGE], "Eleve": pupils(10)})])
    assert waiting.status == AafImport.Status.WAITING
    cancelled = services.aaf_import_cancel(aaf_import=waiting, acting_user=admin)
    assert (cancelled.status, cancelled.decided_by) == (AafImport.Status.CANCELLED, admin)
    assert Person.objects.filter(aaf_id__in=[str(i) for i in range(1, 21)],
                                 deactivated_at__isnull=True).count() == 20
    for action, message in (
        (services.aaf_import_cancel, "Seul un import simulé ou à confirmer peut être annulé."),
        (services.aaf_import_confirm, "Cet import ne peut plus être appliqué."),
        (services.aaf_import_retry, "Seul un import en échec peut être relancé."),
    ):
        with pytest.raises(services.ImportStateError) as exc:
            action(aaf_import=cancelled, acting_user=None)
        assert str(exc.value) == message


def test_simulation_then_confirm(db, folder, django_capture_on_commit_callbacks):
    imp = execute([folder({"EtabEducNat": [COLLEGE], "Eleve": pupils(2)})], simulate=True)
    assert (imp.status, imp.mode) == (AafImport.Status.SIMULATED, AafImport.Mode.SIMULATE)
    assert imp.report["counts"]["Eleve"] == outcome(created=2)
    assert Person.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.aaf_import_confirm(aaf_import=imp, acting_user=None)
    imp.refresh_from_db()
    assert (imp.status, imp.force) == (AafImport.Status.APPLIED, False)
    assert Person.objects.count() == 2


def test_confirm_refused_once_a_newer_import_was_applied(db, folder):
    simulated = execute([folder({"EtabEducNat": [COLLEGE], "Eleve": pupils(2)})], simulate=True)
    execute([folder({"EtabEducNat": [COLLEGE], "Eleve": pupils(1)})])
    with pytest.raises(services.ImportStateError) as exc:
        services.aaf_import_confirm(aaf_import=simulated, acting_user=None)
    assert str(exc.value) == (
        "Un import plus récent a été appliqué depuis : relancez plutôt un import de ces fichiers "
        "pour partir de l'annuaire actuel.")


def test_confirm_refused_while_another_import_runs(db, folder, tmp_path):
    simulated = execute([folder({"EtabEducNat": [COLLEGE]})], simulate=True)
    services.aaf_import_create(paths=[tmp_path], origin=AafImport.Origin.CLI)
    with pytest.raises(services.ImportBusy) as exc:
        services.aaf_import_confirm(aaf_import=simulated, acting_user=None)
    assert str(exc.value) == "Un import AAF est déjà en cours : réessayez quand il sera terminé."
    simulated.refresh_from_db()
    assert simulated.status == AafImport.Status.SIMULATED


def test_retry_needs_the_files_of_a_web_import(db, tmp_path):
    imp = AafImport.objects.create(status=AafImport.Status.FAILED, origin=AafImport.Origin.WEB,
                                   paths=[str(tmp_path)])
    with pytest.raises(services.ImportStateError) as exc:
        services.aaf_import_retry(aaf_import=imp, acting_user=None)
    assert str(exc.value) == services.FILES_GONE


# --- Purge ----------------------------------------------------------------------------------
def test_purge_after_the_delay_leaves_an_audit_row_and_frees_nothing_else(db, world, settings):
    now = timezone.now()
    old = now - timedelta(days=settings.ENT_PURGE_DELAY_DAYS, hours=1)
    recent = now - timedelta(days=settings.ENT_PURGE_DELAY_DAYS - 1)
    club = RegroupementFactory(etablissement=world.etab_b, code="CLUB", nature="groupe")
    InscriptionFactory(eleve=world.pupil_b, regroupement=club)
    atelier = RegroupementFactory(etablissement=world.etab_a, code="ATELIER")  # empty, by hand
    Person.objects.filter(pk__in=[world.pupil_b.pk, world.parent_b.pk]).update(deactivated_at=old)
    Person.objects.filter(pk=world.pupil_a3.pk).update(deactivated_at=recent)
    ImportIssue.objects.create(aaf_import=AafImport.objects.create(status="applique"),
                               level="controle", code="doublon_probable", message="LEFEBVRE Hugo",
                               identifier=world.pupil_b.aaf_id)
    people = Person.objects.count()

    run = services.accounts_purge(acting_user=None, now=now, origin="cli")
    assert (run.total, run.counts, run.delay_days, run.origin) == (
        2, {"Eleve": 1, "PersRelEleve": 1}, 42, "cli")
    assert run.cutoff == now - timedelta(days=42)
    assert Person.objects.count() == people - 2
    assert not Person.objects.filter(pk__in=[world.pupil_b.pk, world.parent_b.pk]).exists()
    assert not Parente.objects.filter(eleve_id=world.pupil_b.pk).exists()
    assert not ImportIssue.objects.exists()
    # Still there: the recently deactivated pupil, the active ones, the classes others use,
    # the empty group made by hand; only the group the purged pupil alone was in is gone.
    assert Person.objects.filter(pk=world.pupil_a3.pk).exists()
    assert Inscription.objects.filter(eleve=world.pupil_a3).count() == 1
    assert Regroupement.objects.filter(pk__in=[world.div_b_3a.pk, atelier.pk]).count() == 2
    assert not Regroupement.objects.filter(pk=club.pk).exists()

    again = services.accounts_purge(acting_user=None, now=now)
    assert (again.total, again.counts) == (0, {})
    assert PurgeRun.objects.count() == 2


def test_purge_accounts_command(db, world, capsys, settings):
    settings.ENT_PURGE_DELAY_DAYS = 10
    Person.objects.filter(pk=world.pupil_b.pk).update(
        deactivated_at=timezone.now() - timedelta(days=11))
    call_command("purge_accounts")
    run = PurgeRun.objects.get()
    out = capsys.readouterr().out
    ran_at = timezone.localtime(run.ran_at)
    cutoff = timezone.localtime(run.cutoff)
    assert out == (f"Purge du {ran_at:%d/%m/%Y %H:%M} : 1 compte désactivé avant le "
                   f"{cutoff:%d/%m/%Y} supprimé (Élèves : 1).\n")
    assert (run.origin, run.delay_days, run.total) == ("cli", 10, 1)


def test_back_before_the_purge_same_account_after_it_a_new_one(db, tmp_path, settings):
    run = Runner(tmp_path)
    run({"EtabEducNat": [COLLEGE], "Eleve": pupils(20)})
    first = Person.objects.get(aaf_id="20")
    run({"EtabEducNat": [COLLEGE], "Eleve": pupils(19)})
    deactivated_at = Person.objects.get(aaf_id="20").deactivated_at
    assert services.accounts_purge(acting_user=None, now=deactivated_at + timedelta(days=41)).total == 0
    run({"EtabEducNat": [COLLEGE], "Eleve": pupils(20)})
    back = Person.objects.get(aaf_id="20")
    assert (back.pk, back.login, back.deactivated_at) == (first.pk, first.login, None)

    run({"EtabEducNat": [COLLEGE], "Eleve": pupils(19)})
    deactivated_at = Person.objects.get(aaf_id="20").deactivated_at
    purge = services.accounts_purge(acting_user=None, now=deactivated_at + timedelta(days=42, seconds=1))
    assert (purge.total, purge.counts) == (1, {"Eleve": 1})
    assert not Person.objects.filter(pk=first.pk).exists()
    assert Person.objects.count() == 19
    result = run({"EtabEducNat": [COLLEGE], "Eleve": pupils(20)})
    assert result.report["counts"]["Eleve"] == outcome(created=1, unchanged=19)
    newcomer = Person.objects.get(aaf_id="20")
    assert newcomer.pk != first.pk and newcomer.login == first.login


def test_two_uploaded_files_of_one_name_are_both_kept(db, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from annuaire.aaf.files import collect
    from tests.annuaire.aaf.builders import aaf_bytes, file_name

    settings.MEDIA_ROOT = str(tmp_path / "media")
    name = file_name("Eleve")
    first = aaf_bytes([eleve("1", "Un", "Camille")])
    second = aaf_bytes([eleve("2", "Deux", "Camille")])
    folder = services.aaf_upload_store(uploaded_files=[
        SimpleUploadedFile(name, first), SimpleUploadedFile(name, second)])
    files = collect([folder], tmp_path / "travail", 10**9)
    assert sorted(f.path.read_bytes() for f in files) == sorted([first, second])
    assert {f.population for f in files} == {"Eleve"}

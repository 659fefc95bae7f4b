"""The merge into the directory, through the whole pipeline: Complet, Delta, threshold,
simulation, idempotence, reactivation, atomicity, controls, warnings and every relation."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from annuaire.aaf import merge as merge_module
from annuaire.aaf.errors import AafFileError, AafImportError
from annuaire.models import (
    Enseignement,
    Etablissement,
    Fonction,
    Inscription,
    Matiere,
    Mef,
    Parente,
    Person,
    ProfPrincipal,
    Regroupement,
    Role,
    StagedLink,
    StagedPerson,
)

from .builders import Runner, eleve, etab, issues, matiere, record, relative, staff, write_file

ZERO = {"created": 0, "updated": 0, "reactivated": 0, "deactivated": 0, "unchanged": 0, "rejected": 0}
AAF_TEST = "entcore/aaf-test"


def outcome(**counts):
    return {**ZERO, **counts}


@pytest.fixture
def run(tmp_path, db):
    return Runner(tmp_path)


def person(aaf_id):
    return Person.objects.get(aaf_id=aaf_id)


def roles(aaf_id):
    return sorted(Role.objects.filter(person__aaf_id=aaf_id).values_list(
        "etablissement__aaf_id", "role", "source"))


def classes(aaf_id):
    return sorted(Inscription.objects.filter(eleve__aaf_id=aaf_id).values_list(
        "regroupement__etablissement__aaf_id", "regroupement__nature", "regroupement__code"))


COLLEGE = etab("1001", "0690001A", "CLG$COLLEGE JEAN MOULIN$LYON")
LYCEE = etab("1002", "0690002B", "LYC$LYCEE VICTOR HUGO$VILLEURBANNE")


def surname(i):
    """Names without digits (a login drops a name's trailing digits): 20 → « Eleve-ca »."""
    return "Eleve-" + "".join(chr(ord("a") + int(d)) for d in str(i))


def pupils(n, etab_id="1001", start=1, **kwargs):
    return [eleve(str(i), surname(i), "Camille", etab_id=etab_id, **kwargs)
            for i in range(start, start + n)]


def written_rows():
    return (Person.objects.count(), Etablissement.objects.count(), Role.objects.count(),
            Inscription.objects.count(), Regroupement.objects.count(), Parente.objects.count())


# --- Real samples ---------------------------------------------------------------------------
def test_2013_complet_full_set_then_rerun_writes_nothing(run, aaf_samples, staged_copy):
    folder = staged_copy(*sorted((aaf_samples / AAF_TEST).glob("*.xml")))
    result = run.paths([folder])
    report = result.report
    assert (result.status, report["kind"], report["records"]) == ("applied", "Complet", 3897)
    assert report["counts"] == {
        "EtabEducNat": outcome(created=10), "MatiereEducNat": outcome(created=718),
        "MefEducNat": outcome(created=2504), "Eleve": outcome(created=642),
        "PersRelEleve": outcome(created=20), "PersEducNat": outcome(created=3),
    }
    assert report["warnings"] == {"structure_inconnue": 3, "responsable_inconnu": 1053}
    assert report["legal_2"] == [{"version": "AAF-VE1301", "legal_2": "responsable légal"}]
    assert report["unknown_attributes"] == []
    assert [f["encoding"] for f in report["files"]] == [
        "UTF-8", "UTF-8", "UTF-8", "UTF-8 (non déclaré)", "UTF-8 (non déclaré)",
        "UTF-8 (non déclaré)", "UTF-8 (non déclaré)"]
    assert [(i["file"], i["line"], i["identifier"], i["etab"], i["message"])
            for i in issues(result, code="structure_inconnue")] == [
        ("livraison/FULL_ENTTSSERVICES_Complet_20130117_PersEducNat_0001.xml", 5, "2397809", "50187",
         "21 rattachements à la structure 50187, absente de l'annuaire, ignorés"),
        ("livraison/FULL_ENTTSSERVICES_Complet_20130117_PersEducNat_0001.xml", 31, "2397810", "50045",
         "2 rattachements à la structure 50045, absente de l'annuaire, ignorés"),
        ("livraison/FULL_ENTTSSERVICES_Complet_20130117_PersEducNat_0001.xml", 57, "2397811", "51098",
         "9 rattachements à la structure 51098, absente de l'annuaire, ignorés"),
    ]
    assert issues(result, code="responsable_inconnu")[0] | {"level": None} == {
        "level": None, "code": "responsable_inconnu", "population": "Eleve",
        "file": "livraison/FULL_ENTTSSERVICES_Complet_20130117_Eleve_0001.xml", "line": 5,
        "identifier": "2605692", "etab": "",
        "message": "responsable 2867253 absent de l'annuaire : lien ignoré"}

    pupil = person("2605692")
    assert (pupil.login, pupil.first_name, pupil.birth_date) == ("ku.long", "Kù", datetime.date(1995, 9, 14))
    assert classes("2605692") == [("52006", "division", "RUS1TERM"), ("52006", "groupe", "206")]
    assert Role.objects.filter(role="eleve").count() == 642
    # Family links: only to the 20 relatives present; « légal 2 » is a guardian in VE1301.
    assert Parente.objects.count() == 11
    assert Parente.objects.filter(representant_legal=True).count() == 8
    assert roles("2090279") == [("52000", "parent", "aaf"), ("52001", "parent", "aaf")]
    assert roles("2088091") == []  # a contact (légal 0): no role
    link = Parente.objects.get(eleve__aaf_id="2605716", responsable__aaf_id="2309527")
    assert (link.lien_code, link.legal, link.financier, link.representant_legal) == ("1", 2, False, True)
    # Teachers: links into unknown structures dropped, the rest kept.
    assert roles("2397809") == [("52008", "enseignant", "aaf")]
    assert sorted(Enseignement.objects.filter(enseignant__aaf_id="2397809").values_list(
        "regroupement__nature", "regroupement__code", "matiere")) == [
        ("division", "1S8", None), ("division", "208", None), ("division", "213", None),
        ("division", "5E1", None), ("division", "6E2", None), ("groupe", "208", None),
        ("groupe", "5E2", None)]
    assert roles("2397810") == [("52002", "personnel", "aaf")]
    assert person("2397810").profile == "personnel"
    assert Fonction.objects.count() == 0
    assert Etablissement.objects.get(aaf_id="52000").name == "Z.REMP-DIGNE-AIX_MARS."
    assert (Matiere.objects.count(), Mef.objects.count()) == (718, 2504)

    again = run.paths([folder])
    assert again.report["rows_written"] == 0
    assert again.report["counts"]["Eleve"] == outcome(unchanged=642)
    assert again.report["counts"]["MefEducNat"] == outcome(unchanged=2504)
    assert person("2605692").pk == pupil.pk


@pytest.mark.parametrize(("setting", "guardians", "parent_roles"), [
    ("auto", 8, 8), ("personne_en_charge", 5, 5), ("responsable_legal", 8, 8)])
def test_2013_legal_2_setting(run, aaf_samples, staged_copy, settings, setting, guardians, parent_roles):
    settings.ENT_AAF_LEGAL_2 = setting
    folder = staged_copy(*[p for p in sorted((aaf_samples / AAF_TEST).glob("*.xml"))
                           if "Eleve" in p.name or "EtabEducNat" in p.name])
    result = run.paths([folder])
    assert result.report["counts"]["PersRelEleve"] == outcome(created=20)
    assert Parente.objects.filter(representant_legal=True).count() == guardians
    assert Role.objects.filter(role="parent").count() == parent_roles
    assert Parente.objects.filter(legal=2).count() == 3


def test_positions_2024_two_successive_complets(run, aaf_samples):
    folder = aaf_samples / "entcore/positions-2024"
    first = run.paths([folder / "before"])
    assert first.report["counts"] == {"EtabEducNat": outcome(created=1),
                                      "PersEducNat": outcome(created=2)}
    assert first.report["rows_written"] == 9
    before = person("314159")
    assert roles("314159") == [("43", "direction", "aaf"), ("43", "personnel", "aaf")]
    assert Etablissement.objects.get(aaf_id="43").name == "CLG INTEGRATION (PARIS)"

    second = run.paths([folder / "after"])
    assert second.report["counts"] == {
        "PersEducNat": outcome(created=1, updated=1, unchanged=1)}
    assert second.report["rows_written"] == 8
    assert person("314159").pk == before.pk and person("314159").login == before.login
    assert sorted(Fonction.objects.filter(person__aaf_id="314159").values_list(
        "code", "libelle", "discipline_code", "discipline_libelle")) == [
        ("AEH", "ACCOMPAGNEMENT", "D0021", "ACCOMPAGNEMENT ELEVES SITUATION HANDICAP"),
        ("DIR", "PRESTATIONS", "D0011", "ENTRETIEN")]
    assert roles("314161") == [("43", "direction", "aaf")]
    assert person("314161").profile == "personnel"
    assert Fonction.objects.filter(person__aaf_id="314161").count() == 3
    assert run.paths([folder / "after"]).report["rows_written"] == 0


def test_2013_delta_persrel_on_an_empty_directory(run, aaf_samples, staged_copy):
    folder = staged_copy(aaf_samples / "service-annuaire/delta/"
                         "FULL_ENTTSSERVICES_Delta_20130122_PersRelEleve_0000.xml")
    result = run.paths([folder])
    assert result.report["kind"] == "Delta"
    assert result.report["counts"] == {"PersRelEleve": outcome(created=4)}
    assert result.report["warnings"] == {"suppression_inconnue": 2, "modification_inconnue": 2}
    assert sorted((i["line"], i["message"]) for i in issues(result, "avertissement")) == [
        (25, "modification de 1985043, absent de l'annuaire : compte créé"),
        (44, "modification de 1985044, absent de l'annuaire : compte créé"),
        (82, "demande de suppression de 1985050, absent de l'annuaire : ignorée"),
        (87, "demande de suppression de 1985057, absent de l'annuaire : ignorée"),
    ]
    assert person("1985043").last_name == "LOWZACIOL"


def test_2013_delta_malformed_file_stops_everything(run, aaf_samples, staged_copy):
    delta = aaf_samples / "service-annuaire/delta"
    folder = staged_copy(delta / "FULL_ENTTSSERVICES_Delta_20130122_PersRelEleve_0000.xml",
                         delta / "FULL_ENTTSSERVICES_Delta_20130122_Eleve_0000.xml")
    with pytest.raises(AafFileError) as exc:
        run.paths([folder])
    assert str(exc.value) == (
        "livraison/FULL_ENTTSSERVICES_Delta_20130122_Eleve_0000.xml, ligne 100 : la balise "
        "<modification> ouverte ligne 100 est fermée par </attr> : fichier XML mal formé")
    assert written_rows() == (0, 0, 0, 0, 0, 0)


def test_2020_iso_8859_15_etab_and_pupil_with_unknown_structures(run, aaf_samples):
    result = run.paths([aaf_samples / "entcore/aaf-test-2020"])
    assert result.report["counts"] == {"EtabEducNat": outcome(created=1), "Eleve": outcome(created=1)}
    assert result.report["legal_2"] == [{"version": "non déclarée", "legal_2": "personne en charge"}]
    assert Etablissement.objects.get(aaf_id="1").name == "STRUCTURE (COURANT)"
    assert sorted((i["etab"], i["message"]) for i in issues(result, code="structure_inconnue")) == [
        ("1000", "1 rattachement à la structure 1000, absente de l'annuaire, ignoré"),
        # The class and the pupil role it gives.
        ("3000", "2 rattachements à la structure 3000, absente de l'annuaire, ignorés"),
    ]
    pupil = person("2000000")
    assert (pupil.ine, pupil.address, pupil.regime) == ("100000000AA", "1 rue de Test", "INTERNE 5 JOURS")
    assert roles("2000000") == [] and classes("2000000") == []


# --- Complet --------------------------------------------------------------------------------
def test_absent_from_a_complet_is_deactivated_with_the_date_not_deleted(run):
    run({"EtabEducNat": [COLLEGE], "Eleve": pupils(20)})
    gone = person("20")
    before = timezone.now()
    result = run({"EtabEducNat": [COLLEGE], "Eleve": pupils(19)})
    assert result.status == "applied"
    assert result.report["counts"]["Eleve"] == outcome(unchanged=19, deactivated=1)
    assert result.report["by_etab"][0]["counts"]["Eleve"] == outcome(unchanged=19, deactivated=1)
    # Checked for the whole population, then for each establishment someone leaves.
    assert result.report["deactivation_check"] == [{
        "population": "Eleve", "etab_id": None, "uai": "", "name": "", "active": 20,
        "to_deactivate": 1, "share": 0.05, "threshold": 0.1, "exceeds": False}, {
        "population": "Eleve", "etab_id": gone.roles.get().etablissement_id, "uai": "0690001A",
        "name": "COLLEGE JEAN MOULIN (LYON)", "active": 20, "to_deactivate": 1, "share": 0.05,
        "threshold": 0.1, "exceeds": False}]
    gone.refresh_from_db()
    assert gone.deactivated_at >= before and not gone.is_active
    assert (gone.login, gone.state) == ("camille.eleve-ca", "desactive")
    assert Person.objects.filter(deactivated_at__isnull=True).count() == 19
    # Deactivated people stay deactivated, with their first date, on the next Complet.
    again = run({"EtabEducNat": [COLLEGE], "Eleve": pupils(19)})
    assert again.report["rows_written"] == 0
    assert person("20").deactivated_at == gone.deactivated_at


def test_threshold_stops_before_writing_then_force_applies(run):
    run({"EtabEducNat": [COLLEGE], "Eleve": pupils(20)})
    renamed = eleve("1", "Renommé", "Camille")
    result = run({"EtabEducNat": [COLLEGE], "Eleve": [renamed, *pupils(16, start=2)]})
    assert result.status == "waiting"
    assert result.report["status"] == "waiting"
    check = result.report["deactivation_check"]
    assert [(c["uai"], c["active"], c["to_deactivate"], c["share"], c["exceeds"]) for c in check] == [
        ("", 20, 3, 0.15, True), ("0690001A", 20, 3, 0.15, True)]
    assert result.report["rows_written"] == 0
    assert result.report["rows_to_write"] > 0
    # The report says what the import would do, though nothing is written.
    assert result.report["counts"]["Eleve"] == outcome(updated=1, unchanged=16, deactivated=3)
    assert Person.objects.filter(deactivated_at__isnull=False).count() == 0
    assert person("1").last_name == "Eleve-b"

    forced = run({"EtabEducNat": [COLLEGE], "Eleve": [renamed, *pupils(16, start=2)]}, force=True)
    assert forced.status == "applied"
    assert forced.report["counts"]["Eleve"] == outcome(updated=1, unchanged=16, deactivated=3)
    assert sorted(Person.objects.filter(deactivated_at__isnull=False).values_list("aaf_id", flat=True)) == [
        "18", "19", "20"]
    assert person("1").last_name == "Renommé"


def test_threshold_is_more_than_ten_percent_per_establishment(run, settings):
    run({"EtabEducNat": [COLLEGE, LYCEE], "Eleve": pupils(20) + pupils(10, "1002", start=101)})
    # 2 of 20 in the collège (10 %) is allowed; 1 of 10 in the lycée too.
    result = run({"EtabEducNat": [COLLEGE, LYCEE], "Eleve": pupils(18) + pupils(9, "1002", start=101)})
    assert result.status == "applied"
    assert [(c["uai"], c["share"], c["exceeds"]) for c in result.report["deactivation_check"]] == [
        ("", 0.1, False), ("0690001A", 0.1, False), ("0690002B", 0.1, False)]
    settings.ENT_AAF_DEACTIVATION_THRESHOLD = 0.04
    result = run({"EtabEducNat": [COLLEGE, LYCEE], "Eleve": pupils(17) + pupils(9, "1002", start=101)})
    assert result.status == "waiting"
    assert [(c["uai"], c["to_deactivate"], c["active"], c["exceeds"])
            for c in result.report["deactivation_check"]] == [
        ("", 1, 27, False), ("0690001A", 1, 18, True)]


def test_complet_only_covers_its_establishments(run):
    run({"EtabEducNat": [COLLEGE, LYCEE],
         "Eleve": pupils(3) + pupils(3, "1002", start=101)})
    result = run({"EtabEducNat": [COLLEGE], "Eleve": pupils(3)})
    assert result.status == "applied"
    assert result.report["counts"]["Eleve"] == outcome(unchanged=3)
    assert Person.objects.filter(deactivated_at__isnull=False).count() == 0
    # A partial delivery (every structure, one pupil file half empty) trips the guard instead.
    result = run({"EtabEducNat": [COLLEGE, LYCEE], "Eleve": pupils(3)})
    assert result.status == "waiting"
    assert [(c["uai"], c["to_deactivate"], c["share"]) for c in result.report["deactivation_check"]] == [
        ("", 3, 0.5), ("0690002B", 3, 1.0)]


def test_complet_of_one_population_leaves_the_others(run):
    run({"EtabEducNat": [COLLEGE], "Eleve": pupils(2), "PersEducNat": [staff("500")]})
    result = run({"EtabEducNat": [COLLEGE], "Eleve": pupils(2)})
    assert result.report["counts"] == {"EtabEducNat": outcome(unchanged=1), "Eleve": outcome(unchanged=2)}
    assert person("500").deactivated_at is None


def test_a_person_gone_from_one_of_two_establishments_loses_that_one_only(run):
    teacher_both = staff("500", fonctions=["1001$ENS$ENSEIGNEMENT", "1002$ENS$ENSEIGNEMENT"],
                         ENTAuxEnsClasses=["1001$3A", "1002$2NDE1"])
    run({"EtabEducNat": [COLLEGE, LYCEE], "PersEducNat": [teacher_both, staff("501")]})
    assert roles("500") == [("1001", "enseignant", "aaf"), ("1002", "enseignant", "aaf")]
    teacher_lycee = staff("500", etab_id="1002", fonctions=["1002$ENS$ENSEIGNEMENT"],
                          ENTAuxEnsClasses=["1002$2NDE1"])
    result = run({"EtabEducNat": [COLLEGE, LYCEE], "PersEducNat": [teacher_lycee, staff("501")]})
    assert result.report["counts"]["PersEducNat"] == outcome(updated=1, unchanged=1)
    assert roles("500") == [("1002", "enseignant", "aaf")]
    assert list(Enseignement.objects.filter(enseignant__aaf_id="500").values_list(
        "regroupement__code", flat=True)) == ["2NDE1"]
    # The collège's 3A had no one else: it is gone with its last member.
    assert not Regroupement.objects.filter(code="3A").exists()


def test_reactivated_before_purge_keeps_the_same_account(run):
    run({"EtabEducNat": [COLLEGE], "Eleve": pupils(20, groupes=["LATIN"])})
    original = person("20")
    run({"EtabEducNat": [COLLEGE], "Eleve": pupils(19, groupes=["LATIN"])})
    assert person("20").deactivated_at is not None
    back = eleve("20", surname(20), "Camille", classe="4B")
    result = run({"EtabEducNat": [COLLEGE], "Eleve": [*pupils(19, groupes=["LATIN"]), back]})
    assert result.report["counts"]["Eleve"] == outcome(unchanged=19, reactivated=1)
    returned = person("20")
    assert (returned.pk, returned.login, returned.deactivated_at, returned.is_active) == (
        original.pk, original.login, None, True)
    assert classes("20") == [("1001", "division", "4B")]
    assert roles("20") == [("1001", "eleve", "aaf")]


def test_suspended_account_stays_inactive_when_it_comes_back(run):
    run({"EtabEducNat": [COLLEGE], "Eleve": pupils(20)})
    Person.objects.filter(aaf_id="20").update(suspended_at=timezone.now(), is_active=False)
    run({"EtabEducNat": [COLLEGE], "Eleve": pupils(19)})
    run({"EtabEducNat": [COLLEGE], "Eleve": pupils(20)})
    back = person("20")
    assert (back.deactivated_at, back.is_active, back.state) == (None, False, "suspendu")


# --- Delta ----------------------------------------------------------------------------------
def test_delta_add_modify_delete(run):
    run({"EtabEducNat": [COLLEGE], "Eleve": pupils(3, groupes=["LATIN"]),
         "PersRelEleve": [relative("900")]})
    result = run({
        "Eleve": [
            eleve("4", "Nouveau", "Jules", groupes=["LATIN"]),
            record("Eleve", "1", {"ENTPersonJointure": "1", "sn": surname(1), "givenName": "Camille",
                                  "ENTPersonDateNaissance": "14/09/2010", "ENTPersonStructRattach": "1001",
                                  "ENTEleveClasses": "1001$4B", "ENTEleveGroupes": ""}, op="modify"),
            record("Eleve", "2", op="delete"),
            record("Eleve", "77", op="delete"),
        ],
        "PersRelEleve": [record("PersRelEleve", "900", op="delete")],
    }, kind="Delta", date="20240920")
    assert result.status == "applied"
    assert result.report["counts"] == {
        "Eleve": outcome(created=1, updated=1, deactivated=1),
        "PersRelEleve": outcome(deactivated=1)}
    assert [i["message"] for i in issues(result, "avertissement")] == [
        "demande de suppression de 77, absent de l'annuaire : ignorée"]
    # Modify replaces the record: the emptied groups are gone, the class changed.
    assert classes("1") == [("1001", "division", "4B")]
    # Delete deactivates, never deletes; the absent pupil 3 is untouched by a Delta.
    assert person("2").deactivated_at is not None and person("900").deactivated_at is not None
    assert person("3").deactivated_at is None
    assert classes("4") == [("1001", "division", "3A"), ("1001", "groupe", "LATIN")]
    again = run({"Eleve": [eleve("4", "Nouveau", "Jules", groupes=["LATIN"]),
                           record("Eleve", "2", op="delete")]}, kind="Delta", date="20240920")
    assert again.report["rows_written"] == 0
    assert again.report["counts"]["Eleve"] == outcome(unchanged=2)


def test_delta_links_relatives_from_the_delivery_and_from_the_directory(run):
    run({"EtabEducNat": [COLLEGE], "Eleve": pupils(2), "PersRelEleve": [relative("900")]})
    result = run({
        "Eleve": [eleve("5", "Nouveau", "Jules",
                        relatives=["900$10$1$1$0$0", "901$20$1$1$0$0", "999$30$1$1$0$0"])],
        "PersRelEleve": [relative("901", "Nouveau", "Paul")],
    }, kind="Delta", date="20240920")
    assert result.status == "applied"
    # 900 comes from the directory, 901 from this very delivery; 999 is nowhere.
    assert sorted(Parente.objects.filter(eleve__aaf_id="5").values_list(
        "responsable__aaf_id", "lien_code", "representant_legal")) == [
        ("900", "10", True), ("901", "20", True)]
    assert [i["message"] for i in issues(result, "avertissement")] == [
        "responsable 999 absent de l'annuaire : lien ignoré"]
    assert roles("900") == [("1001", "parent", "aaf")]


def test_delta_cannot_delete_a_structure(run):
    run({"EtabEducNat": [COLLEGE]})
    result = run({"EtabEducNat": [record("EtabEducNat", "1001", op="delete")]}, kind="Delta")
    assert [(i["code"], i["line"], i["message"]) for i in issues(result)] == [
        ("suppression_structure", 5, "demande de suppression de la structure 1001 ignorée : une "
         "structure n'est jamais supprimée par l'import")]
    assert Etablissement.objects.filter(aaf_id="1001").exists()


def test_complet_and_delta_cannot_be_mixed(run, tmp_path):
    folder = tmp_path / "melange"
    write_file(folder, "Eleve", pupils(1))
    write_file(folder, "PersRelEleve", [relative("9")], kind="Delta")
    with pytest.raises(AafImportError) as exc:
        run.paths([folder])
    assert str(exc.value) == (
        "cette livraison mélange des fichiers Complet et Delta : importez-les séparément "
        "(le Complet d'abord)")
    assert Person.objects.count() == 0


# --- Simulation, idempotence, atomicity -----------------------------------------------------
def _school():
    return {
        "EtabEducNat": [COLLEGE], "MatiereEducNat": [matiere("061300", "MATHEMATIQUES")],
        "Eleve": [eleve("1", relatives=["900$2$1$1$0$0"], groupes=["LATIN"]),
                  eleve("2", "Martin", "Noé", relatives=["901$1$0$2$0$0"])],
        "PersRelEleve": [relative("900"), relative("901", "Martin", "Paul")],
        "PersEducNat": [staff("500", ENTAuxEnsClassesMatieres="1001$3A$061300",
                              ENTAuxEnsClassesPrincipal="1001$3A")],
    }


def test_simulation_reports_the_same_and_writes_nothing(run):
    simulated = run(_school(), simulate=True)
    assert simulated.status == "simulated"
    assert written_rows() == (0, 0, 0, 0, 0, 0)
    assert Matiere.objects.count() == 0
    applied = run(_school())
    assert applied.status == "applied"
    assert simulated.report["counts"] == applied.report["counts"] == {
        "EtabEducNat": outcome(created=1), "MatiereEducNat": outcome(created=1),
        "Eleve": outcome(created=2), "PersRelEleve": outcome(created=2),
        "PersEducNat": outcome(created=1)}
    assert simulated.report["rows_written"] == 0
    assert simulated.report["rows_to_write"] == applied.report["rows_written"] == 21
    assert simulated.report["by_etab"] == applied.report["by_etab"]
    assert StagedPerson.objects.count() == 0 and StagedLink.objects.count() == 0


def test_rerunning_the_same_files_writes_no_row(run):
    first = run(_school())
    rows = written_rows()
    again = run(_school())
    assert again.report["rows_written"] == 0
    assert again.report["counts"]["Eleve"] == outcome(unchanged=2)
    assert written_rows() == rows
    assert first.report["rows_written"] > 0


def test_a_failure_while_merging_leaves_nothing_written(run, monkeypatch):
    run({"EtabEducNat": [COLLEGE], "Eleve": pupils(2)})
    before = written_rows()

    def broken(self):
        raise RuntimeError("panne au milieu de l'import")

    monkeypatch.setattr(merge_module.Merge, "regroupements_cleanup", broken)
    school = _school()
    with pytest.raises(RuntimeError):
        run(school)
    assert written_rows() == before
    assert not Person.objects.filter(aaf_id="500").exists()
    assert person("1").last_name == "Eleve-b"


def test_a_bad_file_among_good_ones_changes_nothing(run, tmp_path):
    run({"EtabEducNat": [COLLEGE], "Eleve": pupils(2)})
    before = written_rows()
    folder = tmp_path / "mauvaise"
    write_file(folder, "EtabEducNat", [COLLEGE, LYCEE])
    write_file(folder, "Eleve", pupils(3))
    (folder / "ENT_Complet_20240916_PersRelEleve_0000.xml").write_bytes(b"<ficAlimMENESR><addRequest>")
    with pytest.raises(AafFileError) as exc:
        run.paths([folder])
    assert str(exc.value) == (
        "mauvaise/ENT_Complet_20240916_PersRelEleve_0000.xml, ligne 1 : le fichier s'arrête au "
        "milieu d'un élément : fichier tronqué ou mal formé")
    assert written_rows() == before
    assert StagedPerson.objects.count() == 0 and StagedLink.objects.count() == 0


def test_unknown_population(run, tmp_path):
    folder = tmp_path / "inconnue"
    write_file(folder, "Eleve", [record("Eleve", "1", {"sn": "X"}, category="Martien")],
               name="annuaire.xml")
    with pytest.raises(AafFileError) as exc:
        run.paths([folder])
    assert str(exc.value) == (
        "inconnue/annuaire.xml, ligne 5 : population inconnue (catégorie « Martien ») : le nom "
        "du fichier ne dit pas non plus de quelle population il s'agit")


def test_population_from_the_category_when_the_name_says_nothing(run, tmp_path):
    folder = tmp_path / "sans-nom"
    write_file(folder, "Eleve", [COLLEGE], name="structures.xml")
    result = run.paths([folder])
    assert result.report["counts"] == {"EtabEducNat": outcome(created=1)}
    assert result.report["kind"] == "Delta"


# --- Rejections, warnings, unknown attributes -----------------------------------------------
def test_bad_records_are_rejected_and_listed_the_rest_imports(run):
    result = run({"EtabEducNat": [COLLEGE], "Eleve": [
        eleve("1"), eleve("2", sn=""), eleve("3", birth="31/02/2010"),
        record("Eleve", "", {"sn": "Sans", "givenName": "Id"}),
        record("Eleve", "5", {"ENTPersonJointure": "6", "sn": "A", "givenName": "B"}),
        record("PersRelEleve", "7", {"sn": "Mauvais", "givenName": "Fichier"}),
    ]})
    assert result.status == "applied"
    assert result.report["counts"]["Eleve"] == outcome(created=1, rejected=5)
    assert result.report["rejected_count"] == 5
    name = "livraison1/ENT2DVA-ENT16_Complet_20240916_Eleve_0000.xml"
    assert [(i["file"], i["line"], i["identifier"], i["etab"], i["message"])
            for i in issues(result, "rejet")] == [
        (name, 21, "2", "1001", "nom d'usage absent (sn)"),
        (name, 37, "3", "1001", "date de naissance illisible « 31/02/2010 » (attendu JJ/MM/AAAA)"),
        (name, 53, "", "", "identifiant absent"),
        (name, 61, "5", "", "identifiant 5 différent de ENTPersonJointure (6)"),
        (name, 70, "7", "", "catégorie « PersRelEleve » dans un fichier Eleve"),
    ]
    assert list(Person.objects.values_list("aaf_id", flat=True)) == ["1"]


def test_unknown_attributes_are_kept_and_reported(run):
    result = run({
        "EtabEducNat": [etab("1001", "0690001A", ENTStructureNouveau="X")],
        "Eleve": [eleve("1", ENTEleveAttributFutur=["a", "b"]), eleve("2", ENTEleveAttributFutur="c")],
    })
    assert result.status == "applied"
    assert result.report["unknown_attributes"] == [
        {"population": "Eleve", "name": "ENTEleveAttributFutur", "count": 2,
         "file": "livraison1/ENT2DVA-ENT16_Complet_20240916_Eleve_0000.xml", "line": 5},
        {"population": "EtabEducNat", "name": "ENTStructureNouveau", "count": 1,
         "file": "livraison1/ENT2DVA-ENT16_Complet_20240916_EtabEducNat_0000.xml", "line": 5},
    ]
    assert person("1").extra == {"attributs_inconnus": {"ENTEleveAttributFutur": ["a", "b"]}}
    assert Etablissement.objects.get().extra == {"ENTStructureNouveau": ["X"]}


def test_links_to_what_the_feed_does_not_hold_are_dropped_with_a_warning(run):
    result = run({
        "EtabEducNat": [COLLEGE], "MatiereEducNat": [matiere("061300", "MATHEMATIQUES")],
        "Eleve": [eleve("1", relatives=["404$1$1$1$0$0"], groupes=["LATIN"],
                        ENTEleveClasses=["1001$3A", "9999$6B"])],
        "PersEducNat": [staff("500", ENTAuxEnsClassesMatieres=["1001$3A$061300", "1001$3A$999999"])],
    })
    assert result.report["warnings"] == {
        "structure_inconnue": 1, "matiere_inconnue": 1, "responsable_inconnu": 1}
    assert [(i["population"], i["identifier"], i["etab"], i["line"], i["message"])
            for i in issues(result, "avertissement")] == [
        ("Eleve", "1", "9999", 5, "2 rattachements à la structure 9999, absente de l'annuaire, ignorés"),
        ("PersEducNat", "500", "", 5, "matière 999999 absente de la nomenclature : service ignoré"),
        ("Eleve", "1", "", 5, "responsable 404 absent de l'annuaire : lien ignoré"),
    ]
    assert classes("1") == [("1001", "division", "3A"), ("1001", "groupe", "LATIN")]
    assert list(Enseignement.objects.values_list("matiere__code", flat=True)) == ["061300"]


def test_a_record_sent_twice_counts_once_the_last_wins(run):
    result = run({"EtabEducNat": [COLLEGE],
                  "Eleve": [eleve("1", "Premier", "Envoi"), eleve("1", "Second", "Envoi")]})
    assert result.report["counts"]["Eleve"] == outcome(created=1)
    assert [(i["line"], i["message"]) for i in issues(result, code="doublon_livraison")] == [
        (5, "identifiant 1 présent plusieurs fois dans la livraison : seule la dernière "
            "occurrence (livraison1/ENT2DVA-ENT16_Complet_20240916_Eleve_0000.xml, ligne 21) est "
            "prise en compte")]
    assert person("1").last_name == "Second"


def test_probable_duplicates_are_listed_under_controls(run):
    run({"EtabEducNat": [COLLEGE], "Eleve": [eleve("1", "Dupont", "Léa")]})
    result = run({
        "Eleve": [eleve("2", "DUPONT", "Léa"),
                  eleve("3", "Martin", "Noé", relatives=["700$2$1$1$0$0", "701$2$1$1$0$0"])],
        "PersRelEleve": [relative("700", "Martin", "Sophie"), relative("701", "MARTIN", "Sophie ")],
    }, kind="Delta")
    controls = [(i["code"], i["identifier"], i["message"], i["fix"]) for i in issues(result, "controle")]
    assert controls == [
        ("doublon_probable", "2", "DUPONT Léa, né(e) le 14/09/2010 — même nom et même date de "
         "naissance que 1", "Dans SIECLE, vérifier s'il s'agit de la même personne saisie deux "
         "fois ; si oui, fusionner les deux fiches pour qu'un seul identifiant subsiste."),
        ("doublon_probable", "701", "MARTIN Sophie — même nom que 700, responsable du même élève "
         "(MARTIN Noé)", "Dans SIECLE (Responsables), fusionner les deux fiches du même "
         "responsable puis rattacher l'élève à la fiche conservée."),
    ]
    assert result.report["controls_count"] == 2


def test_staff_duplicates_are_sent_to_sts_web_not_siecle(run):
    """Two staff records of one person: staff do not come from SIECLE."""
    run({"EtabEducNat": [COLLEGE], "PersEducNat": [staff("500", "Durand", "Paul")]})
    result = run({"PersEducNat": [staff("501", "DURAND", "Paul")]}, kind="Delta")
    [control] = [i for i in issues(result, "controle") if i["code"] == "doublon_probable"]
    assert control["identifier"] == "501"
    assert control["fix"].startswith("Dans STS-web (personnels enseignants) ou dans la base "
                                     "des personnels du rectorat, vérifier")
    assert "SIECLE" not in control["fix"]


# --- Relations ------------------------------------------------------------------------------
def test_every_relation_of_a_school(run):
    school = _school()
    school["EtabEducNat"] = [COLLEGE, LYCEE]
    school["PersEducNat"] = [
        staff("500", fonctions=["1001$ENS$ENSEIGNEMENT$L1300$MATHEMATIQUES", "1002$DIR$DIRECTION"],
              ENTAuxEnsClassesMatieres="1001$3A$061300", ENTAuxEnsClasses=["1001$3A", "1001$4B"],
              ENTAuxEnsGroupes="1001$LATIN", ENTAuxEnsClassesPrincipal="1001$3A",
              ENTAuxEnsMatiereEnseignEtab="1001$MATHEMATIQUES"),
        staff("501", "Cpe", "Céline", fonctions=["1001$EDU$EDUCATION"],
              PersEducNatPresenceDevantEleves="N"),
    ]
    run(school)
    assert classes("1") == [("1001", "division", "3A"), ("1001", "groupe", "LATIN")]
    assert sorted(Enseignement.objects.filter(enseignant__aaf_id="500").values_list(
        "regroupement__nature", "regroupement__code", "matiere__libelle")) == [
        ("division", "3A", "MATHEMATIQUES"), ("division", "4B", None), ("groupe", "LATIN", None)]
    assert list(ProfPrincipal.objects.values_list("enseignant__aaf_id", "regroupement__code")) == [
        ("500", "3A")]
    assert sorted(Fonction.objects.filter(person__aaf_id="500").values_list(
        "etablissement__aaf_id", "code", "libelle", "discipline_code", "discipline_libelle")) == [
        ("1001", "ENS", "ENSEIGNEMENT", "L1300", "MATHEMATIQUES"),
        ("1002", "DIR", "DIRECTION", "", "")]
    assert roles("500") == [("1001", "enseignant", "aaf"), ("1002", "direction", "aaf")]
    assert roles("501") == [("1001", "vie_scolaire", "aaf")]
    assert person("501").profile == "personnel"
    assert list(person("500").matieres_enseignees.values_list("libelle", flat=True)) == ["MATHEMATIQUES"]
    # Family links, with « légal 2 » read per the version (VE2407: person in charge).
    assert sorted(Parente.objects.values_list(
        "eleve__aaf_id", "responsable__aaf_id", "lien_code", "financier", "legal", "contact",
        "paiement", "representant_legal")) == [
        ("1", "900", "2", True, 1, False, False, True),
        ("2", "901", "1", False, 2, False, False, False)]
    assert roles("900") == [("1001", "parent", "aaf")]
    assert roles("901") == []


@pytest.mark.parametrize(("version", "setting", "guardian"), [
    ("AAF-VE1301", "auto", True), ("AAF-VE2407", "auto", False), (None, "auto", False),
    ("AAF-VE2407", "responsable_legal", True), ("AAF-VE1301", "personne_en_charge", False),
])
def test_legal_2_meaning_is_a_setting(run, settings, version, setting, guardian):
    settings.ENT_AAF_LEGAL_2 = setting
    run({"EtabEducNat": [COLLEGE], "Eleve": [eleve("1", relatives=["900$1$0$2$0$0"])],
         "PersRelEleve": [relative("900")]}, version=version)
    assert Parente.objects.get().representant_legal is guardian
    assert roles("900") == ([("1001", "parent", "aaf")] if guardian else [])


def test_parent_roles_follow_the_children(run):
    family = [relative("900"), relative("901", "Voisin", "Marc")]
    links = ["900$2$1$1$0$0", "901$4$0$0$1$0"]
    run({"EtabEducNat": [COLLEGE, LYCEE],
         "Eleve": [eleve("1", relatives=links), eleve("2", etab_id="1002", relatives=links[:1]),
                   *pupils(20, start=10)],
         "PersRelEleve": family})
    assert roles("900") == [("1001", "parent", "aaf"), ("1002", "parent", "aaf")]
    assert roles("901") == []  # a contact, not a legal guardian
    # The lycée pupil moves to the collège: the parent's roles follow.
    run({"EtabEducNat": [COLLEGE, LYCEE],
         "Eleve": [eleve("1", relatives=links), eleve("2", etab_id="1001", relatives=links[:1]),
                   *pupils(20, start=10)],
         "PersRelEleve": family}, force=True)
    assert roles("900") == [("1001", "parent", "aaf")]
    # Both children leave: the parent keeps no role, even before being deactivated.
    result = run({"EtabEducNat": [COLLEGE, LYCEE], "Eleve": pupils(20, start=10),
                  "PersRelEleve": family})
    assert result.report["counts"]["Eleve"] == outcome(unchanged=20, deactivated=2)
    assert roles("900") == []
    assert person("900").deactivated_at is None


def test_relative_absent_from_a_complet_is_deactivated(run):
    family = ["900$2$1$1$0$0", "901$1$1$1$0$0"]
    run({"EtabEducNat": [COLLEGE], "Eleve": [eleve(str(i), relatives=family) for i in range(1, 11)],
         "PersRelEleve": [relative("900"), relative("901", given="Jean")]})
    result = run({"EtabEducNat": [COLLEGE],
                  "Eleve": [eleve(str(i), relatives=family[:1]) for i in range(1, 11)],
                  "PersRelEleve": [relative("900")]}, force=True)
    assert result.report["counts"]["PersRelEleve"] == outcome(unchanged=1, deactivated=1)
    assert person("901").deactivated_at is not None
    assert Parente.objects.filter(responsable__aaf_id="901").count() == 0


def test_structure_changes_are_updated(run):
    run({"EtabEducNat": [COLLEGE]})
    result = run({"EtabEducNat": [etab("1001", "0690001A", "CLG$COLLEGE JEAN MOULIN$BRON")]})
    assert result.report["counts"] == {"EtabEducNat": outcome(updated=1)}
    assert Etablissement.objects.get().name == "COLLEGE JEAN MOULIN (BRON)"


def test_empty_regroupements_are_removed_others_kept(run):
    run({"EtabEducNat": [COLLEGE], "Eleve": pupils(2, groupes=["LATIN"])})
    run({"EtabEducNat": [COLLEGE], "Eleve": pupils(2, classe="4B")})
    assert sorted(Regroupement.objects.values_list("nature", "code")) == [("division", "4B")]


def test_absent_from_a_complet_of_one_establishment_but_still_in_another(run):
    teacher_both = staff("500", fonctions=["1001$ENS$ENSEIGNEMENT", "1002$ENS$ENSEIGNEMENT"],
                         ENTAuxEnsClasses=["1001$3A", "1002$2NDE1"])
    others = [staff(str(i), surname(i), "Paul") for i in range(501, 511)]
    run({"EtabEducNat": [COLLEGE, LYCEE], "PersEducNat": [teacher_both, *others]})
    # The collège's Complet no longer holds them: they leave the collège, not the lycée.
    result = run({"EtabEducNat": [COLLEGE], "PersEducNat": others})
    assert result.status == "applied"
    assert result.report["counts"]["PersEducNat"] == outcome(unchanged=10)
    assert person("500").deactivated_at is None
    assert roles("500") == [("1002", "enseignant", "aaf")]
    assert list(Enseignement.objects.filter(enseignant__aaf_id="500").values_list(
        "regroupement__code", flat=True)) == ["2NDE1"]


def test_manual_roles_are_never_touched_by_the_feed(run):
    run({"EtabEducNat": [COLLEGE, LYCEE], "PersEducNat": [staff("500")]})
    teacher = person("500")
    college = Etablissement.objects.get(aaf_id="1001")
    lycee = Etablissement.objects.get(aaf_id="1002")
    Role.objects.create(person=teacher, etablissement=college, role="admin_etab", source="manuel")
    Role.objects.create(person=teacher, etablissement=lycee, role="enseignant", source="manuel")
    run({"EtabEducNat": [COLLEGE, LYCEE],
         "PersEducNat": [staff("500", fonctions=["1002$ENS$ENSEIGNEMENT"], etab_id="1002")]})
    assert roles("500") == [("1001", "admin_etab", "manuel"), ("1002", "enseignant", "manuel")]


def test_delta_modify_of_a_pupil_replaces_the_family_links(run):
    run({"EtabEducNat": [COLLEGE], "Eleve": [eleve("1", relatives=["900$2$1$1$0$0", "901$1$1$1$0$0"])],
         "PersRelEleve": [relative("900"), relative("901", given="Jean")]})
    assert roles("901") == [("1001", "parent", "aaf")]
    result = run({"Eleve": [eleve("1", relatives=["900$2$1$1$0$0"], op="modify")]}, kind="Delta")
    assert result.report["counts"] == {"Eleve": outcome(updated=1)}
    assert list(Parente.objects.values_list("responsable__aaf_id", flat=True)) == ["900"]
    assert roles("901") == [] and roles("900") == [("1001", "parent", "aaf")]


BILLION_LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE ficAlimMENESR [\n <!ENTITY a "aaaaaaaaaa">\n'
                  + "".join(f' <!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">\n'
                            for i in range(8))
                  + ']>\n<ficAlimMENESR>\n<addRequest><identifier><id>&i;</id></identifier>'
                    '</addRequest>\n</ficAlimMENESR>\n')


@pytest.mark.parametrize(("content", "message"), [
    (BILLION_LAUGHS.encode(), ", ligne 1 : le fichier déclare des entités XML (risque d'expansion "
     "d'entités) : refusé"),
    (b'<?xml version="1.0"?>\n<!DOCTYPE ficAlimMENESR [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
     b"<ficAlimMENESR>&x;</ficAlimMENESR>", ", ligne 1 : le fichier déclare des entités XML "
     "(risque d'expansion d'entités) : refusé"),
    (b'<!DOCTYPE ficAlimMENESR SYSTEM "http://attaquant.example/ficAlimMENESR.dtd">\n'
     b"<ficAlimMENESR/>", ", ligne 1 : le fichier désigne une DTD externe non autorisée "
     "(http://attaquant.example/ficAlimMENESR.dtd) : seule « ficAlimMENESR.dtd » est admise"),
    (b"<ficAlimMENESR>\n" + b"<x>" * 10000 + b"</x>" * 10000 + b"\n</ficAlimMENESR>",
     ", ligne 2 : imbrication d'éléments trop profonde (plus de 256 niveaux) : fichier refusé"),
    (b"NOM;PRENOM\nDUPONT;LEA\n", ", ligne 1 : ce fichier n'est pas un fichier XML (ou il est vide)"),
    (b'<?xml version="1.0"?>\n<annuaire/>', ", ligne 2 : élément racine <annuaire> inattendu : un "
     "fichier AAF commence par <ficAlimMENESR>"),
    (b"<ficAlimMENESR>" + b" " * 150000 + b"</ficAlimMENESR>",
     " : fichier trop volumineux (146,5 Ko) : la limite est de 97,7 Ko "
     "(ENT_AAF_MAX_FILE_MB)"),
])
def test_hostile_or_broken_file_stops_the_import(run, tmp_path, settings, content, message):
    settings.ENT_AAF_MAX_FILE_BYTES = 100000
    run({"EtabEducNat": [COLLEGE], "Eleve": pupils(2)})
    before = written_rows()
    folder = tmp_path / "piege"
    write_file(folder, "EtabEducNat", [COLLEGE, LYCEE])
    (folder / "ENT_Complet_20240916_Eleve_0000.xml").write_bytes(content)
    with pytest.raises(AafFileError) as exc:
        run.paths([folder])
    assert str(exc.value) == f"piege/ENT_Complet_20240916_Eleve_0000.xml{message}"
    assert written_rows() == before
    assert not Etablissement.objects.filter(aaf_id="1002").exists()


def test_values_too_long_for_the_directory_reject_the_record(run):
    result = run({
        "EtabEducNat": [COLLEGE, etab("1" * 70, "0690009Z")],
        "Eleve": [eleve("1", sn="X" * 300), eleve("2", ENTEleveClasses="1001$" + "C" * 150),
                  eleve("3", relatives=["900$123456789$1$1$0$0"]),
                  eleve("4", ENTEleveINE="1234567890123456789"),
                  eleve("5", "Y" * 255, "Z" * 255, ENTPersonNomPatro="W" * 255)],
        "PersEducNat": [staff("500", fonctions=["1001$FONCTIONTROPLONGUE$X"])],
    })
    assert result.status == "applied"
    assert [(i["identifier"][:8], i["line"], i["message"]) for i in issues(result, "rejet")] == [
        ("11111111", 16, "identifiant : valeur trop longue (70 caractères, 64 au plus)"),
        ("1", 5, "sn : valeur trop longue (300 caractères, 255 au plus)"),
        ("2", 21, "ENTEleveClasses : valeur trop longue (150 caractères, 120 au plus) : "
                  "« CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC… »"),
        ("3", 37, "ENTElevePersRelEleve : valeur trop longue (9 caractères, 8 au plus) : « 123456789… »"),
        ("4", 53, "ENTEleveINE : valeur trop longue (19 caractères, 16 au plus)"),
        ("500", 5, "ENTPersonFonctions : valeur trop longue (18 caractères, 16 au plus) : "
                   "« FONCTIONTROPLONGUE… »"),
    ]
    # Names at the limit fit, even when the search key made of them would not.
    assert person("5").last_name == "Y" * 255
    assert len(person("5").search_name) == 600
    assert result.report["counts"]["Eleve"] == outcome(created=1, rejected=4)


def test_odd_characters_survive_the_bulk_copy(run):
    odd = "O\\'Brien\tde\\N la « Tour » 😀"
    run({"EtabEducNat": [COLLEGE], "Eleve": [eleve("1", sn=odd, ENTEleveClasses="1001$3\\A\t1")]})
    assert person("1").last_name == odd
    assert classes("1") == [("1001", "division", "3\\A\t1")]
    assert run({"EtabEducNat": [COLLEGE], "Eleve": [eleve("1", sn=odd, ENTEleveClasses="1001$3\\A\t1")]}
               ).report["rows_written"] == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics of PostgreSQL")
def test_the_merge_refreshes_planner_statistics_of_what_it_fills(run):
    # Without fresh statistics a first import plans its joins on tables it believes empty
    # (autovacuum cannot see uncommitted rows) and a 100,000-account import never ends.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE annuaire_person, annuaire_parente, annuaire_role")  # empty
    run({"EtabEducNat": [COLLEGE], "Eleve": pupils(30, relatives=["900$2$1$1$0$0"]),
         "PersRelEleve": [relative("900")]})
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relname IN "
                       "('annuaire_person', 'annuaire_parente', 'annuaire_role')")
        assert dict(cursor.fetchall()) == {
            "annuaire_person": 31, "annuaire_parente": 30, "annuaire_role": 30}


def test_unchanged_records_are_not_read_again(run):
    first = run(_school())
    assert first.report["skipped"] == 0
    again = run(_school())
    people = sum(again.report["counts"][p]["unchanged"] for p in ("Eleve", "PersRelEleve", "PersEducNat"))
    assert again.report["skipped"] == people > 0
    assert again.report["rows_written"] == 0
    # By establishment the counts stay where they were, although the records were not read.
    assert again.report["by_etab"][0]["aaf_id"] == "1001"
    assert again.report["by_etab"][0]["counts"]["Eleve"] == outcome(unchanged=2)


def test_a_layout_change_alone_is_not_a_change(run, tmp_path):
    records = {"EtabEducNat": [COLLEGE], "Eleve": pupils(2)}
    run(records)
    spaced = {"EtabEducNat": [COLLEGE],
              "Eleve": [r.replace("<value>", "\n    <value>") for r in pupils(2)]}
    again = run(spaced)
    assert again.report["counts"]["Eleve"] == outcome(unchanged=2)
    assert again.report["rows_written"] == 0


def test_a_record_naming_what_is_missing_links_once_it_arrives(run):
    family = ["777$20$1$1$0$0"]
    first = run({"EtabEducNat": [COLLEGE], "Eleve": [eleve("1", relatives=family)]})
    assert first.report["warnings"] == {"responsable_inconnu": 1}
    assert person("1").aaf_incomplete
    # The relative arrives; the pupil's record is the same, yet read again and linked.
    second = run({"EtabEducNat": [COLLEGE], "Eleve": [eleve("1", relatives=family)],
                  "PersRelEleve": [relative("777")]})
    assert second.report["counts"]["Eleve"] == outcome(unchanged=1)
    assert second.report["skipped"] == 0
    assert Parente.objects.filter(eleve__aaf_id="1", responsable__aaf_id="777").exists()
    assert not person("1").aaf_incomplete
    assert person("777").main_etab_aaf == "1001"
    third = run({"EtabEducNat": [COLLEGE], "Eleve": [eleve("1", relatives=family)],
                 "PersRelEleve": [relative("777")]})
    assert third.report["skipped"] == 2 and third.report["rows_written"] == 0

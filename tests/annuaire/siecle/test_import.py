"""A whole run: matching, what is completed, idempotent rerun, refusals that write nothing."""

import io
import zipfile
from datetime import date

import pytest

from annuaire.models import (
    Enseignement,
    Inscription,
    Matiere,
    Parente,
    Person,
    SiecleImport,
    SiecleIssue,
)
from annuaire.siecle.services import siecle_import_create, siecle_import_execute

from .conftest import FIXTURES, SET, TODAY


def run(etab, paths):
    imp = siecle_import_create(etab=etab, paths=paths, origin=SiecleImport.Origin.CLI)
    imp = siecle_import_execute(import_id=imp.pk, today=TODAY)
    imp.refresh_from_db()
    return imp


def snapshot():
    people = sorted(Person.objects.values_list(
        "pk", "ine", "birth_date", "regime", "regime_code", "mef_code", "date_sortie",
        "email", "phone_mobile", "address", "siecle"))
    return (people, Inscription.objects.count(), Parente.objects.count(),
            sorted(Parente.objects.values_list("pk", "lien_code", "siecle")),
            Enseignement.objects.count(), Matiere.objects.count())


@pytest.fixture
def applied(siecle_world, fixture_copy):
    imp = run(siecle_world.etab_a, fixture_copy(*SET))
    assert imp.status == SiecleImport.Status.APPLIED, imp.error
    return siecle_world, imp


def test_pupils_are_completed_and_matched_by_id_or_ine(applied):
    w, imp = applied
    lea = Person.objects.get(pk=w.pupil_a.pk)
    assert (lea.ine, lea.birth_date) == ("00000000123", date(2011, 2, 14))
    assert (lea.regime, lea.regime_code, lea.regime_type) == (
        "DEMI-PENSIONNAIRE AU TICKET", "29", "demi_pensionnaire")
    assert (lea.mef_code, lea.mef_libelle) == ("10310019110", "3EME")
    assert [(o["matiere_libelle"], o["modalite_libelle"]) for o in lea.siecle["options"]] == [
        ("Anglais lv1", "MATIERE ENSEIGNEE OPTION OBLIGATOIRE"),
        ("Langues et cultures de l'Antiquité LATIN", "MATIERE ENSEIGNEE OPTION FACULTATIVE")]
    # Where each completed field comes from.
    assert lea.siecle["sources"]["ine"] == {"fichier": "ElevesSansAdresses.xml (2025)",
                                            "value": "00000000123"}
    codes = set(Inscription.objects.filter(eleve=lea).values_list("regroupement__code", flat=True))
    assert codes == {"3A", "3B", "3LATIN"}
    noe = Person.objects.get(pk=w.pupil_a2.pk)
    assert noe.regime_type == "externe" and noe.siecle["eleve_id"] == "1000002"
    assert Inscription.objects.filter(eleve=noe, regroupement=w.grp_latin).exists()
    counts = imp.report["counts"]["eleves"]
    assert counts == {"lus": 4, "rapproches": 3, "par_identifiant": 2, "par_ine": 1,
                      "non_rapproches": 1, "sortis": 1}
    assert imp.report["unknown_structures"] == [
        {"nature": "division", "code": "3Z", "count": 1, "population": "services"},
        {"nature": "groupe", "code": "_3ATELIER", "count": 1, "population": "eleves"}]


def test_leavers_are_kept_and_marked(applied):
    w, _ = applied
    ines = Person.objects.get(pk=w.pupil_a3.pk)
    assert ines.date_sortie == date(2026, 3, 12)
    assert ines.motif_sortie == "SUITE ETUDES 2D DEG. MEN:PUBLIC HORS ACA"
    assert ines.deactivated_at is None
    assert not Inscription.objects.filter(eleve=ines, regroupement=w.grp_latin).exists()


def test_unmatched_records_are_listed_and_nothing_is_created(siecle_world, fixture_copy):
    before = Person.objects.count()
    imp = run(siecle_world.etab_a, fixture_copy(*SET))
    assert Person.objects.count() == before
    unmatched = {(i.population, i.identifier, i.name, i.file, i.line) for i in
                 SiecleIssue.objects.filter(siecle_import=imp, level="non_rapproche")}
    assert unmatched == {
        ("eleves", "1000009", "FICTIF-CŒUR Chlœ", "ElevesSansAdresses.xml", 55),
        ("responsables", "2000003", "FICTIF Œdipe-Anne", "ResponsablesAvecAdresses.xml", 37),
        ("enseignants", "70003", "FICTIF Jean", "sts_emp_0690001A_2025.xml", 108),
    }


def test_relatives_details_fill_only_what_aaf_lacks(applied):
    w, imp = applied
    sophie = Person.objects.get(pk=w.parent_a.pk)
    assert sophie.email == "sophie.dupont@example.invalid"
    assert sophie.phone_mobile == "+33600000001"
    assert sophie.phone_home == "0400000000"  # AAF's, kept
    assert (sophie.address, sophie.postal_code, sophie.city) == (
        "12 RUE DES TESTS, BATIMENT Œ", "69003", "LYON")
    link = Parente.objects.get(eleve=w.pupil_a, responsable=w.parent_a)
    assert link.lien_code == "2"  # AAF's code kept
    assert link.siecle["lien_libelle"] == "MERE" and link.siecle["priorite"] is True
    assert link.siecle["niveau_libelle"] == "REPRESENTANT LEGAL"
    # Matched by name among the pupil's relatives: the AAF id of this contact is not SIECLE's.
    contact = Parente.objects.get(eleve=w.pupil_a, responsable=w.contact_a)
    assert contact.siecle["niveau"] == "3" and contact.representant_legal is False
    assert imp.report["counts"]["responsables"]["par_nom"] == 1


def test_a_link_the_aaf_did_not_deliver_is_not_created(applied):
    """Paul is a relative of the school (Noé's, says the AAF), and SIECLE names him Léa's
    father too: his details are completed, but only the AAF makes him Léa's guardian."""
    w, imp = applied
    assert not Parente.objects.filter(eleve=w.pupil_a, responsable=w.father_a).exists()
    assert Person.objects.get(pk=w.father_a.pk).email == "paul.dupont@example.invalid"
    warning = SiecleIssue.objects.get(siecle_import=imp, population="liens",
                                      identifier="2000004")
    assert (warning.level, warning.name, warning.message) == (
        "avertissement", "DUPONT Paul",
        "lien avec l'élève DUPONT Léa absent de l'annuaire académique (AAF) : il n'est pas "
        "créé, seul l'AAF établit les liens entre élèves et responsables")
    assert imp.report["counts"]["liens"] == {"lus": 4, "rapproches": 2, "hors_aaf": 1,
                                             "sans_compte": 1}
    assert "liens_crees" not in imp.report["writes"]


def test_teachers_services_become_enseignements(applied):
    w, imp = applied
    rows = set(Enseignement.objects.filter(regroupement__etablissement=w.etab_a).values_list(
        "enseignant__last_name", "regroupement__code", "matiere__code"))
    assert {("Martin", "3A", "061300"), ("Martin", "3LATIN", "022300"),
            ("Durand", "3A", "020700"), ("Durand", "3LATIN", "020300")} <= rows
    assert Matiere.objects.get(code="022300").libelle == "Atelier théâtre €"
    assert imp.report["counts"]["enseignants"] == {
        "lus": 3, "rapproches": 2, "par_identifiant": 1, "par_nom": 1, "non_rapproches": 1}


def test_rerun_of_the_same_files_writes_nothing(applied, fixture_copy):
    w, first = applied
    assert first.rows_written > 0
    before = snapshot()
    again = run(w.etab_a, fixture_copy(*SET, folder="encore"))
    assert again.status == SiecleImport.Status.APPLIED
    assert again.rows_written == 0 and again.report["unchanged"] is True
    assert again.report["writes"] == {}
    assert snapshot() == before


def test_aaf_stays_the_authority_over_a_field_siecle_filled(applied, fixture_copy):
    w, _ = applied
    # The AAF feed now carries a régime label of its own.
    Person.objects.filter(pk=w.pupil_a.pk).update(regime="EXTERNE LIBRE")
    imp = run(w.etab_a, fixture_copy(*SET, folder="encore"))
    lea = Person.objects.get(pk=w.pupil_a.pk)
    assert lea.regime == "EXTERNE LIBRE" and "regime" not in lea.siecle["sources"]
    assert lea.regime_code == "29"  # SIECLE's own column
    assert imp.rows_written == 1
    # An INE that AAF changed makes the identifier match doubtful: the pupil is left alone.
    Person.objects.filter(pk=w.pupil_a.pk).update(ine="AAF0000001Z")
    imp = run(w.etab_a, fixture_copy(*SET, folder="encore2"))
    assert Person.objects.get(pk=w.pupil_a.pk).ine == "AAF0000001Z"
    assert SiecleIssue.objects.filter(siecle_import=imp, identifier="1000001",
                                      level="non_rapproche").exists()


def test_id_match_contradicted_by_birth_date_is_not_trusted(siecle_world, fixture_copy):
    Person.objects.filter(pk=siecle_world.pupil_a.pk).update(birth_date=date(2010, 1, 1))
    imp = run(siecle_world.etab_a, fixture_copy(*SET))
    assert Person.objects.get(pk=siecle_world.pupil_a.pk).ine == ""
    warning = SiecleIssue.objects.get(siecle_import=imp, level="avertissement",
                                      identifier="1000001")
    assert "date de naissance" in warning.message


def test_zipped_pupils_and_pupils_with_addresses(siecle_world, fixture_copy):
    paths = fixture_copy("Nomenclature.xml", "ExportXML_ElevesSansAdresses.zip")
    imp = run(siecle_world.etab_a, paths)
    assert imp.status == SiecleImport.Status.APPLIED, imp.error
    assert Person.objects.get(pk=siecle_world.pupil_a.pk).ine == "00000000123"
    imp = run(siecle_world.etab_a, fixture_copy("Nomenclature.xml", "ElevesAvecAdresses.xml",
                                                folder="avec"))
    # Same content from the other export: only the provenance of the three pupils changes.
    assert imp.status == SiecleImport.Status.APPLIED and imp.report["writes"] == {"personnes": 3}
    lea = Person.objects.get(pk=siecle_world.pupil_a.pk)
    assert lea.siecle["sources"]["ine"]["fichier"] == "ElevesAvecAdresses.xml (2025)"


# --- Refusals: a clear French message naming the file and line, and nothing written ---------
def damaged(fixture_copy, name, change):
    paths = fixture_copy(*SET)
    target = next(p for p in paths if p.name == name)
    target.write_bytes(change(target.read_bytes()))
    return paths


def assert_refused(etab, paths, *expected):
    before = snapshot()
    imp = run(etab, paths)
    assert imp.status == SiecleImport.Status.FAILED
    for part in expected:
        assert part in imp.error, imp.error
    assert snapshot() == before
    assert not SiecleIssue.objects.filter(siecle_import=imp).exists()
    return imp


def test_files_of_another_establishment_are_refused(siecle_world, fixture_copy):
    assert_refused(siecle_world.etab_b, fixture_copy(*SET), "Nomenclature.xml, ligne 5",
                   "fichier de l'établissement 0690001A", "(0690002B)")


def test_truncated_file_is_refused(siecle_world, fixture_copy):
    paths = damaged(fixture_copy, "sts_emp_0690001A_2025.xml", lambda data: data[:3000])
    assert_refused(siecle_world.etab_a, paths, "sts_emp_0690001A_2025.xml, ligne",
                   "fichier tronqué")


def test_non_xml_file_is_refused(siecle_world, fixture_copy):
    paths = damaged(fixture_copy, "ResponsablesAvecAdresses.xml", lambda _: b"NOM;PRENOM\n")
    assert_refused(siecle_world.etab_a, paths, "ResponsablesAvecAdresses.xml",
                   "n'est pas un fichier XML")


def test_unknown_root_is_refused(siecle_world, fixture_copy):
    paths = damaged(fixture_copy, "ElevesSansAdresses.xml",
                    lambda data: data.replace(b"BEE_ELEVES", b"BEE_STRUCTURES"))
    assert_refused(siecle_world.etab_a, paths, "ElevesSansAdresses.xml, ligne 3",
                   "élément racine <BEE_STRUCTURES> inattendu")


def test_entities_are_refused(siecle_world, fixture_copy):
    def add_entity(data):
        return data.replace(b"<!--", b'<!DOCTYPE BEE_ELEVES [<!ENTITY a "aaaa">]>\n<!--', 1)

    paths = damaged(fixture_copy, "ElevesSansAdresses.xml", add_entity)
    assert_refused(siecle_world.etab_a, paths, "ElevesSansAdresses.xml, ligne 1", "entités")


def test_zip_without_an_expected_member_is_refused(siecle_world, fixture_copy, tmp_path):
    archive = tmp_path / "ExportXML_ElevesSansAdresses.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("LISEZMOI.txt", "rien")
    assert_refused(siecle_world.etab_a, [*fixture_copy(*SET), archive],
                   "ExportXML_ElevesSansAdresses.zip", "aucun fichier XML")


def test_school_year_must_agree(siecle_world, fixture_copy):
    paths = damaged(fixture_copy, "Nomenclature.xml", lambda data: data.replace(
        b"<ANNEE_SCOLAIRE>2025<", b"<ANNEE_SCOLAIRE>2024<"))
    assert_refused(siecle_world.etab_a, paths, "année scolaire", "même export annuel")


def test_pupils_need_the_nomenclature(siecle_world, fixture_copy):
    assert_refused(siecle_world.etab_a, fixture_copy("ElevesSansAdresses.xml"),
                   "ElevesSansAdresses.xml, ligne 3", "joignez Nomenclature.xml")


def test_two_pupils_files_are_refused(siecle_world, fixture_copy):
    assert_refused(siecle_world.etab_a, fixture_copy(*SET, "ElevesAvecAdresses.xml"),
                   "deuxième fichier élèves")


def test_oversize_file_is_refused(siecle_world, fixture_copy, settings):
    settings.ENT_SIECLE_MAX_FILE_BYTES = 4000
    assert_refused(siecle_world.etab_a, fixture_copy(*SET), "fichier trop volumineux",
                   "ENT_SIECLE_MAX_FILE_MB")


def test_a_bad_last_file_leaves_the_first_ones_unwritten(siecle_world, fixture_copy):
    paths = damaged(fixture_copy, "sts_emp_0690001A_2025.xml",
                    lambda data: data.replace(b"</INDIVIDUS>", b"</INDIVIDU>"))
    imp = assert_refused(siecle_world.etab_a, paths, "sts_emp_0690001A_2025.xml, ligne")
    assert "mal formé" in imp.error
    assert Person.objects.get(pk=siecle_world.pupil_a.pk).ine == ""


def test_report_as_json_from_the_command(siecle_world, fixture_copy, capsys):
    import json

    from django.core.management import call_command

    out = io.StringIO()
    call_command("import_siecle", "--etab", "0690001a", *map(str, fixture_copy(*SET)), "--json",
                 stdout=out)
    data = json.loads(out.getvalue())
    assert data["status"] == "applique" and data["report"]["rows_written"] > 0
    assert {i["identifier"] for i in data["issues"] if i["level"] == "non_rapproche"} == {
        "1000009", "2000003", "70003"}
    out = io.StringIO()
    call_command("import_siecle", "--etab", "0690001A", *map(str, FIXTURES.glob("N*.xml")),
                 str(FIXTURES / "ElevesSansAdresses.xml"), stdout=out, verbosity=0)
    assert "Aucune modification" in out.getvalue() and "0 ligne écrite" in out.getvalue()


def test_command_fails_with_the_message(siecle_world, fixture_copy):
    from django.core.management import call_command

    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import_siecle", "--etab", "0690002B", *map(str, fixture_copy(*SET)),
                     stdout=out, verbosity=0)
    assert exit_.value.code == 1
    assert "fichier de l'établissement 0690001A" in out.getvalue()
    assert "Rien n'a été écrit" in out.getvalue()


def test_relative_ids_are_looked_up_among_the_school_s_relatives_only(siecle_world,
                                                                     fixture_copy):
    w = siecle_world
    # Another school's relative happens to carry the identifier.
    Person.objects.filter(pk=w.father_a.pk).update(aaf_id=None)
    Person.objects.filter(pk=w.parent_b.pk).update(aaf_id="2000004")
    imp = run(w.etab_a, fixture_copy(*SET))
    assert not Parente.objects.filter(eleve=w.pupil_a, responsable=w.parent_b).exists()
    assert Person.objects.get(pk=w.parent_b.pk).email == ""
    issue = SiecleIssue.objects.get(siecle_import=imp, identifier="2000004",
                                    population="responsables")
    assert (issue.level, issue.name) == ("non_rapproche", "DUPONT Paul")
    assert "LEFEBVRE" not in issue.message.upper()


def test_run_waits_for_a_running_aaf_import(siecle_world, fixture_copy):
    import threading

    import psycopg
    from django.db import connection

    from annuaire.services import IMPORT_LOCK

    if connection.vendor != "postgresql":
        pytest.skip("verrou consultatif PostgreSQL")
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    other = psycopg.connect(**params, autocommit=True)
    other.execute("SELECT pg_advisory_lock(%s)", [IMPORT_LOCK])
    seen = []

    def release():
        # The run's backend is queued behind our lock: an advisory lock not yet granted.
        seen.append(other.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
            "AND objid = %s AND database = (SELECT oid FROM pg_database "
            "WHERE datname = current_database())", [IMPORT_LOCK]).fetchone()[0])
        other.execute("SELECT pg_advisory_unlock(%s)", [IMPORT_LOCK])

    timer = threading.Timer(1.5, release)
    timer.start()
    try:
        imp = run(siecle_world.etab_a, fixture_copy(*SET))
    finally:
        timer.join()
        other.close()
    assert seen == [1]
    assert imp.status == SiecleImport.Status.APPLIED


def test_one_account_is_completed_from_one_record_only(siecle_world, fixture_copy):
    paths = damaged(fixture_copy, "ElevesSansAdresses.xml", lambda data: data.replace(
        b"<ID_NATIONAL/>", b"<ID_NATIONAL>0000000001X</ID_NATIONAL>").replace(
        b"<DATE_NAISS>01/01/2012", b"<DATE_NAISS>03/06/2011"))
    imp = run(siecle_world.etab_a, paths)
    warning = SiecleIssue.objects.get(siecle_import=imp, identifier="1000009")
    assert warning.level == "avertissement" and "correspond déjà à l'élève de la ligne 26" in \
        warning.message
    assert Person.objects.get(pk=siecle_world.pupil_a2.pk).siecle["eleve_id"] == "1000002"


def test_sts_edition_labels_are_kept_for_the_timetable(siecle_world, fixture_copy):
    """STS-web prints each subject's LIBELLE_EDITION in proper case and accents
    (« Mathématiques »), beside the uppercase LIBELLE_LONG AAF also gives: the edition label
    is kept, AAF's label left as it was."""
    aaf_label = Matiere.objects.get(code="061300").libelle
    imp = run(siecle_world.etab_a, fixture_copy(*SET))
    assert imp.status == SiecleImport.Status.APPLIED, imp.error
    maths = Matiere.objects.get(code="061300")
    assert (maths.libelle, maths.libelle_edition) == (aaf_label, "Mathématiques")
    assert aaf_label == "MATHEMATIQUES"
    assert Matiere.objects.get(code="020700").libelle_edition == "Français"

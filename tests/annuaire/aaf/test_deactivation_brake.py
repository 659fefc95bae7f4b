"""The mass-deactivation brake: per population over the Complet's scope, and per
establishment, whoever the people are attached to (no establishment at all included).

The audit's cases: a real Complet missing one staff file deactivated 69 % of the staff, most
of whom had no establishment role, and one missing relatives files 30 % of the relatives; both
exited 0, the check counting people only through their establishments' roles.
"""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from annuaire.aaf import merge as merge_module
from annuaire.models import AafImport, Person, Population, Role
from tests.factories import PersonFactory, RoleFactory

from .builders import Runner, delivery, eleve, etab, relative, staff, write_file

COLLEGE = etab("1001", "0690001A", "CLG$COLLEGE JEAN MOULIN$LYON")


@pytest.fixture
def run(tmp_path, db):
    return Runner(tmp_path)


def surname(i):
    return "Nom-" + "".join(chr(ord("a") + int(d)) for d in str(i))


def school_staff():
    """Three staff of the collège, in the first staff file."""
    return [staff(str(500 + i), surname(500 + i)) for i in range(3)]


def office_staff(n=20):
    """Staff of the rectorat's offices: no establishment the directory knows, so no role; the
    second staff file."""
    return [staff(str(600 + i), surname(600 + i), etab_id=None, fonctions=[])
            for i in range(n)]


def staff_files(folder, files, *, kind="Complet"):
    delivery(folder, {"EtabEducNat": [COLLEGE]}, kind=kind)
    for seq, records in enumerate(files):
        write_file(folder, "PersEducNat", records, kind=kind, seq=seq)
    return folder


def breaches(result):
    return [(c["population"], c["uai"], c["to_deactivate"], c["active"])
            for c in result.report["deactivation_check"] if c["exceeds"]]


def test_a_complet_missing_one_staff_file_is_held(run, tmp_path):
    first = run.paths([staff_files(tmp_path / "l1", [school_staff(), office_staff()])])
    assert first.status == "applied"
    assert not Person.objects.filter(aaf_id="600").get().roles.exists()
    result = run.paths([staff_files(tmp_path / "l2", [school_staff()])])
    assert result.status == "waiting"
    assert breaches(result) == [("PersEducNat", "", 20, 23)]
    assert result.report["rows_written"] == 0
    assert Person.objects.filter(deactivated_at__isnull=False).count() == 0
    # Confirmed (the command line's --force, the page's « Confirmer et appliquer »).
    forced = run.paths([staff_files(tmp_path / "l3", [school_staff()])], force=True)
    assert forced.status == "applied"
    assert Person.objects.filter(deactivated_at__isnull=False).count() == 20


def guardians(n):
    return [relative(str(900 + i), surname(900 + i)) for i in range(n)]


def pupils_with_guardians(n_pupils, n_guardians):
    return [eleve(str(i), surname(i), "Camille",
                  relatives=[f"{900 + i}$10$1$1$0$0"] if i < n_guardians else [])
            for i in range(n_pupils)]


def test_a_complet_missing_relatives_files_is_held(run):
    """Three guardians of ten gone: 30 % of the relatives, though only 10 % of the collège's
    accounts with a role there (20 pupils and 10 parents)."""
    run({"EtabEducNat": [COLLEGE], "Eleve": pupils_with_guardians(20, 10),
         "PersRelEleve": guardians(10)})
    result = run({"EtabEducNat": [COLLEGE], "Eleve": pupils_with_guardians(20, 10),
                  "PersRelEleve": guardians(10)[3:]})
    assert result.status == "waiting"
    assert breaches(result) == [("PersRelEleve", "", 3, 10), ("PersRelEleve", "0690001A", 3, 10)]
    assert Person.objects.filter(deactivated_at__isnull=False).count() == 0


def test_relatives_with_no_role_count_in_their_children_s_establishment(run):
    """Relatives who are not guardians have no role anywhere: the collège they belong to is
    their children's."""
    others = [f"{900 + i}$39$0$0$1$0" for i in range(10)]
    pupils = [eleve(str(i), surname(i), "Camille", relatives=[others[i]]) for i in range(10)]
    run({"EtabEducNat": [COLLEGE], "Eleve": pupils, "PersRelEleve": guardians(10)})
    result = run({"EtabEducNat": [COLLEGE], "Eleve": pupils, "PersRelEleve": guardians(10)[2:]},
                 simulate=True)
    assert result.status == "waiting"
    assert breaches(result) == [("PersRelEleve", "", 2, 10), ("PersRelEleve", "0690001A", 2, 10)]


def test_a_normal_complet_passes(run):
    """Pupils who left and a guardian gone with them: within the threshold everywhere."""
    run({"EtabEducNat": [COLLEGE], "Eleve": pupils_with_guardians(20, 20),
         "PersRelEleve": guardians(20), "PersEducNat": school_staff()})
    result = run({"EtabEducNat": [COLLEGE], "Eleve": pupils_with_guardians(20, 20)[:18],
                  "PersRelEleve": guardians(20)[:18], "PersEducNat": school_staff()})
    assert result.status == "applied"
    checks = [(c["population"], c["uai"], c["to_deactivate"], c["active"], c["exceeds"])
              for c in result.report["deactivation_check"]]
    assert checks == [("Eleve", "", 2, 20, False), ("PersRelEleve", "", 2, 20, False),
                      ("Eleve", "0690001A", 2, 20, False),
                      ("PersRelEleve", "0690001A", 2, 20, False)]
    assert Person.objects.filter(deactivated_at__isnull=False).count() == 4


def test_the_check_is_one_statement_whatever_the_number_of_people(run, monkeypatch):
    counted = []
    check = merge_module.Merge.deactivation_check

    def counting(self, pops):
        # The merge's statements go through its own cursor, not Django's query log.
        executed = []
        execute = self.sql.cursor.execute
        self.sql.cursor.execute = lambda *args: executed.append(args[0]) or execute(*args)
        try:
            check(self, pops)
        finally:
            self.sql.cursor.execute = execute
        counted.append(len(executed))

    monkeypatch.setattr(merge_module.Merge, "deactivation_check", counting)
    run({"EtabEducNat": [COLLEGE], "PersEducNat": school_staff() + office_staff(40)})
    run({"EtabEducNat": [COLLEGE], "PersEducNat": school_staff()[:2] + office_staff(40)[:39]})
    run({"EtabEducNat": [COLLEGE], "PersEducNat": school_staff()[:1] + office_staff(40)[:2]},
        simulate=True)
    # Nobody leaves on the first: one count; then the count, the aggregate, the names.
    assert counted == [1, 3, 3]


# --- The command line and the web page ------------------------------------------------------
def command(*args):
    out = io.StringIO()
    try:
        call_command("import_aaf", *[str(a) for a in args], stdout=out, verbosity=0)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


def test_import_aaf_exits_2_with_the_french_refusal_then_confirm_proceeds(db, tmp_path):
    assert command(staff_files(tmp_path / "l1", [school_staff(), office_staff()]))[0] == 0
    code, out = command(staff_files(tmp_path / "l2", [school_staff()]))
    held = AafImport.objects.get(status=AafImport.Status.WAITING)
    assert code == 2
    assert ("  Personnels, tous établissements et sans établissement confondus : ce Complet "
            "désactiverait 20 comptes actifs sur 23 (87\u00a0%), plus que le seuil de "
            "10\u00a0%.") in out.splitlines()
    assert f"python manage.py import_aaf --confirm {held.pk}" in out
    assert Person.objects.filter(deactivated_at__isnull=False).count() == 0
    code, _out = command("--confirm", held.pk)
    assert code == 0
    assert Person.objects.filter(deactivated_at__isnull=False).count() == 20


def test_the_import_page_shows_the_refusal_and_confirms(db, login, tmp_path,
                                                        django_capture_on_commit_callbacks):
    # The académie's administrator alone: the shared ``world``'s staff would be in the Complet's
    # scope too.
    admin = PersonFactory(population=Population.LOCAL, aaf_id=None, login="admin.academique")
    RoleFactory(person=admin, etablissement=None, role=Role.Kind.ADMIN_ACADEMIQUE)
    assert command(staff_files(tmp_path / "l1", [school_staff(), office_staff()]))[0] == 0
    assert command(staff_files(tmp_path / "l2", [school_staff()]))[0] == 2
    held = AafImport.objects.get(status=AafImport.Status.WAITING)
    client = login(admin)
    page = client.get(reverse("annuaire:import", args=[held.pk])).content.decode()
    assert ("Personnels, tous établissements et sans établissement confondus : ce Complet "
            "désactiverait 20 comptes actifs sur 23 (87\u00a0%), plus que le seuil de "
            "10\u00a0%.") in page
    assert "Confirmer et appliquer" in page
    assert reverse("annuaire:import_confirm", args=[held.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("annuaire:import_confirm", args=[held.pk]))
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == AafImport.Status.APPLIED and held.decided_by == admin
    assert Person.objects.filter(aaf_id__startswith="6", deactivated_at__isnull=False).count() \
        == 20


def test_real_complet_without_a_relatives_file_is_held(run, aaf_samples, staged_copy,
                                                       tmp_path):
    """entcore's 2013 Complet, then the same without its larger relatives file: 642 pupils
    dilute the collèges' accounts, but 14 of its 20 relatives would go."""
    every = sorted((aaf_samples / "entcore/aaf-test").glob("*.xml"))
    assert run.paths([staged_copy(*every)]).status == "applied"
    partial = tmp_path / "partielle"
    partial.mkdir()
    for path in every:
        if "PersRelEleve_0005" not in path.name:
            (partial / path.name).write_bytes(path.read_bytes())
    result = run.paths([partial])
    assert result.status == "waiting"
    population = [c for c in result.report["deactivation_check"] if c["etab_id"] is None]
    assert [(c["population"], c["to_deactivate"], c["active"], c["exceeds"])
            for c in population] == [("PersRelEleve", 14, 20, True)]
    assert Person.objects.filter(deactivated_at__isnull=False).count() == 0

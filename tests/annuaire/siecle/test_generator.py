"""Exports written from the directory read back through the real import: every account
matches, and a second run writes nothing."""

from datetime import date

from annuaire.models import Person, SiecleImport
from annuaire.siecle.generator import siecle_exports_write
from annuaire.siecle.services import siecle_import_create, siecle_import_execute


def test_generated_exports_round_trip(world, tmp_path):
    for n, person in enumerate(Person.objects.exclude(aaf_id=None).order_by("pk")):
        Person.objects.filter(pk=person.pk).update(aaf_id=f"{1_000_000 + n}")
    paths = siecle_exports_write(etab=world.etab_a, out_dir=tmp_path / "siecle",
                                 today=date(2026, 3, 1))
    assert [p.name for p in paths] == ["ElevesSansAdresses.xml", "ResponsablesAvecAdresses.xml",
                                       "Nomenclature.xml", "sts_emp_0690001A_2025.xml"]
    assert b'encoding="ISO-8859-15"' in paths[0].read_bytes()[:60]
    assert "Léa".encode("iso-8859-15") in paths[0].read_bytes()

    def run():
        imp = siecle_import_create(etab=world.etab_a, paths=paths, origin="cli")
        imp = siecle_import_execute(import_id=imp.pk, today=date(2026, 3, 1))
        imp.refresh_from_db()
        assert imp.status == SiecleImport.Status.APPLIED, imp.error
        return imp

    first = run()
    counts = first.report["counts"]
    assert counts["eleves"]["lus"] == counts["eleves"]["par_identifiant"] == 3
    assert counts["eleves"]["sortis"] == 1
    assert "non_rapproches" not in counts["responsables"]
    assert counts["responsables"]["par_identifiant"] == 2
    assert counts["enseignants"]["par_identifiant"] == 2
    assert first.rows_written > 0
    assert run().rows_written == 0

"""A delivery identical to the last one applied is not read again."""

import pytest

from annuaire import services
from annuaire.models import AafImport, ImportIssue, Person

from .builders import delivery, eleve, etab, relative

pytestmark = pytest.mark.django_db

COLLEGE = etab("1001", "0690001A", "CLG$COLLEGE JEAN MOULIN$LYON")


def school():
    return {"EtabEducNat": [COLLEGE],
            "Eleve": [eleve("1", relatives=["404$20$1$1$0$0"]), eleve("2", "Martin", "Noé")],
            "PersRelEleve": [relative("7", "M. MME MANENTE", "Guy Et Yvette")]}


def execute(paths, **options):
    imp = services.aaf_import_create(paths=paths, origin=AafImport.Origin.CLI)
    services.aaf_import_execute(import_id=imp.pk, **options)
    imp.refresh_from_db()
    return imp


def test_the_same_delivery_again_is_not_read(tmp_path):
    first = execute([delivery(tmp_path / "a", school())])
    # The same contents under other names (a new date) are the same delivery.
    again = execute([delivery(tmp_path / "b", school(), date="20240917")])
    assert again.status == AafImport.Status.APPLIED
    assert again.report["identical_to"] == first.pk
    assert again.report["rows_written"] == 0
    assert again.report["counts"]["Eleve"] == {
        "created": 0, "updated": 0, "reactivated": 0, "deactivated": 0, "unchanged": 2,
        "rejected": 0}
    assert again.report["skipped"] == 3
    # Its report lists the same warnings and controls as the import it repeats.
    assert sorted(ImportIssue.objects.filter(aaf_import=again).values_list("code", flat=True)) == \
        sorted(ImportIssue.objects.filter(aaf_import=first).values_list("code", flat=True)) == \
        ["plusieurs_personnes", "responsable_inconnu"]


def test_reread_reads_every_record(tmp_path):
    execute([delivery(tmp_path / "a", school())])
    again = execute([delivery(tmp_path / "a", school())], reread=True)
    assert "identical_to" not in again.report
    assert again.report["rows_written"] == 0
    assert again.report["counts"]["Eleve"]["unchanged"] == 2


def test_a_write_since_the_last_import_means_reading_again(tmp_path):
    execute([delivery(tmp_path / "a", school())])
    pupil = Person.objects.get(aaf_id="2")
    pupil.deactivated_at = pupil.date_joined
    pupil.save()
    again = execute([delivery(tmp_path / "a", school())])
    assert "identical_to" not in again.report
    assert again.report["counts"]["Eleve"]["reactivated"] == 1
    assert Person.objects.get(aaf_id="2").deactivated_at is None


def test_another_delivery_is_read(tmp_path):
    execute([delivery(tmp_path / "a", school())])
    changed = school()
    changed["Eleve"][1] = eleve("2", "Martin", "Noé", classe="3B")
    again = execute([delivery(tmp_path / "b", changed)])
    assert "identical_to" not in again.report
    assert again.report["counts"]["Eleve"]["updated"] == 1

"""The first users: whoever launched a job is told how it ended, with a link to its page."""

import pytest
from django.urls import reverse

from annuaire import services as aaf_services
from annuaire.activation import selectors as letter_selectors
from annuaire.activation import services as letter_services
from annuaire.models import AafImport, LetterBatch, Person, Population, Profile, SiecleImport
from annuaire.siecle.services import siecle_import_create, siecle_import_execute
from ent.notifications.models import Notification
from tests.annuaire.aaf.builders import delivery, eleve, etab, write_file
from tests.annuaire.siecle.conftest import SET, TODAY, fixture_copy, siecle_world  # noqa: F401
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
COLLEGE = etab("1001", "0690001A", "CLG$COLLEGE JEAN MOULIN$LYON")


def told(person):
    return list(Notification.objects.filter(recipient=person).values_list(
        "kind", "title", "url", "etablissement_id"))


def test_aaf_import_tells_who_launched_it(db, tmp_path):
    # An empty directory but its administrator: nothing for the Complet to deactivate.
    admin = PersonFactory(population=Population.LOCAL, profile=Profile.PERSONNEL, aaf_id=None)
    folder = delivery(tmp_path / "livraison", {"EtabEducNat": [COLLEGE],
                                               "Eleve": [eleve("1", "Durand", "Camille")]})
    imp = aaf_services.aaf_import_create(paths=[folder], user=admin)
    aaf_services.aaf_import_execute(import_id=imp.pk)
    assert told(admin) == [("import_annuaire", "Import de l'annuaire terminé",
                            reverse("annuaire:import", args=[imp.pk]), None)]
    # Run again (the task delivered twice): told once only.
    aaf_services.aaf_import_execute(import_id=imp.pk)
    assert Notification.objects.count() == 1


def test_an_aaf_import_waiting_for_confirmation_says_so(world, tmp_path):
    # The world's accounts are absent from this Complet: over the brake's threshold.
    folder = delivery(tmp_path / "livraison", {"EtabEducNat": [COLLEGE],
                                               "Eleve": [eleve("1", "Durand", "Camille")]})
    imp = aaf_services.aaf_import_create(paths=[folder], user=world.academy_admin)
    aaf_services.aaf_import_execute(import_id=imp.pk)
    assert told(world.academy_admin) == [(
        "import_annuaire", "Import de l'annuaire en attente de votre confirmation",
        reverse("annuaire:import", args=[imp.pk]), None)]


def test_a_failed_aaf_import_says_why(world, tmp_path):
    folder = tmp_path / "livraison"
    write_file(folder, "EtabEducNat", [COLLEGE])
    bad = write_file(folder, "Eleve", [eleve("1", "Durand", "Camille")])
    bad.write_bytes(bad.read_bytes().replace(b"</attributes>", b"</attribute>", 1))
    imp = aaf_services.aaf_import_create(paths=[folder], user=world.academy_admin)
    aaf_services.aaf_import_execute(import_id=imp.pk)
    assert AafImport.objects.get().status == AafImport.Status.FAILED
    (row,) = Notification.objects.filter(recipient=world.academy_admin)
    assert row.title == "Échec de l'import de l'annuaire" and "mal formé" in row.body


def test_an_import_from_the_command_line_tells_no_one(world, tmp_path):
    folder = delivery(tmp_path / "livraison", {"EtabEducNat": [COLLEGE], "Eleve": []})
    imp = aaf_services.aaf_import_create(paths=[folder], origin=AafImport.Origin.CLI)
    aaf_services.aaf_import_execute(import_id=imp.pk)
    assert not Notification.objects.exists()


def test_siecle_completion_tells_who_launched_it(siecle_world, fixture_copy):  # noqa: F811
    w = siecle_world
    imp = siecle_import_create(etab=w.etab_a, paths=fixture_copy(*SET), user=w.principal_a)
    siecle_import_execute(import_id=imp.pk, today=TODAY)
    assert SiecleImport.objects.get().status == SiecleImport.Status.APPLIED
    assert told(w.principal_a) == [(
        "import_annuaire", "Compléments SIECLE appliqués — COLLEGE JEAN MOULIN (LYON)",
        reverse("annuaire:siecle_import", args=[imp.pk]), w.etab_a.pk)]


def test_siecle_failure_is_told(siecle_world, tmp_path):  # noqa: F811
    w = siecle_world
    bad = tmp_path / "Nomenclature.xml"
    bad.write_bytes(b"<BEE_NOMENCLATURES>")
    imp = siecle_import_create(etab=w.etab_a, paths=[bad], user=w.principal_a)
    siecle_import_execute(import_id=imp.pk, today=TODAY)
    assert SiecleImport.objects.get().status == SiecleImport.Status.FAILED
    (row,) = Notification.objects.filter(recipient=w.principal_a)
    assert row.title.startswith("Échec des compléments SIECLE")


def test_a_letter_batch_tells_who_printed_it_when_ready(world):
    Person.objects.update(activated_at=None)
    batch = letter_services.letter_batch_create(
        etab=world.etab_a, acting_user=world.principal_a,
        audience=letter_selectors.Audience.PARENTS)
    letter_services.letter_batch_render(batch_id=batch.pk)
    assert LetterBatch.objects.get().status == LetterBatch.Status.PRET
    assert told(world.principal_a) == [(
        "fiches_connexion", "Fiches de connexion prêtes à télécharger",
        reverse("annuaire:letter_batch", args=[world.etab_a.pk, batch.pk]), world.etab_a.pk)]


def test_a_failed_letter_batch_is_told(world, monkeypatch):
    Person.objects.update(activated_at=None)
    batch = letter_services.letter_batch_create(
        etab=world.etab_a, acting_user=world.principal_a,
        audience=letter_selectors.Audience.PARENTS)

    def broken(*args, **kwargs):
        raise RuntimeError("plus de place sur le disque")

    monkeypatch.setattr(letter_services, "_pdf_store", broken)
    with pytest.raises(RuntimeError):
        letter_services.letter_batch_render(batch_id=batch.pk)
    (row,) = Notification.objects.filter(recipient=world.principal_a)
    assert row.title == "Échec de l'édition des fiches de connexion"


def test_letters_printed_in_the_request_tell_no_one(world):
    Person.objects.update(activated_at=None)
    batch = letter_services.letter_batch_create(
        etab=world.etab_a, acting_user=world.principal_a,
        audience=letter_selectors.Audience.PARENTS)
    letter_services.letter_batch_render(batch_id=batch.pk, to_file=False)
    assert not Notification.objects.exists()

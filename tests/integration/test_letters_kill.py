"""A real worker killed while it lays out a collège's letters, then the task delivered again."""

import io

import pytest
from pypdf import PdfReader

from annuaire.activation import services
from annuaire.activation.selectors import Audience
from annuaire.models import ActivationCode, Inscription, LetterBatch, Person, Role
from annuaire.tasks import letter_batch_task
from tests.factories import EtablissementFactory, PersonFactory, RegroupementFactory

from .test_aaf_import_kill import wait_for

pytestmark = pytest.mark.integration


def test_killed_letter_job_leaves_no_code_then_rerun_prints_every_letter(celery_worker):
    etab = EtablissementFactory()
    principal = PersonFactory()
    Role.objects.create(person=principal, etablissement=etab, role="direction")
    division = RegroupementFactory(etablissement=etab)
    pupils = Person.objects.bulk_create([
        Person(login=f"eleve.kill{n}", login_base="eleve.kill", population="Eleve",
               profile="eleve", first_name="Élise", last_name=f"Kill{n:03d}")
        for n in range(400)])
    Role.objects.bulk_create([Role(person=p, etablissement=etab, role="eleve") for p in pupils])
    Inscription.objects.bulk_create([Inscription(eleve=p, regroupement=division) for p in pupils])
    batch = services.letter_batch_create(etab=etab, acting_user=principal, audience=Audience.ELEVES)
    assert batch.total == 400

    worker = celery_worker()
    letter_batch_task.delay(batch.pk)
    wait_for(lambda: LetterBatch.objects.get(pk=batch.pk).status == LetterBatch.Status.EN_COURS,
             60, "édition commencée")
    from annuaire.progress import progress_get

    wait_for(lambda: (progress_get(kind="letters", pk=batch.pk) or {}).get("percent", 0) > 0,
             120, "mise en page commencée")
    worker.kill()
    assert not ActivationCode.objects.exists(), "une édition interrompue ne laisse aucun code"
    assert not services.letter_batch_path(batch).exists()

    celery_worker()
    letter_batch_task.delay(batch.pk)
    wait_for(lambda: LetterBatch.objects.get(pk=batch.pk).status == LetterBatch.Status.PRET,
             240, "édition rejouée jusqu'au bout")
    assert ActivationCode.objects.count() == 400
    reader = PdfReader(io.BytesIO(services.letter_batch_path(batch).read_bytes()))
    assert len(reader.pages) == 400
    text = reader.pages[0].extract_text() + reader.pages[-1].extract_text()
    assert "eleve.kill0" in text and "eleve.kill399" in text

"""A legal guardian justifies online: motive, comment, a PDF or image within the limit, kept
privately; bad files refused in French with nothing saved; decided absences locked."""

import datetime as dt
import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from viescolaire.appel import services
from viescolaire.appel.models import Absence, AbsenceChange

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def absence(world):
    services.motifs_defaults_ensure(etablissement=world.etab_a)
    now = timezone.now()
    return Absence.objects.create(eleve=world.pupil_a, etablissement=world.etab_a, start=now,
                                  end=now + dt.timedelta(hours=1), created_at=now,
                                  updated_at=now)


def _motif(world, code="maladie"):
    return world.etab_a.motifs_absence.get(code=code)


def _files(settings):
    root = settings.ENT_APPEL_ATTACHMENTS_DIR
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_parent_justifies_with_a_pdf(world, absence, login, settings):
    client = login(world.parent_a)
    url = reverse("appel:absence_justify", args=[absence.pk])
    response = client.post(url, {"motif": _motif(world).pk, "comment": "Grippe",
                                 "attachment": SimpleUploadedFile("certificat.pdf", PDF)})
    assert response.status_code == 302
    absence.refresh_from_db()
    assert absence.state == Absence.State.EN_ATTENTE and absence.family_comment == "Grippe"
    assert absence.attachment_name == "certificat.pdf"
    assert len(_files(settings)) == 1
    assert str(settings.ENT_APPEL_ATTACHMENTS_DIR) not in str(settings.MEDIA_ROOT)
    download = client.get(reverse("appel:absence_attachment", args=[absence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert AbsenceChange.objects.filter(action="justification").exists()
    assert login(world.parent_b).get(
        reverse("appel:absence_attachment", args=[absence.pk])).status_code == 404


def test_too_large_attachment_refused_and_nothing_saved(world, absence, login, settings):
    settings.ENT_APPEL_ATTACHMENT_MAX_BYTES = 1024
    client = login(world.parent_a)
    response = client.post(reverse("appel:absence_justify", args=[absence.pk]), {
        "motif": _motif(world).pk, "comment": "x",
        "attachment": SimpleUploadedFile("gros.pdf", PDF + b"0" * 2048)})
    assert response.status_code == 400
    assert "est trop volumineux" in html.unescape(response.content.decode())
    absence.refresh_from_db()
    assert absence.state == Absence.State.SANS_MOTIF and absence.family_comment == ""
    assert _files(settings) == []


def test_wrong_type_refused_and_nothing_saved(world, absence, login, settings):
    client = login(world.parent_a)
    response = client.post(reverse("appel:absence_justify", args=[absence.pk]), {
        "motif": _motif(world).pk,
        "attachment": SimpleUploadedFile("certificat.pdf", b"MZ\x90\x00 not a pdf")})
    assert response.status_code == 400
    assert "n'est ni un PDF ni une image" in html.unescape(response.content.decode())
    absence.refresh_from_db()
    assert absence.state == Absence.State.SANS_MOTIF
    assert _files(settings) == []


def test_motive_not_usable_by_parents_is_refused(world, absence, login):
    client = login(world.parent_a)
    response = client.post(reverse("appel:absence_justify", args=[absence.pk]), {
        "motif": _motif(world, "sortie_scolaire").pk})
    assert response.status_code == 400
    absence.refresh_from_db()
    assert absence.motif is None


def test_decided_absence_is_locked_with_the_reason(world, absence, login):
    services.absence_decide(absence=absence, state=Absence.State.NON_JUSTIFIEE,
                            motif=_motif(world, "non_recevable"), comment="",
                            acting_user=world.cpe_a)
    client = login(world.parent_a)
    response = client.post(reverse("appel:absence_justify", args=[absence.pk]),
                           {"motif": _motif(world).pk})
    assert "La vie scolaire a déjà statué sur cette absence (non justifiée)" in \
        html.unescape(response.content.decode())
    absence.refresh_from_db()
    assert absence.state == Absence.State.NON_JUSTIFIEE


def test_cpe_decision_is_audited(world, absence, login):
    client = login(world.cpe_a)
    response = client.post(reverse("appel:absence_detail", args=[absence.pk]), {
        "state": "justifiee", "motif": _motif(world).pk, "comment": "Certificat reçu"})
    assert response.status_code == 302
    change = AbsenceChange.objects.get(action="decision")
    assert change.before["etat"] == "sans_motif" and change.after["etat"] == "justifiee"
    assert change.changed_by == world.cpe_a


def test_parent_declares_an_absence_in_advance(world, login):
    services.motifs_defaults_ensure(etablissement=world.etab_a)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    client = login(world.parent_a)
    response = client.post(reverse("appel:absence_declare", args=[world.pupil_a.pk]), {
        "start_date": tomorrow.isoformat(), "start_time": "09:00",
        "end_date": tomorrow.isoformat(), "end_time": "11:00",
        "motif": _motif(world, "rdv_medical").pk, "comment": "Dentiste"})
    assert response.status_code == 302
    absence = Absence.objects.get()
    assert absence.source == Absence.Source.FAMILLE and absence.state == Absence.State.EN_ATTENTE
    page = client.get(reverse("appel:pupil_absences", args=[world.pupil_a.pk]))
    page = html.unescape(page.content.decode())
    assert "Rendez-vous médical" in page and "Déclarée par la famille" in page

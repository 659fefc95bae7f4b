"""Who reaches a roll call, a pupil's absences, a justification, the board: refusals per role
answer 404."""

import pytest
from django.urls import reverse
from django.utils import timezone

from viescolaire.appel import services
from viescolaire.appel.models import Absence, Appel

pytestmark = pytest.mark.django_db


def _absence(w, eleve=None):
    start = timezone.now()
    return Absence.objects.create(
        eleve=eleve or w.pupil_a, etablissement=w.etab_a, start=start,
        end=start + timezone.timedelta(hours=1), created_at=start, updated_at=start)


@pytest.mark.parametrize("who, status", [
    ("teacher_a", 200), ("cpe_a", 200), ("principal_a", 200), ("academy_admin", 200),
    ("teacher_a2", 404), ("teacher_b", 404), ("principal_b", 404), ("pupil_a", 404),
    ("parent_a", 404), ("doc_a", 404), ("agent_a", 404),
])
def test_roll_call_sheet_reach(world, today, login, who, status):
    client = login(getattr(world, who))
    assert client.get(reverse("appel:sheet", args=[today.seance.pk])).status_code == status


def test_replacing_teacher_takes_the_roll_call_instead(world, today, login):
    today.seance.remplacant = world.teacher_a2
    today.seance.save()
    url = reverse("appel:sheet", args=[today.seance.pk])
    assert login(world.teacher_a2).get(url).status_code == 200
    assert login(world.teacher_a).get(url).status_code == 404


def test_teacher_of_another_division_cannot_write_it(world, today, login):
    client = login(world.teacher_a2)
    url = reverse("appel:pupil_save", args=[today.seance.pk, world.pupil_a.pk])
    response = client.post(url, {"version": "0", f"absent-{world.pupil_a.pk}": "1"})
    assert response.status_code == 404
    assert not today.seance.__class__.objects.filter(appel__isnull=False).exists()


def test_direction_reads_but_does_not_write(world, today, login):
    client = login(world.principal_a)
    page = client.get(reverse("appel:sheet", args=[today.seance.pk])).content.decode()
    assert "Vous pouvez consulter cet appel, pas le modifier." in page
    client.post(reverse("appel:sheet", args=[today.seance.pk]), {"version": "0", "valider": "1"})
    assert not Appel.objects.exists()


@pytest.mark.parametrize("who, status", [
    ("pupil_a", 200), ("parent_a", 200), ("teacher_a", 200), ("cpe_a", 200),
    ("principal_a", 200), ("pupil_a2", 404), ("pupil_a3", 404), ("contact_a", 404),
    ("parent_b", 404), ("teacher_a2", 404), ("teacher_b", 404), ("principal_b", 404),
])
def test_pupil_absences_reach(world, login, who, status):
    _absence(world)
    client = login(getattr(world, who))
    assert client.get(reverse("appel:pupil_absences", args=[world.pupil_a.pk])).status_code \
        == status


def test_classmate_does_not_read_absences(world, login):
    absence = _absence(world)
    client = login(world.pupil_a2)
    assert client.get(reverse("appel:absence_attachment", args=[absence.pk])).status_code == 404
    assert client.get(reverse("appel:absence_detail", args=[absence.pk])).status_code == 404


@pytest.mark.parametrize("who, status", [
    ("parent_a", 200), ("contact_a", 404), ("parent_b", 404), ("pupil_a", 404),
    ("teacher_a", 404),
])
def test_only_legal_guardians_justify(world, login, who, status):
    absence = _absence(world)
    client = login(getattr(world, who))
    assert client.get(reverse("appel:absence_justify", args=[absence.pk])).status_code == status


@pytest.mark.parametrize("who, status", [
    ("parent_a", 200), ("contact_a", 404), ("parent_b", 404), ("pupil_a", 404), ("cpe_a", 404),
])
def test_only_legal_guardians_declare(world, login, who, status):
    client = login(getattr(world, who))
    assert client.get(reverse("appel:absence_declare", args=[world.pupil_a.pk])).status_code \
        == status


@pytest.mark.parametrize("who, status", [
    ("cpe_a", 200), ("principal_a", 200), ("academy_admin", 200), ("teacher_a", 404),
    ("parent_a", 404), ("pupil_a", 404), ("principal_b", 404),
])
def test_board_reach(world, login, who, status):
    client = login(getattr(world, who))
    assert client.get(reverse("appel:board", args=[world.etab_a.pk])).status_code == status
    assert client.get(reverse("appel:absences", args=[world.etab_a.pk])).status_code == status


@pytest.mark.parametrize("who, status", [
    ("cpe_a", 200), ("principal_a", 404), ("teacher_a", 404), ("principal_b", 404),
])
def test_entering_absences_is_the_vie_scolaire(world, login, who, status):
    client = login(getattr(world, who))
    assert client.get(reverse("appel:absence_enter", args=[world.etab_a.pk])).status_code \
        == status


def test_cpe_decision_refused_to_direction(world, login):
    absence = _absence(world)
    services.motifs_defaults_ensure(etablissement=world.etab_a)
    client = login(world.principal_a)
    response = client.post(reverse("appel:absence_detail", args=[absence.pk]),
                           {"state": "non_justifiee"})
    assert response.status_code == 404
    absence.refresh_from_db()
    assert absence.state == Absence.State.SANS_MOTIF


def test_service_listed_on_home(world, login):
    page = login(world.teacher_a).get(reverse("home")).content.decode()
    assert "Appel et absences" in page


@pytest.mark.parametrize("who, status", [
    ("cpe_a", 200), ("principal_a", 200), ("teacher_a", 404), ("parent_a", 404),
    ("principal_b", 404),
])
def test_motifs_settings_reach(world, login, who, status):
    client = login(getattr(world, who))
    assert client.get(reverse("appel:motifs", args=[world.etab_a.pk])).status_code == status


def test_principal_changes_a_motif_and_adds_one(world, login):
    client = login(world.principal_a)
    client.get(reverse("appel:motifs", args=[world.etab_a.pk]))
    transport = world.etab_a.motifs_absence.get(code="transport")
    client.post(reverse("appel:motifs", args=[world.etab_a.pk]),
                {"motif": transport.pk, "justifies": "1", "active": "1"})
    transport.refresh_from_db()
    assert transport.justifies and not transport.usable_by_parents
    client.post(reverse("appel:motifs", args=[world.etab_a.pk]),
                {"label": "Intempéries", "justifies": "1", "active": "1",
                 "usable_by_parents": "1"})
    assert world.etab_a.motifs_absence.get(label="Intempéries").usable_by_parents

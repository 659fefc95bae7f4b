"""The teacher's roll call: taps, validation, « fait, aucun absent », corrections kept in the
history, the version check, absences made and merged, families notified once."""

import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from ent.notifications.models import Notification
from tests.viescolaire.conftest import make_cours, make_seance
from viescolaire.appel import selectors, services
from viescolaire.appel.marks import MarkData
from viescolaire.appel.models import Absence, AbsenceChange, Appel, AppelChange, Marque

from .conftest import marks_post

pytestmark = pytest.mark.django_db


def _sheet_url(seance):
    return reverse("appel:sheet", args=[seance.pk])


def test_validation_records_absent_and_late_and_notifies_parents(
        world, today, login, django_capture_on_commit_callbacks):
    client = login(world.teacher_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_sheet_url(today.seance), marks_post(
            0, absent=[world.pupil_a], late=[world.pupil_a2]))
    assert response.status_code == 302
    appel = Appel.objects.get(seance=today.seance)
    assert appel.state == Appel.State.FAIT and appel.validated_by == world.teacher_a
    assert appel.version == 1
    marks = {m.eleve_id: m for m in appel.marques.all()}
    assert marks[world.pupil_a.pk].absent and marks[world.pupil_a.pk].absence is not None
    assert marks[world.pupil_a2.pk].retard and marks[world.pupil_a2.pk].arrivee is not None
    absence = Absence.objects.get(eleve=world.pupil_a)
    assert absence.source == Absence.Source.APPEL and absence.state == Absence.State.SANS_MOTIF
    told = Notification.objects.filter(kind="appel_absence")
    assert list(told.values_list("recipient_id", flat=True)) == [world.parent_a.pk]
    assert told.get().title.startswith("Absence de Léa")
    # The non-legal relative is not told; a rerun tells no one twice.
    assert services.appel_families_notify(appel_id=appel.pk) == 0
    page = client.get(_sheet_url(today.seance)).content.decode()
    assert "Fait" in page and "Enregistrer la correction" in page


def test_roll_call_without_absent_is_done(world, today, login):
    client = login(world.teacher_a)
    client.post(_sheet_url(today.seance), marks_post(0))
    appel = Appel.objects.get(seance=today.seance)
    assert appel.state == Appel.State.FAIT
    assert not appel.marques.exists()
    assert sorted(appel.roster) == sorted([world.pupil_a.pk, world.pupil_a2.pk])
    items = selectors.teacher_today(viewer=world.teacher_a, day=today.day)
    assert [i.state for i in items] == ["fait"]


def test_one_tap_with_htmx_saves_the_pupil_and_returns_the_row(world, today, login):
    client = login(world.teacher_a)
    url = reverse("appel:pupil_save", args=[today.seance.pk, world.pupil_a.pk])
    response = client.post(url, {"version": "0", f"absent-{world.pupil_a.pk}": "1"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert f'id="eleve-{world.pupil_a.pk}"' in body
    assert 'id="appel-version" value="1" hx-swap-oob="true"' in body
    appel = Appel.objects.get(seance=today.seance)
    assert appel.state == Appel.State.EN_COURS
    assert appel.marques.get().absent
    # Not validated yet: no absence, nobody told.
    assert not Absence.objects.exists()
    assert [i.state for i in selectors.teacher_today(viewer=world.teacher_a, day=today.day)] \
        == ["en_cours"]


def test_plain_form_tap_without_javascript_redirects(world, today, login):
    client = login(world.teacher_a)
    url = reverse("appel:pupil_save", args=[today.seance.pk, world.pupil_a.pk])
    response = client.post(url, {"version": "0", f"retard-{world.pupil_a.pk}": "1"})
    assert response.status_code == 302
    assert Marque.objects.get().retard


def test_correction_keeps_history_and_drops_the_absence(world, today, login):
    client = login(world.teacher_a)
    client.post(_sheet_url(today.seance), marks_post(0, absent=[world.pupil_a]))
    assert Absence.objects.count() == 1
    cpe = login(world.cpe_a)
    response = cpe.post(_sheet_url(today.seance), marks_post(1))
    assert response.status_code == 302
    assert not Absence.objects.exists()
    change = AppelChange.objects.filter(action="correction").get()
    assert change.changed_by == world.cpe_a
    assert change.before == {"absent": True} and change.after == {}
    assert AbsenceChange.objects.filter(action="suppression", eleve=world.pupil_a).exists()


def test_second_save_over_a_changed_version_is_refused_showing_both(world, today, login):
    teacher = login(world.teacher_a)
    teacher.post(_sheet_url(today.seance), marks_post(0, absent=[world.pupil_a]))
    from django.test import Client

    cpe = Client()
    cpe.force_login(world.cpe_a)
    # Both read version 1; the CPE saves first.
    assert cpe.post(_sheet_url(today.seance), marks_post(
        1, absent=[world.pupil_a, world.pupil_a2])).status_code == 302
    response = teacher.post(_sheet_url(today.seance), marks_post(1))
    assert response.status_code == 409
    page = html.unescape(response.content.decode())
    assert "a été modifié par Céline" in page or "a été modifié par CPE Céline" in page
    assert "Votre saisie" in page and world.pupil_a2.display_name in page
    marks = {m.eleve_id: m.absent for m in Marque.objects.all()}
    assert marks == {world.pupil_a.pk: True, world.pupil_a2.pk: True}


def test_htmx_tap_over_a_changed_version_is_refused(world, today, login):
    client = login(world.teacher_a)
    url = reverse("appel:pupil_save", args=[today.seance.pk, world.pupil_a.pk])
    client.post(url, {"version": "0", f"absent-{world.pupil_a.pk}": "1"}, HTTP_HX_REQUEST="true")
    response = client.post(url, {"version": "0"}, HTTP_HX_REQUEST="true")
    assert "votre saisie n'a pas été enregistrée" in html.unescape(response.content.decode())
    assert Marque.objects.get().absent


def test_known_absence_is_marked_and_joined(world, today, login):
    start = timezone.now() - dt.timedelta(hours=1)
    motif_count = services.motifs_defaults_ensure(etablissement=world.etab_a)
    assert motif_count >= 5
    known = services.absence_create(
        eleve=world.pupil_a2, etablissement=world.etab_a, start=start,
        end=start + dt.timedelta(hours=4), source=Absence.Source.FAMILLE,
        motif=world.etab_a.motifs_absence.get(code="rdv_medical"), acting_user=world.parent_a)
    client = login(world.teacher_a)
    page = client.get(_sheet_url(today.seance)).content.decode()
    assert "Absence prévue (déclarée par la famille)" in page
    sheet = selectors.appel_sheet(viewer=world.teacher_a, seance=today.seance)
    assert {r.pk: r.mark.absent for r in sheet.rows} == {world.pupil_a.pk: False,
                                                       world.pupil_a2.pk: True}
    client.post(_sheet_url(today.seance), marks_post(0, absent=[world.pupil_a2]))
    assert Absence.objects.count() == 1
    assert Marque.objects.get().absence == known


def test_consecutive_absent_seances_make_one_absence(world, today):
    first = today.seance
    end = dt.datetime.combine(today.day, first.end)
    later = end + dt.timedelta(minutes=5)
    if later.date() != today.day:
        pytest.skip("no room for a second séance before midnight")
    cours = make_cours(world.etab_a, day=today.day.isoweekday(),
                       start=(later.hour, later.minute), end=(later.hour, later.minute),
                       label="ANGLAIS", teachers=[world.teacher_a], regs=[world.div_3a])
    second = make_seance(cours, today.day)
    second.end = min((later + dt.timedelta(minutes=30)).time(), dt.time(23, 59))
    second.save()
    now = timezone.make_aware(later)
    for seance in (first, second):
        services.appel_marks_save(seance=seance, marks={world.pupil_a.pk: MarkData(absent=True)},
                                  expected_version=0, validate=True, acting_user=world.cpe_a,
                                  now=now)
    absence = Absence.objects.get()
    assert absence.marques.count() == 2
    assert timezone.localtime(absence.end).time() == second.end


def test_teacher_refused_before_the_window(world, today):
    now = timezone.make_aware(dt.datetime.combine(today.day, today.seance.start)) \
        - dt.timedelta(minutes=30)
    with pytest.raises(services.AppelError, match="L'appel ouvre 10 minutes avant"):
        services.appel_marks_save(seance=today.seance, marks={}, expected_version=0,
                                  validate=True, acting_user=world.teacher_a, now=now)
    # The vie scolaire may.
    services.appel_marks_save(seance=today.seance, marks={}, expected_version=0, validate=True,
                              acting_user=world.cpe_a, now=now)


def test_exclusion_needs_a_reason_and_tells_the_vie_scolaire(world, today, login):
    client = login(world.teacher_a)
    response = client.post(_sheet_url(today.seance), marks_post(
        0, **{f"exclu-{world.pupil_a.pk}": "1"}))
    assert response.status_code == 400
    assert "le motif de l'exclusion de cours est obligatoire" in html.unescape(response.content.decode())
    assert not Appel.objects.exists()
    client.post(_sheet_url(today.seance), marks_post(
        0, **{f"exclu-{world.pupil_a.pk}": "1",
              f"exclusion_motif-{world.pupil_a.pk}": "Insolence"}))
    assert Notification.objects.filter(kind="appel_exclusion",
                                       recipient=world.cpe_a).exists()


def test_board_shows_states_and_the_days_absences(world, today, login):
    services.appel_marks_save(seance=today.seance, marks={world.pupil_a.pk: MarkData(absent=True)},
                              expected_version=0, validate=True, acting_user=world.teacher_a)
    page = login(world.cpe_a).get(reverse("appel:board", args=[world.etab_a.pk])).content
    page = page.decode()
    assert "1 fait" in page and world.pupil_a.display_name in page
    grid = login(world.cpe_a).get(reverse("appel:board_grid", args=[world.etab_a.pk]))
    assert grid.status_code == 200 and "<html" not in grid.content.decode()

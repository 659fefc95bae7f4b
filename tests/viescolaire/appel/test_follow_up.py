"""Half-days, « signalements à étudier », statistics and the registre d'appel."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.viescolaire.conftest import make_cours, make_seance
from viescolaire.appel import services, stats
from viescolaire.appel.marks import MarkData
from viescolaire.appel.models import Absence

pytestmark = pytest.mark.django_db


def _absent_days(world, days, *, pupil, justify=False):
    """Two séances a day (morning and afternoon) with ``pupil`` absent."""
    morning = make_cours(world.etab_a, day=1, start=(8, 0), end=(9, 0), label="MATHEMATIQUES",
                         teachers=[world.teacher_a], regs=[world.div_3a])
    afternoon = make_cours(world.etab_a, day=1, start=(14, 0), end=(15, 0), label="ANGLAIS",
                           teachers=[world.teacher_a], regs=[world.div_3a])
    for day in days:
        for cours in (morning, afternoon):
            seance = make_seance(cours, day)
            services.appel_marks_save(
                seance=seance, marks={pupil.pk: MarkData(absent=True),
                                      world.pupil_a2.pk: MarkData(retard=True,
                                                                  arrivee=dt.time(8, 10))},
                expected_version=0, validate=True, acting_user=world.cpe_a, notify=False,
                now=timezone.make_aware(dt.datetime.combine(day, cours.start)))
    if justify:
        services.motifs_defaults_ensure(etablissement=world.etab_a)
        motif = world.etab_a.motifs_absence.get(code="maladie")
        for absence in Absence.objects.filter(eleve=pupil):
            services.absence_decide(absence=absence, state=Absence.State.JUSTIFIEE, motif=motif,
                                    comment="", acting_user=world.cpe_a)


def test_four_unjustified_half_days_make_a_signalement(world):
    today = timezone.localdate()
    _absent_days(world, [today - dt.timedelta(days=3), today - dt.timedelta(days=10)],
                 pupil=world.pupil_a)
    rows = stats.signalements(etab=world.etab_a, today=today)
    assert [(s.pupil, s.half_days) for s in rows] == [(world.pupil_a, 4)]
    # Two consecutive absent séances of a day are one absence (merged across lunch).
    assert Absence.objects.filter(eleve=world.pupil_a).count() == 2


def test_justified_half_days_do_not_count(world):
    today = timezone.localdate()
    _absent_days(world, [today - dt.timedelta(days=3), today - dt.timedelta(days=10)],
                 pupil=world.pupil_a, justify=True)
    assert stats.signalements(etab=world.etab_a, today=today) == []
    row = next(r for r in stats.division_stats(etab=world.etab_a, first=today - dt.timedelta(
        days=29), last=today) if r.division == world.div_3a)
    assert (row.pupils, row.half_days, row.unjustified, row.retards) == (2, 4, 0, 4)


def test_pages_and_csv(world, login):
    today = timezone.localdate()
    day = today - dt.timedelta(days=1)
    _absent_days(world, [day], pupil=world.pupil_a)
    client = login(world.cpe_a)
    page = client.get(reverse("appel:signalements", args=[world.etab_a.pk]))
    assert page.status_code == 200
    stats_page = client.get(reverse("appel:statistics", args=[world.etab_a.pk]))
    assert "<svg" in stats_page.content.decode()
    csv = b"".join(client.get(reverse("appel:statistics", args=[world.etab_a.pk]),
                              {"format": "csv"}).streaming_content).decode()
    assert csv.splitlines()[1].startswith("3A;2;2;2;2;")
    registre = client.get(reverse("appel:registre", args=[world.etab_a.pk]),
                          {"jour": day.isoformat()})
    text = b"".join(registre.streaming_content).decode()
    assert "DUPONT Léa" in text and "BERNARD Noé (08:10)" in text and "Fait" in text
    for who in ("teacher_a", "parent_a", "pupil_a", "principal_b"):
        other = login(getattr(world, who))
        for name in ("signalements", "statistics", "registre"):
            assert other.get(reverse(f"appel:{name}", args=[world.etab_a.pk])).status_code \
                == 404


def test_forgotten_roll_calls_remind_the_teacher_once(world, today):
    from ent.notifications.models import Notification

    start = timezone.make_aware(dt.datetime.combine(today.day, today.seance.start))
    assert services.appels_forgotten_notify(now=start + dt.timedelta(minutes=5)) == 0
    later = start + dt.timedelta(minutes=11)
    if timezone.localtime(later).date() != today.day:
        pytest.skip("too close to midnight")
    # Two séances of two collèges forgotten: each teacher told once.
    assert services.appels_forgotten_notify(now=later) == 2
    assert services.appels_forgotten_notify(now=later) == 0
    told = Notification.objects.filter(kind="appel_oubli")
    assert set(told.values_list("recipient_id", flat=True)) == {world.teacher_a.pk,
                                                                world.teacher_b.pk}


def test_done_roll_call_is_not_reminded(world, today):
    services.appel_marks_save(seance=today.seance, marks={}, expected_version=0, validate=True,
                              acting_user=world.teacher_a)
    start = timezone.make_aware(dt.datetime.combine(today.day, today.seance.start))
    later = start + dt.timedelta(minutes=11)
    if timezone.localtime(later).date() != today.day:
        pytest.skip("too close to midnight")
    assert services.appels_forgotten_notify(now=later) == 1  # only collège B's


def test_board_reminder_in_one_click(world, today, login):
    from ent.notifications.models import Notification

    response = login(world.cpe_a).post(reverse("appel:remind", args=[today.seance.pk]))
    assert response.status_code == 302
    assert Notification.objects.filter(kind="appel_oubli", recipient=world.teacher_a).exists()
    assert login(world.principal_a).post(
        reverse("appel:remind", args=[today.seance.pk])).status_code == 302
    assert Notification.objects.filter(kind="appel_oubli").count() == 1
    assert login(world.teacher_b).post(
        reverse("appel:remind", args=[today.seance.pk])).status_code == 404

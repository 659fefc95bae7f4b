"""The « Journal des actions » page: who reads what, its filters, its pages, its cost."""

import datetime as dt
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from ent.audit.models import AuditEvent
from ent.audit.services import audit_events_purge, audit_record

JOURNAL = reverse("audit:journal")


@pytest.fixture
def events(world):
    """One event in each collège, and one of the académie's own."""
    a = audit_record(acting_user=world.principal_a, action="account_suspend",
                     target=world.pupil_a, etab=world.etab_a, details={"reason": "Usurpation"})
    b = audit_record(acting_user=world.principal_b, action="login_rename",
                     target=world.pupil_b, etab=world.etab_b)
    academie = audit_record(acting_user=world.academy_admin, action="aaf_import_confirm",
                            details={"import": 12})
    return a, b, academie


def shown(response):
    return {event.pk for event in response.context["page"].events}


@pytest.mark.parametrize("who", ["principal_a", "admin_etab_a"])
def test_the_establishments_administrators_read_their_establishment_only(
        world, events, login, who):
    a, _b, _academie = events
    response = login(getattr(world, who)).get(JOURNAL)
    assert response.status_code == 200
    assert shown(response) == {a.pk}
    text = response.content.decode()
    assert "Suspension d&#x27;un compte" in text and "Motif : Usurpation" in text
    assert world.pupil_a.display_name in text and world.pupil_b.display_name not in text


def test_the_other_colleges_principal_does_not_read_them(world, events, login):
    _a, b, _academie = events
    client = login(world.principal_b)
    assert shown(client.get(JOURNAL)) == {b.pk}
    # An establishment typed in the address is no filter of theirs: still their own only.
    assert shown(client.get(JOURNAL, {"etab": world.etab_a.pk})) == {b.pk}


@pytest.mark.parametrize("who", ["teacher_a", "parent_a", "pupil_a", "cpe_a", "doc_a",
                                 "agent_a", "contact_a"])
def test_other_roles_get_404(world, events, login, who):
    assert login(getattr(world, who)).get(JOURNAL).status_code == 404


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(JOURNAL)
    assert response.status_code == 302 and "/compte/" in response["Location"]


def test_the_academie_reads_all_and_filters_by_establishment(world, events, login):
    a, b, academie = events
    client = login(world.academy_admin)
    response = client.get(JOURNAL)
    assert shown(response) == {a.pk, b.pk, academie.pk}
    assert "Académie" in response.content.decode()
    assert shown(client.get(JOURNAL, {"etab": world.etab_b.pk})) == {b.pk}


def test_filter_by_person_actor_or_target(world, events, login):
    a, b, academie = events
    client = login(world.academy_admin)
    assert shown(client.get(JOURNAL, {"personne": "lea dupont"})) == {a.pk}
    assert shown(client.get(JOURNAL, {"personne": "Proviseur"})) == {b.pk}
    assert shown(client.get(JOURNAL, {"personne": "rectorat"})) == {academie.pk}
    assert shown(client.get(JOURNAL, {"personne": "personne inconnue"})) == set()


def test_the_person_filter_searches_only_the_people_the_principal_sees(world, login):
    # An event of collège A naming a person of collège B only (a parent's other child, say).
    mixed = audit_record(acting_user=world.principal_a, action="account_suspend",
                         target=world.pupil_b, etab=world.etab_a)
    client = login(world.principal_a)
    assert shown(client.get(JOURNAL)) == {mixed.pk}
    assert shown(client.get(JOURNAL, {"personne": "Lefebvre"})) == set()
    assert shown(client.get(JOURNAL, {"personne": "Principal"})) == {mixed.pk}


def test_filter_by_action_and_dates(world, events, login):
    a, b, academie = events
    AuditEvent.objects.filter(pk=b.pk).update(
        created_at=timezone.now() - timedelta(days=10))
    client = login(world.academy_admin)
    assert shown(client.get(JOURNAL, {"action": "login_rename"})) == {b.pk}
    today = timezone.localdate()
    ten_days_ago = (today - timedelta(days=10)).isoformat()
    assert shown(client.get(JOURNAL, {"du": today.isoformat()})) == {a.pk, academie.pk}
    assert shown(client.get(JOURNAL, {"au": ten_days_ago})) == {b.pk}
    assert shown(client.get(JOURNAL, {"du": ten_days_ago, "au": ten_days_ago})) == {b.pk}
    wrong = client.get(JOURNAL, {"du": today.isoformat(), "au": ten_days_ago})
    assert "La date de fin doit venir après la date de début." in wrong.content.decode()
    assert client.get(JOURNAL, {"action": "inconnue"}).status_code == 200


def _many(world, n, start):
    AuditEvent.objects.bulk_create([
        AuditEvent(actor=world.principal_a, actor_label="Claire Principal", target=world.pupil_a,
                   target_label="Léa Dupont", action="login_rename",
                   etablissement=world.etab_a, created_at=start - timedelta(minutes=i // 2))
        for i in range(n)])


def test_keyset_pages_walk_every_event_once(world, login):
    # Pairs of events share their date: the id breaks the tie.
    _many(world, 123, timezone.now())
    client = login(world.principal_a)
    seen, url, pages = [], JOURNAL, 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        seen.extend(shown(response))
        url = response.context["next_url"] and JOURNAL + response.context["next_url"]
        pages += 1
    assert pages == 3 and len(seen) == 123 == len(set(seen))
    assert "Plus anciennes" not in response.content.decode()
    assert "Les plus récentes" in response.content.decode()


def test_a_malformed_cursor_shows_the_first_page(world, events, login):
    assert login(world.principal_a).get(JOURNAL, {"apres": "n'importe quoi"}).status_code == 200


@pytest.mark.parametrize("n", [3, 120])
def test_the_page_costs_a_fixed_number_of_queries(world, login, django_assert_max_num_queries,
                                                  n):
    _many(world, n, timezone.now())
    client = login(world.academy_admin)
    client.get(JOURNAL)  # the session's first read
    # Session, user, roles, establishments of the filter, the events, the bell; the person
    # filter one more.
    with django_assert_max_num_queries(7):
        response = client.get(JOURNAL, {"personne": "dupont", "action": "login_rename"})
    assert len(response.context["page"].events) == min(n, 50)


def test_the_menu_leads_to_the_journal_for_the_principal_only(world, login):
    assert JOURNAL in login(world.principal_a).get(reverse("home")).content.decode()
    assert JOURNAL not in login(world.teacher_a).get(reverse("home")).content.decode()


def test_retention_purge_deletes_old_events_in_batches(world, settings):
    settings.ENT_AUDIT_RETENTION_DAYS = 365
    now = timezone.now()
    _many(world, 7, now - timedelta(days=400))
    kept = audit_record(acting_user=world.principal_a, action="login_rename",
                        etab=world.etab_a)
    AuditEvent.objects.filter(pk=kept.pk).update(created_at=now - timedelta(days=300))
    assert audit_events_purge(now=now, batch=3) == 7
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [kept.pk]
    assert audit_events_purge(now=now) == 0


def test_the_purge_runs_nightly_on_beat():
    task = next(entry for entry in django_settings.CELERY_BEAT_SCHEDULE.values()
                if entry["task"] == "ent.audit.tasks.audit_events_purge_task")
    assert task["schedule"]


def test_the_purge_task_runs(world, settings):
    from ent.audit.tasks import audit_events_purge_task

    _many(world, 2, timezone.now() - dt.timedelta(days=settings.ENT_AUDIT_RETENTION_DAYS + 1))
    assert audit_events_purge_task.delay().get() == 2
    assert not AuditEvent.objects.exists()

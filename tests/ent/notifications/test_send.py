"""``notification_send``: rows in bulk, each recipient's e-mail choice and quiet hours."""

import datetime as dt

import pytest

from annuaire.models import Person
from ent.notifications import services
from ent.notifications.kinds import EmailMode
from ent.notifications.models import (
    EmailState,
    Notification,
    NotificationPreference,
    NotificationSettings,
)

from .conftest import paris

pytestmark = pytest.mark.django_db
WEDNESDAY_10H = paris(2027, 1, 13, 10)
WEDNESDAY_21H = paris(2027, 1, 13, 21)


def send(recipients, now, **kwargs):
    return services.notification_send(recipients=recipients, kind="essai", title="Titre",
                                      body="Texte", url="/annuaire/", now=now, **kwargs)


def test_each_recipient_gets_one_row_in_app(world, kind, mailoutbox):
    assert send(Person.objects.filter(pk__in=[world.pupil_a.pk, world.parent_a.pk]),
                WEDNESDAY_10H, establishment=world.etab_a) == 2
    rows = Notification.objects.order_by("recipient_id")
    assert {r.recipient_id for r in rows} == {world.pupil_a.pk, world.parent_a.pk}
    assert {(r.title, r.body, r.url, r.etablissement_id, r.read_at) for r in rows} == {
        ("Titre", "Texte", "/annuaire/", world.etab_a.pk, None)}
    # The sender is never held up: no e-mail leaves in its request.
    assert mailoutbox == []


def test_email_follows_each_person_s_choice(world, kind):
    NotificationPreference.objects.create(person=world.pupil_a, kind="essai",
                                          email=EmailMode.NEVER)
    NotificationPreference.objects.create(person=world.parent_a, kind="essai",
                                          email=EmailMode.DIGEST)
    send([world.pupil_a, world.parent_a.pk, world.teacher_a], WEDNESDAY_10H)
    plans = {r.recipient_id: (r.email_state, r.email_due_at) for r in Notification.objects.all()}
    assert plans == {
        world.pupil_a.pk: (EmailState.NONE, None),
        world.parent_a.pk: (EmailState.PENDING, paris(2027, 1, 14, 7, 30)),
        world.teacher_a.pk: (EmailState.PENDING, WEDNESDAY_10H),
    }


def test_quiet_hours_defer_the_email_not_the_notification(world, kind):
    NotificationSettings.objects.create(person=world.parent_a, quiet_hours=False,
                                        quiet_weekends=False)
    send([world.teacher_a, world.parent_a], WEDNESDAY_21H)
    due = dict(Notification.objects.values_list("recipient_id", "email_due_at"))
    # The teacher keeps the default pause: tomorrow 7 h; the parent turned it off.
    assert due == {world.teacher_a.pk: paris(2027, 1, 14, 7), world.parent_a.pk: WEDNESDAY_21H}
    assert Notification.objects.filter(read_at__isnull=True).count() == 2


def test_an_email_due_at_once_is_queued_after_commit(world, kind,
                                                     django_capture_on_commit_callbacks,
                                                     mailoutbox):
    world.teacher_a.email = "helene.martin@ac-lyon.fr"
    world.teacher_a.save(update_fields=["email"])
    # Whatever the hour the suite runs at, no pause for her.
    NotificationSettings.objects.create(person=world.teacher_a, quiet_hours=False,
                                        quiet_weekends=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send([world.teacher_a], dt.datetime.now(dt.UTC))
        assert mailoutbox == []
    assert len(callbacks) == 1
    assert [m.to for m in mailoutbox] == [["helene.martin@ac-lyon.fr"]]


def test_deferred_emails_queue_nothing(world, kind, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        send([world.teacher_a], WEDNESDAY_21H)
    assert callbacks == []


def test_fan_out_inserts_in_batches(world, kind, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(services, "FAN_OUT_BATCH", 4)
    people = Person.objects.order_by("pk")
    total = people.count()
    batches = -(-total // 4)
    # One query for the ids, then per batch: preferences, quiet hours, and one INSERT (a COPY
    # on PostgreSQL).
    with django_assert_num_queries(1 + 3 * batches):
        assert send(people, WEDNESDAY_21H) == total
    assert Notification.objects.count() == total


def test_large_fan_out_reads_preferences_by_range(world, kind, monkeypatch):
    """Batches of RANGE_FROM people or more read preferences by their range of ids: a person in the
    range but not among the recipients changes nothing, and each recipient keeps theirs."""
    monkeypatch.setattr(services, "RANGE_FROM", 2)
    people = list(Person.objects.order_by("pk"))
    NotificationPreference.objects.create(person=people[1], kind="essai", email=EmailMode.NEVER)
    NotificationSettings.objects.create(person=people[2], quiet_hours=False,
                                        quiet_weekends=False)
    chosen = [p.pk for p in people if p != people[3]] * 50  # repeated: told once each
    assert send(chosen, WEDNESDAY_21H) == len(people) - 1
    plans = {r.recipient_id: (r.email_state, r.email_due_at) for r in Notification.objects.all()}
    assert plans[people[1].pk] == (EmailState.NONE, None)
    assert plans[people[2].pk] == (EmailState.PENDING, WEDNESDAY_21H)
    assert plans[people[0].pk] == (EmailState.PENDING, paris(2027, 1, 14, 7))
    assert people[3].pk not in plans


def test_unknown_kind_is_refused(world):
    with pytest.raises(ValueError, match="unknown notification kind"):
        services.notification_send(recipients=[world.pupil_a], kind="inconnu", title="x")


def test_the_demo_welcomes_each_login_once(world):
    from ent.notifications.demo import demo_notifications

    people = [world.pupil_a, world.parent_a, None, world.principal_a]
    assert demo_notifications(people=people) == 3
    assert demo_notifications(people=people) == 0
    assert set(Notification.objects.values_list("recipient_id", "title")) == {
        (p.pk, "Bienvenue sur l'ENT") for p in people if p is not None}


def test_an_unreachable_broker_never_fails_the_sender(world, kind, monkeypatch,
                                                      django_capture_on_commit_callbacks):
    from ent.notifications import tasks

    def down():
        raise ConnectionError("redis injoignable")

    monkeypatch.setattr(tasks.notifications_email_task, "delay", down)
    NotificationSettings.objects.create(person=world.teacher_a, quiet_hours=False,
                                        quiet_weekends=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert send([world.teacher_a], dt.datetime.now(dt.UTC)) == 1
    # Left for the beat task's next run.
    assert Notification.objects.get().email_state == EmailState.PENDING

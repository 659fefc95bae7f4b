"""The beat task: due e-mails in batches, one per person, each sent at most once."""

import datetime as dt

import pytest
from allauth.account.models import EmailAddress

from ent.notifications import services
from ent.notifications.kinds import EmailMode
from ent.notifications.models import EmailState, Notification, NotificationPreference

from .conftest import paris

pytestmark = pytest.mark.django_db
WEDNESDAY_21H = paris(2027, 1, 13, 21)
THURSDAY_7H = paris(2027, 1, 14, 7)


@pytest.fixture
def addressed(world):
    """Three people with an address: one confirmed on the portal, two from the feed."""
    EmailAddress.objects.create(user=world.parent_a, email="sophie@example.org", verified=True,
                                primary=True)
    world.teacher_a.email = "helene.martin@ac-lyon.fr"
    world.teacher_a.save(update_fields=["email"])
    world.teacher_a2.email = "paul.durand@ac-lyon.fr"
    world.teacher_a2.save(update_fields=["email"])
    return world


def send(people, now, title="Titre"):
    services.notification_send(recipients=people, kind="essai", title=title, url="/annuaire/",
                               now=now)


def test_evening_emails_wait_for_the_morning(addressed, kind, mailoutbox):
    w = addressed
    send([w.teacher_a, w.parent_a], WEDNESDAY_21H)
    assert services.notifications_email_send_due(now=WEDNESDAY_21H) == 0
    assert services.notifications_email_send_due(now=THURSDAY_7H - dt.timedelta(minutes=1)) == 0
    assert mailoutbox == []
    assert services.notifications_email_send_due(now=THURSDAY_7H) == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["helene.martin@ac-lyon.fr",
                                                   "sophie@example.org"]
    assert "Titre" in mailoutbox[0].subject and "/annuaire/" in mailoutbox[0].body
    assert set(Notification.objects.values_list("email_state", flat=True)) == {EmailState.SENT}
    # Run again (beat every five minutes): nothing twice.
    assert services.notifications_email_send_due(now=THURSDAY_7H) == 0
    assert len(mailoutbox) == 2


def test_a_digest_gathers_the_day_in_one_email(addressed, kind, mailoutbox):
    w = addressed
    NotificationPreference.objects.create(person=w.teacher_a, kind="essai",
                                          email=EmailMode.DIGEST)
    for hour, title in ((9, "Premier"), (11, "Deuxième"), (16, "Troisième")):
        send([w.teacher_a], paris(2027, 1, 13, hour), title=title)
    assert services.notifications_email_send_due(now=paris(2027, 1, 13, 23)) == 0
    assert services.notifications_email_send_due(now=paris(2027, 1, 14, 7, 30)) == 1
    (mail,) = mailoutbox
    assert mail.subject == "ENT : 3 nouvelles notifications"
    assert [t in mail.body for t in ("Premier", "Deuxième", "Troisième")] == [True] * 3


def test_never_and_no_address(addressed, kind, mailoutbox):
    w = addressed
    NotificationPreference.objects.create(person=w.teacher_a, kind="essai",
                                          email=EmailMode.NEVER)
    w.pupil_a.email = ""
    w.pupil_a.save(update_fields=["email"])
    send([w.teacher_a, w.pupil_a], THURSDAY_7H)
    assert services.notifications_email_send_due(now=THURSDAY_7H) == 0
    assert mailoutbox == []
    states = dict(Notification.objects.values_list("recipient_id", "email_state"))
    assert states == {w.teacher_a.pk: EmailState.NONE, w.pupil_a.pk: EmailState.NO_ADDRESS}


def test_batches(addressed, kind, mailoutbox):
    w = addressed
    send([w.teacher_a, w.teacher_a2, w.parent_a], THURSDAY_7H)
    assert services.notifications_email_send_due(now=THURSDAY_7H, batch_size=2,
                                                 max_batches=1) == 2
    assert services.notifications_email_send_due(now=THURSDAY_7H, batch_size=2) == 1
    assert len(mailoutbox) == 3


class Killed(BaseException):
    """The worker's death: no ``except Exception`` of the sender catches it."""


def test_a_killed_worker_sends_nothing_twice(addressed, kind, mailoutbox, monkeypatch):
    w = addressed
    send([w.teacher_a, w.teacher_a2, w.parent_a], THURSDAY_7H)
    real_send = services.send_mail
    calls = []

    def dying_send(*args, **kwargs):
        calls.append(args[3])
        if len(calls) == 2:  # the second e-mail is being handed over when the worker dies
            raise Killed
        return real_send(*args, **kwargs)

    monkeypatch.setattr(services, "send_mail", dying_send)
    with pytest.raises(Killed):
        services.notifications_email_send_due(now=THURSDAY_7H)
    monkeypatch.setattr(services, "send_mail", real_send)
    first, in_flight = calls[0][0], calls[1][0]
    assert [m.to[0] for m in mailoutbox] == [first]
    # Rerun at once: the dead worker's claim is still fresh, nothing is taken from it.
    assert services.notifications_email_send_due(now=THURSDAY_7H) == 0
    # Once the claim is stale: the rows it never started go; the one in flight never again.
    later = THURSDAY_7H + dt.timedelta(hours=1)
    assert services.notifications_email_send_due(now=later) == 1
    sent = [m.to[0] for m in mailoutbox]
    assert len(sent) == len(set(sent)) == 2 and in_flight not in sent
    states = sorted(Notification.objects.values_list("email_state", flat=True))
    assert states == sorted([EmailState.SENT, EmailState.SENT, EmailState.INTERRUPTED])


def test_two_runs_never_claim_the_same_rows(addressed, kind):
    w = addressed
    send([w.teacher_a, w.teacher_a2, w.parent_a], THURSDAY_7H)
    _, rows_a = services._claim(now=THURSDAY_7H, batch_size=2)
    _, rows_b = services._claim(now=THURSDAY_7H, batch_size=2)
    assert len(rows_a) == 2 and len(rows_b) == 1
    assert not {r.pk for r in rows_a} & {r.pk for r in rows_b}


def test_a_mail_server_failure_is_retried_then_given_up(addressed, kind, mailoutbox,
                                                        monkeypatch):
    send([addressed.teacher_a], THURSDAY_7H)

    def refused(*args, **kwargs):
        raise OSError("connexion refusée")

    monkeypatch.setattr(services, "send_mail", refused)
    at = THURSDAY_7H
    for _ in range(services.EMAIL_RETRIES):
        assert services.notifications_email_send_due(now=at) == 0
        at += dt.timedelta(minutes=15)
    assert Notification.objects.get().email_state == EmailState.FAILED

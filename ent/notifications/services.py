"""The notification centre's writes. ``notification_send`` is the one function every service
calls; the beat task calls ``notifications_email_send_due``."""

import datetime as dt
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from ent.french import count_label
from ent.lib.tasks import enqueue_on_commit

from . import selectors
from .kinds import EmailMode, kind_get
from .models import EmailState, Notification, NotificationPreference, NotificationSettings
from .quiet import QuietHours, digest_at, release_at

logger = logging.getLogger(__name__)

# Rows written per INSERT, and recipients whose preferences are read per query.
FAN_OUT_BATCH = 5000
# From this many recipients in a batch, their preferences are read by range of ids.
RANGE_FROM = 500


def notification_send(*, recipients: QuerySet | Iterable, kind: str, title: str, body: str = "",
                      url: str = "", establishment=None, now: dt.datetime | None = None) -> int:
    """Tell ``recipients`` (a queryset of people, or people or ids) something, in-app and by
    e-mail as each of them chose for ``kind``. Returns how many notifications were written.

    The caller is never held up: the rows are inserted in bulk, and the e-mails leave from a
    Celery task (queued once the caller's transaction commits, or the beat task's next run
    for those held by quiet hours or waiting for a digest). Inside the caller's transaction:
    a rolled back job tells no one.
    """
    kind_obj = kind_get(kind)
    now = now or timezone.now()
    ids: Iterable[int]
    if isinstance(recipients, QuerySet):
        ids = recipients.values_list("pk", flat=True).order_by("pk").distinct().iterator(
            chunk_size=10000)
    else:
        ids = list(dict.fromkeys(getattr(r, "pk", r) for r in recipients))  # each told once
    title, url = title[:200], url[:500]
    etab_id = getattr(establishment, "pk", establishment)
    written = due_now = 0
    plans = {}  # the same choice and quiet hours make the same plan: computed once
    for chunk in _chunks(ids, FAN_OUT_BATCH):
        chunk = [pid for pid in chunk if pid is not None]
        wanted = _people_filter(chunk)
        modes = dict(NotificationPreference.objects.filter(wanted, kind=kind).values_list(
            "person_id", "email"))
        quiet = {row.person_id: QuietHours.of(row)
                 for row in NotificationSettings.objects.filter(wanted)}
        rows = []
        for pid in chunk:
            key = (modes.get(pid, kind_obj.default_email), quiet.get(pid, QuietHours.of(None)))
            if key not in plans:
                plans[key] = _email_plan(*key, now)
            state, due = plans[key]
            due_now += state == EmailState.PENDING and due <= now
            rows.append((pid, key[0], state, due))
        _rows_insert(rows, kind=kind, title=title, body=body, url=url, etab_id=etab_id, now=now)
        written += len(rows)
    if due_now:
        # The e-mails due at once, sent by a worker; a broker out of reach fails no one's
        # request: the beat task sends them on its next run.
        from .tasks import notifications_email_task

        enqueue_on_commit(notifications_email_task, broker_down_ok=True)
    return written


COPY_COLUMNS = ("recipient_id", "kind", "title", "body", "url", "etablissement_id", "created_at",
                "email_mode", "email_state", "email_due_at", "email_attempts")


def _rows_insert(rows, *, kind, title, body, url, etab_id, now):
    """One batch of rows: COPY on PostgreSQL (a fan-out to a whole académie's families is
    hundreds of thousands of rows), bulk_create elsewhere."""
    if connection.vendor == "postgresql":
        table = Notification._meta.db_table
        with connection.cursor() as cursor, cursor.copy(
                f"COPY {table} ({', '.join(COPY_COLUMNS)}) FROM STDIN") as copy:
            for pid, mode, state, due in rows:
                copy.write_row((pid, kind, title, body, url, etab_id, now, mode, state, due, 0))
        return
    Notification.objects.bulk_create([Notification(
        recipient_id=pid, kind=kind, title=title, body=body, url=url, etablissement_id=etab_id,
        created_at=now, email_mode=mode, email_state=state, email_due_at=due)
        for pid, mode, state, due in rows], batch_size=FAN_OUT_BATCH)


def _people_filter(chunk):
    """Rows of these people: a large chunk by its range of ids (an IN of thousands of values
    costs more to build than to run), the extra rows of others in the range ignored by the
    lookups, which go by id."""
    if len(chunk) < RANGE_FROM:
        return Q(person_id__in=chunk)
    return Q(person_id__gte=min(chunk), person_id__lte=max(chunk))


def _chunks(iterable, size):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _email_plan(mode, quiet, now):
    if mode == EmailMode.IMMEDIATE:
        return EmailState.PENDING, release_at(quiet=quiet, at=now)
    if mode == EmailMode.DIGEST:
        return EmailState.PENDING, digest_at(quiet=quiet, at=now)
    return EmailState.NONE, None


def notification_mark_read(*, viewer, pk: int, now: dt.datetime | None = None) -> Notification:
    """Raises ``selectors.NotificationNotFound`` for anyone's but the viewer's own."""
    notification = selectors.notification_get(viewer=viewer, pk=pk)
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at)
    return notification


def notifications_mark_all_read(*, viewer, now: dt.datetime | None = None) -> int:
    return selectors.notifications_unread(viewer=viewer).update(read_at=now or timezone.now())


def notification_preferences_update(*, person, email_modes: dict[str, str],
                                    quiet: QuietHours) -> None:
    """Store the person's choices; a choice equal to its kind's default keeps no row."""
    with transaction.atomic():
        for code, mode in email_modes.items():
            kind = kind_get(code)
            if mode == kind.default_email:
                NotificationPreference.objects.filter(person=person, kind=code).delete()
            else:
                NotificationPreference.objects.update_or_create(
                    person=person, kind=code, defaults={"email": mode})
        NotificationSettings.objects.update_or_create(person=person, defaults={
            "quiet_hours": quiet.enabled, "quiet_start": quiet.start,
            "quiet_end": quiet.end, "quiet_weekends": quiet.weekends})
        # E-mails already waiting follow the new quiet hours (never earlier than planned for
        # a digest: its time stays).
        now = timezone.now()
        for row in Notification.objects.filter(
                recipient=person, email_state=EmailState.PENDING,
                email_mode=EmailMode.IMMEDIATE).only("pk", "created_at"):
            due = release_at(quiet=quiet, at=max(now, row.created_at))
            Notification.objects.filter(pk=row.pk, email_state=EmailState.PENDING).update(
                email_due_at=due)


# --- E-mails: claimed in batches, each sent at most once --------------------------------------
#
# A batch of due rows is claimed in one short transaction (rows locked by another run are
# skipped), then each recipient's e-mail is marked « envoi » (committed) just before it is
# handed to the mail server and « envoyé » just after. A worker killed midway leaves:
# « réservé » rows it never started — given back to the next run once the claim is stale —
# and at most one e-mail in « envoi », which may or may not have left: it is never sent again
# (« interrompu »), since a person must not get the same e-mail twice.

EMAIL_RETRIES = 3


def notifications_email_send_due(*, now: dt.datetime | None = None,
                                 batch_size: int | None = None,
                                 max_batches: int | None = None) -> int:
    """Send the e-mails due at ``now``, batch after batch; returns how many e-mails left.

    ``now`` (tests) stops the clock for the whole run; claims are stamped with it too.
    """
    batch_size = batch_size or settings.ENT_NOTIFICATIONS_EMAIL_BATCH
    _stale_claims_settle(now=now or timezone.now())
    sent = batches = 0
    while max_batches is None or batches < max_batches:
        claim, rows = _claim(now=now or timezone.now(), batch_size=batch_size)
        if not rows:
            break
        batches += 1
        sent += _send_claimed(claim=claim, rows=rows, now=now)
    return sent


def _stale_claims_settle(*, now):
    stale = now - dt.timedelta(seconds=settings.ENT_NOTIFICATIONS_CLAIM_STALE_SECONDS)
    released = Notification.objects.filter(
        email_state=EmailState.CLAIMED, email_claimed_at__lt=stale,
    ).update(email_state=EmailState.PENDING, email_claim=None, email_claimed_at=None)
    lost = Notification.objects.filter(
        email_state=EmailState.SENDING, email_claimed_at__lt=stale,
    ).update(email_state=EmailState.INTERRUPTED)
    if released or lost:
        logger.warning("notification e-mails of a stopped worker: %s given back, %s interrupted "
                       "(maybe sent, never sent again)", released, lost)


def _claim(*, now, batch_size):
    claim = uuid.uuid4()
    with transaction.atomic():
        ids = list(Notification.objects.select_for_update(skip_locked=True).filter(
            email_state=EmailState.PENDING, email_due_at__lte=now,
        ).order_by("email_due_at", "pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return claim, []
        # Conditional: a row another run claimed between our read and this UPDATE (SQLite
        # has no row locks) stays theirs.
        Notification.objects.filter(pk__in=ids, email_state=EmailState.PENDING).update(
            email_state=EmailState.CLAIMED, email_claim=claim, email_claimed_at=now)
    rows = list(Notification.objects.filter(email_claim=claim, email_state=EmailState.CLAIMED)
                .select_related("recipient").order_by("created_at", "pk"))
    return claim, rows


def _send_claimed(*, claim, rows, now):
    by_person = defaultdict(list)
    for row in rows:
        by_person[row.recipient_id].append(row)
    addresses = selectors.email_addresses(person_ids=list(by_person))
    sent = 0
    for person_id, items in by_person.items():
        ids = [row.pk for row in items]
        mine = Notification.objects.filter(pk__in=ids, email_claim=claim)
        address = addresses.get(person_id)
        if not address:
            mine.update(email_state=EmailState.NO_ADDRESS, email_claim=None)
            continue
        if not mine.filter(email_state=EmailState.CLAIMED).update(
                email_state=EmailState.SENDING, email_claimed_at=now or timezone.now()):
            continue  # given back as stale and taken by another run meanwhile
        subject, text = _email_text(items)
        try:
            send_mail(subject, text, None, [address])
        except Exception:
            logger.exception("notification e-mail to person %s failed", person_id)
            retry = items[0].email_attempts + 1 < EMAIL_RETRIES
            mine.update(
                email_state=EmailState.PENDING if retry else EmailState.FAILED,
                email_due_at=(now or timezone.now()) + dt.timedelta(minutes=15),
                email_claim=None,
                email_attempts=items[0].email_attempts + 1)
            continue
        mine.update(email_state=EmailState.SENT, email_sent_at=now or timezone.now(),
                    email_claim=None)
        sent += 1
    return sent


def _email_text(items):
    site = settings.ENT_SITE_NAME
    if len(items) == 1:
        subject = f"{site} : {items[0].title}"
    else:
        count = count_label(len(items), "nouvelle notification", "nouvelles notifications")
        subject = f"{site} : {count}"
    text = render_to_string("notifications/email.txt", {
        "items": items, "count": len(items), "site_name": site,
        "portal_url": settings.ENT_PUBLIC_URL.rstrip("/"),
    })
    return subject, text

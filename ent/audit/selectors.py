"""Reads of the journal: the events the viewer may read, filtered, a page at a time.

Pages are keyset pages (« plus anciens » carries the last row's date and id): no COUNT over a
million events, and the tenth page costs what the first does.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Replace
from django.utils import timezone

from annuaire.models import Etablissement, Person
from annuaire.text import search_terms
from ent import rights
from ent.errors import NotFound

from .models import AuditEvent

# A name matches at most this many people: the filter asks for a narrower name beyond.
PERSON_MATCH_CAP = 200


class AuditNotFound(NotFound):
    """An establishment outside the viewer's journal: the views answer 404."""


@dataclass(frozen=True)
class JournalFilters:
    etab: Etablissement | None = None
    person: str = ""
    action: str = ""
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class JournalPage:
    events: list[AuditEvent]
    next_cursor: str
    # The person filter matched more people than it keeps (PERSON_MATCH_CAP).
    too_many_people: bool = False


def audit_etabs(*, viewer) -> QuerySet:
    return Etablissement.objects.filter(rights.audit_etabs_q(viewer)).order_by(
        "name", "pk").only("pk", "name")


def audit_etab_get(*, viewer, etab_id: int) -> Etablissement:
    try:
        return audit_etabs(viewer=viewer).get(pk=etab_id)
    except (Etablissement.DoesNotExist, ValueError, TypeError):
        raise AuditNotFound from None


def audit_person_ids(*, viewer, query: str) -> list[int]:
    """The people whose name holds every word of ``query``, among those the viewer sees,
    up to PERSON_MATCH_CAP + 1 (one query, on the folded name's trigram index)."""
    # The directory's expression: the trigram index on the compact name serves it.
    people = Person.objects.filter(rights.persons_visible_q(viewer)).annotate(
        search_compact=Replace("search_name", Value(" "), Value("")))
    for term in search_terms(query):
        people = people.filter(search_compact__contains=term)
    return list(people.order_by().values_list("pk", flat=True)[:PERSON_MATCH_CAP + 1])


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_events(*, viewer, filters: JournalFilters, person_ids: list[int] | None = None
                 ) -> QuerySet:
    """The events the viewer reads, newest first, narrowed by ``filters`` (``person_ids``:
    the matches of ``filters.person``, the actor or the target)."""
    events = AuditEvent.objects.filter(rights.audit_events_visible_q(viewer))
    if filters.etab is not None:
        events = events.filter(etablissement=filters.etab)
    if person_ids is not None:
        events = events.filter(Q(actor_id__in=person_ids) | Q(target_id__in=person_ids))
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.start:
        events = events.filter(created_at__gte=_day_start(filters.start))
    if filters.end:
        events = events.filter(created_at__lt=_day_start(filters.end + dt.timedelta(days=1)))
    return events.select_related("etablissement").only(
        "pk", "created_at", "actor_id", "actor_label", "action", "target_id", "target_label",
        "details", "etablissement_id", "etablissement__name",
    ).order_by("-created_at", "-id")


def cursor_of(event: AuditEvent) -> str:
    return f"{event.created_at.isoformat()}_{event.pk}"


def cursor_parse(cursor: str) -> tuple[dt.datetime, int] | None:
    """The (date, id) a cursor names, or None for a malformed one (the first page then)."""
    moment, _, pk = (cursor or "").rpartition("_")
    try:
        return dt.datetime.fromisoformat(moment), int(pk)
    except ValueError:
        return None


def journal_page(*, viewer, filters: JournalFilters, cursor: str = "", size: int = 50
                 ) -> JournalPage:
    person_ids = None
    too_many = False
    if search_terms(filters.person):
        person_ids = audit_person_ids(viewer=viewer, query=filters.person)
        too_many = len(person_ids) > PERSON_MATCH_CAP
        person_ids = person_ids[:PERSON_MATCH_CAP]
    events = audit_events(viewer=viewer, filters=filters, person_ids=person_ids)
    after = cursor_parse(cursor)
    if after:
        moment, pk = after
        events = events.filter(Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=pk))
    rows = list(events[:size + 1])
    next_cursor = cursor_of(rows[size - 1]) if len(rows) > size else ""
    return JournalPage(events=rows[:size], next_cursor=next_cursor, too_many_people=too_many)

"""Writes of the audit trail: one function records, one purges past the retention delay."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from annuaire.models import Etablissement, Person
from ent import rights

from .actions import ACTIONS
from .models import AuditEvent

SYSTEM_LABEL = "Système"


def _label(person: Person | None) -> str:
    if person is None:
        return ""
    name = person.display_name
    return f"{name} ({person.login})" if person.login and person.login != name else name


def audit_record(*, acting_user: Person | None, action: str, target: Person | None = None,
                 etab: Etablissement | int | None = None,
                 details: dict[str, Any] | None = None) -> AuditEvent:
    """Record one change. ``acting_user`` None is the system (beat, a command run by nobody);
    ``etab`` the establishment the change belongs to (None: the académie's)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: declare it in ent.audit.actions")
    if getattr(acting_user, "is_authenticated", False) is False:
        acting_user = None
    return AuditEvent.objects.create(
        actor=acting_user, actor_label=_label(acting_user) or SYSTEM_LABEL, action=action,
        target=target, target_label=_label(target),
        etablissement_id=getattr(etab, "pk", etab), details=details or {},
    )


def audit_date(moment: dt.datetime | None) -> str:
    """A date as the journal shows it in the details (« 07/12/2026 22:53 »)."""
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


def audit_etab_for(*, person: Person, acting_user: Person | None) -> int | None:
    """The establishment an action on ``person`` belongs to: one the actor administers among
    the person's, else the person's own (so that their principal reads what the académie did),
    else None."""
    held = rights.person_etab_ids(person)
    if not held:
        return None
    mine = held & rights.etab_ids_with(acting_user, rights.ETAB_ADMIN_ROLES) if acting_user \
        else set()
    return min(mine or held)


def audit_events_purge(*, now: dt.datetime | None = None, batch: int | None = None) -> int:
    """Delete the events older than ENT_AUDIT_RETENTION_DAYS, a batch at a time (short
    transactions, no lock held over a million rows); returns how many went."""
    now = now or timezone.now()
    batch = batch or settings.ENT_AUDIT_PURGE_BATCH
    cutoff = now - dt.timedelta(days=settings.ENT_AUDIT_RETENTION_DAYS)
    total = 0
    while True:
        ids = list(AuditEvent.objects.filter(created_at__lt=cutoff).order_by(
            "created_at").values_list("pk", flat=True)[:batch])
        if not ids:
            return total
        total += AuditEvent.objects.filter(pk__in=ids).delete()[0]

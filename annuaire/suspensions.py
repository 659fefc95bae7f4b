"""Suspensions of one account, per establishment or by the académie (issue 13, item 6).

An establishment's direction suspends a person in its own establishments; the académie
suspends them everywhere. A person is refused login only where every establishment that holds
them has refused them (the README's rule for blocks): a parent suspended by collège A still
logs in for their child in collège B. ``Person.suspended_at`` and ``suspended_reason`` say
when the suspensions alone refuse the person everywhere — the académie's, or one by each of
their establishments — so the login and the per-request check stay one column read. A
suspension in some of their establishments only counts, with the login blocks, in
``annuaire.blocking``: each suspended establishment is a refused unit there.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from ent import rights
from ent.audit.services import audit_etab_for, audit_record
from ent.errors import ApplicationError

from .models import Etablissement, Person, Suspension


class SuspensionError(ApplicationError):
    """A suspension that cannot be decided or lifted, with the reason in French."""


def units_cache_forget(person):
    cache.delete(f"loginblocks:units:{person.pk}")


def suspension_sync(*, person):
    """Recompute whether the person's suspensions refuse them everywhere."""
    rows = list(Suspension.objects.filter(person=person).order_by("decided_at", "pk"))
    if hasattr(person, "_held_etab_ids_cache"):
        del person._held_etab_ids_cache
    held = rights.person_etab_ids(person)
    academie = [s for s in rows if s.etablissement_id is None]
    by_etab = {s.etablissement_id: s for s in rows if s.etablissement_id is not None}
    if academie:
        deciding = academie
    elif held and held <= set(by_etab):
        deciding = [by_etab[etab_id] for etab_id in sorted(held)]
    else:
        deciding = []
    reasons = []
    for suspension in deciding:
        if suspension.reason not in reasons:
            reasons.append(suspension.reason)
    person.suspended_at = max((s.decided_at for s in deciding), default=None)
    person.suspended_reason = " ; ".join(reasons)[:255]
    person.is_active = person.suspended_at is None and person.deactivated_at is None
    person.save(update_fields=["suspended_at", "suspended_reason", "is_active", "updated_at"])
    units_cache_forget(person)
    return person


def person_suspend(*, person, reason, acting_user, now=None):
    """Suspend ``person`` at the levels ``acting_user`` decides for
    (``rights.suspension_levels``)."""
    levels = rights.suspension_levels(acting_user, person)
    if not levels:
        raise SuspensionError("Vous ne pouvez pas suspendre ce compte.")
    now = now or timezone.now()
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        for etab_id in levels:
            Suspension.objects.update_or_create(
                person=person, etablissement_id=etab_id,
                defaults={"reason": reason[:255], "decided_by": acting_user, "decided_at": now})
        suspension_sync(person=person)
        _record(acting_user, "account_suspend", person, levels, reason=reason[:255])
    return person


def _record(acting_user, action, person, etab_ids, **details):
    """One event per decision, in the establishment decided for (for the académie's: the
    person's, so that their principal reads it)."""
    names = dict(Etablissement.objects.filter(pk__in=[e for e in etab_ids if e]).values_list(
        "pk", "name"))
    levels = [names.get(e, "") if e else "académie" for e in etab_ids]
    etab = next((e for e in etab_ids if e), None) or audit_etab_for(
        person=person, acting_user=acting_user)
    audit_record(acting_user=acting_user, action=action, target=person, etab=etab,
                 details={**details, "levels": levels})


def person_reinstate(*, person, acting_user):
    """Lift the suspensions of ``person`` that ``acting_user``'s level may lift.

    Returns how many were lifted; refuses, saying who decided, when none of them is the
    user's to lift.
    """
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        rows = list(Suspension.objects.filter(person=person).select_related("etablissement"))
        if not rows:
            if not person.suspended_at:
                raise SuspensionError("Ce compte n'est pas suspendu.")
            # A suspension older than the per-establishment ones: whoever manages the account.
            suspension_sync(person=person)
            _record(acting_user, "account_reinstate", person, [])
            return 1
        liftable = [s for s in rows if rights.can_lift_suspension(acting_user, s)]
        if not liftable:
            if any(s.etablissement_id is None for s in rows):
                raise SuspensionError("Cette suspension a été décidée par l'académie : seule "
                                      "l'académie peut la lever.")
            names = ", ".join(sorted(s.etablissement.name for s in rows))
            raise SuspensionError(f"Ce compte est suspendu par {names} : seule la direction de "
                                  "cet établissement ou l'académie peut lever sa suspension.")
        Suspension.objects.filter(pk__in=[s.pk for s in liftable]).delete()
        suspension_sync(person=person)
        _record(acting_user, "account_reinstate", person,
                [s.etablissement_id for s in liftable])
    return len(liftable)


def suspensions_shown(*, viewer, person):
    """The person's suspensions as their card shows them: each with its level, and whether
    the viewer may lift it (the reason only to those who may)."""
    rows = list(Suspension.objects.filter(person=person).select_related(
        "etablissement", "decided_by").order_by("decided_at", "pk"))
    for suspension in rows:
        suspension.liftable = rights.can_lift_suspension(viewer, suspension)
    return rows


def suspended_accounts_in(*, people, viewer):
    """Among ``people``, those refused for suspension, and those the viewer's establishments
    (any, for the académie) suspended even where they still log in elsewhere; the latest
    decided first, each with its suspensions (``shown_suspensions``)."""
    decided = Suspension.objects.filter(person=OuterRef("pk"))
    if not rights.is_academy_admin(viewer):
        decided = decided.filter(Q(etablissement__isnull=True) | Q(
            etablissement_id__in=rights.etab_ids_with(viewer, rights.ETAB_ADMIN_ROLES)))
    latest = Suspension.objects.filter(person=OuterRef("pk")).order_by("-decided_at").values(
        "decided_at")[:1]
    rows = Suspension.objects.select_related("etablissement").order_by("decided_at", "pk")
    return people.filter(
        Q(deactivated_at__isnull=True) & (Q(suspended_at__isnull=False) | Exists(decided)),
    ).annotate(last_suspended_at=Coalesce(Subquery(latest), "suspended_at")).order_by(
        F("last_suspended_at").desc(nulls_last=True), *Person.NAME_ORDER,
    ).prefetch_related(Prefetch("suspensions", queryset=rows, to_attr="shown_suspensions"))

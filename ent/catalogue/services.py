"""Writes of the Services administration. Each takes the acting person (``acting_user``): the
audit trail records who changed what the establishment's people rely on."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from annuaire.models import Etablissement, Person, Role, RoleSource
from ent.audit.services import audit_record
from ent.errors import ApplicationError
from ent.rights.catalogue import grants_cache_invalidate

from . import registry
from .models import AdminDelegation, PublicationResponsible, ServiceGrant, ServiceToggle


class CatalogueError(ApplicationError):
    """A refusal to show the user, in French."""


@transaction.atomic
def services_update(*, etab: Etablissement | None, grants: dict[tuple[str, str], bool],
                    toggles: dict[str, bool], acting_user) -> None:
    """Save the Services table of an establishment, or of the académie (``etab`` None).

    Only a choice that differs from what the level above gives is stored, so an untouched
    cell keeps following the académie's default when it changes."""
    changed_grants: list[str] = []
    changed_toggles: list[str] = []
    academie_grants = {} if etab is None else {
        (g.service, g.profile): g.enabled
        for g in ServiceGrant.objects.filter(etablissement__isnull=True)}
    for (service, profile), enabled in grants.items():
        spec = registry.service_spec(service)
        if not spec.grantable(profile):
            continue
        inherited = academie_grants.get((service, profile), profile in spec.default_profiles)
        rows = ServiceGrant.objects.filter(etablissement=etab, service=service, profile=profile)
        stored = rows.values_list("enabled", flat=True).first()
        if (inherited if stored is None else stored) != enabled:
            changed_grants.append(f"{service} / {profile} : {'oui' if enabled else 'non'}")
        if enabled == inherited:
            rows.delete()
        elif not rows.update(enabled=enabled):
            ServiceGrant.objects.create(etablissement=etab, service=service, profile=profile,
                                        enabled=enabled)
    academie_toggles = {} if etab is None else dict(ServiceToggle.objects.filter(
        etablissement__isnull=True).values_list("toggle", "enabled"))
    for key, enabled in toggles.items():
        toggle = registry.toggle_spec(key)
        if etab is not None and toggle.storage is not None:
            if toggle.storage.read([etab.pk]).get(etab.pk) != enabled:
                changed_toggles.append(f"{key} : {'oui' if enabled else 'non'}")
            toggle.storage.write(etab=etab, enabled=enabled, acting_user=acting_user)
            continue
        inherited = academie_toggles.get(key, toggle.default)
        toggle_rows = ServiceToggle.objects.filter(etablissement=etab, toggle=key)
        stored = toggle_rows.values_list("enabled", flat=True).first()
        if (inherited if stored is None else stored) != enabled:
            changed_toggles.append(f"{key} : {'oui' if enabled else 'non'}")
        if enabled == inherited:
            toggle_rows.delete()
        elif not toggle_rows.update(enabled=enabled):
            ServiceToggle.objects.create(etablissement=etab, toggle=key, enabled=enabled)
    if changed_grants:
        audit_record(acting_user=acting_user, action="service_access_update", etab=etab,
                     details={"changements": changed_grants})
    if changed_toggles:
        audit_record(acting_user=acting_user, action="right_toggle_update", etab=etab,
                     details={"changements": changed_toggles})
    # Now for this request's next reads, and after the commit again: a page read in between
    # may have cached the rows of before.
    grants_cache_invalidate()
    transaction.on_commit(grants_cache_invalidate)


@transaction.atomic
def delegation_grant(*, etab: Etablissement, person: Person, starts_on: datetime.date,
                     ends_on: datetime.date, motif: str, acting_user) -> AdminDelegation:
    """Delegate the establishment-administrator role to ``person`` from ``starts_on`` to
    ``ends_on`` included; granting it again to the same person changes its dates."""
    if ends_on < starts_on:
        raise CatalogueError("La date de fin précède la date de début.")
    if ends_on < timezone.localdate():
        raise CatalogueError("La date de fin est déjà passée.")
    existing = AdminDelegation.objects.filter(etablissement=etab, person=person).first()
    if existing is None and Role.objects.filter(
            person=person, etablissement=etab,
            role__in={Role.Kind.DIRECTION, Role.Kind.ADMIN_ETAB}).exists():
        raise CatalogueError(f"{person.display_name} administre déjà cet établissement.")
    if existing is not None:
        existing.starts_on, existing.ends_on, existing.motif = starts_on, ends_on, motif
        existing.granted_by = acting_user
        existing.save(update_fields=["starts_on", "ends_on", "motif", "granted_by"])
        _delegation_audit(existing, action="delegation_grant", acting_user=acting_user)
        return existing
    role = Role.objects.create(person=person, etablissement=etab, role=Role.Kind.ADMIN_ETAB,
                               source=RoleSource.MANUEL)
    delegation = AdminDelegation.objects.create(
        role=role, etablissement=etab, person=person, starts_on=starts_on, ends_on=ends_on,
        motif=motif, granted_by=acting_user)
    _delegation_audit(delegation, action="delegation_grant", acting_user=acting_user)
    return delegation


def _delegation_audit(delegation: AdminDelegation, *, action: str, acting_user) -> None:
    audit_record(acting_user=acting_user, action=action, target=delegation.person,
                 etab=delegation.etablissement_id,
                 details={"du": delegation.starts_on.isoformat(),
                          "au": delegation.ends_on.isoformat(), "motif": delegation.motif})


def delegation_end(*, delegation: AdminDelegation, acting_user) -> AdminDelegation:
    """End a delegation now: it stays listed, ended yesterday."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    delegation.ends_on = min(delegation.ends_on, yesterday)
    delegation.starts_on = min(delegation.starts_on, delegation.ends_on)
    delegation.save(update_fields=["starts_on", "ends_on"])
    _delegation_audit(delegation, action="delegation_revoke", acting_user=acting_user)
    return delegation


def publication_responsible_set(*, etab: Etablissement, person: Person | None,
                                acting_user) -> None:
    """Name the establishment's responsable de publication (None: back to its direction)."""
    audit_record(acting_user=acting_user, action="publication_responsible_set", target=person,
                 etab=etab)
    if person is None:
        PublicationResponsible.objects.filter(etablissement=etab).delete()
        return
    PublicationResponsible.objects.update_or_create(
        etablissement=etab, defaults={"person": person, "granted_by": acting_user})

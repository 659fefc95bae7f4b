"""Writes of the Services administration. Each takes the acting person (``acting_user``): the
audit trail records who changed what the establishment's people rely on."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from annuaire.models import Etablissement, Person, Role, RoleSource
from ent.rights.catalogue import grants_cache_invalidate

from . import registry
from .models import AdminDelegation, PublicationResponsible, ServiceGrant, ServiceToggle


class CatalogueError(Exception):
    """A refusal to show the user, in French."""


@transaction.atomic
def services_update(*, etab: Etablissement | None, grants: dict[tuple[str, str], bool],
                    toggles: dict[str, bool], acting_user) -> None:
    """Save the Services table of an establishment, or of the académie (``etab`` None).

    Only a choice that differs from what the level above gives is stored, so an untouched
    cell keeps following the académie's default when it changes."""
    academie_grants = {} if etab is None else {
        (g.service, g.profile): g.enabled
        for g in ServiceGrant.objects.filter(etablissement__isnull=True)}
    for (service, profile), enabled in grants.items():
        spec = registry.service_spec(service)
        if not spec.grantable(profile):
            continue
        inherited = academie_grants.get((service, profile), profile in spec.default_profiles)
        rows = ServiceGrant.objects.filter(etablissement=etab, service=service, profile=profile)
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
            toggle.storage.write(etab=etab, enabled=enabled, acting_user=acting_user)
            continue
        inherited = academie_toggles.get(key, toggle.default)
        toggle_rows = ServiceToggle.objects.filter(etablissement=etab, toggle=key)
        if enabled == inherited:
            toggle_rows.delete()
        elif not toggle_rows.update(enabled=enabled):
            ServiceToggle.objects.create(etablissement=etab, toggle=key, enabled=enabled)
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
        return existing
    role = Role.objects.create(person=person, etablissement=etab, role=Role.Kind.ADMIN_ETAB,
                               source=RoleSource.MANUEL)
    return AdminDelegation.objects.create(role=role, etablissement=etab, person=person,
                                          starts_on=starts_on, ends_on=ends_on, motif=motif,
                                          granted_by=acting_user)


def delegation_end(*, delegation: AdminDelegation, acting_user) -> AdminDelegation:
    """End a delegation now: it stays listed, ended yesterday."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    delegation.ends_on = min(delegation.ends_on, yesterday)
    delegation.starts_on = min(delegation.starts_on, delegation.ends_on)
    delegation.save(update_fields=["starts_on", "ends_on"])
    return delegation


def publication_responsible_set(*, etab: Etablissement, person: Person | None,
                                acting_user) -> None:
    """Name the establishment's responsable de publication (None: back to its direction)."""
    if person is None:
        PublicationResponsible.objects.filter(etablissement=etab).delete()
        return
    PublicationResponsible.objects.update_or_create(
        etablissement=etab, defaults={"person": person, "granted_by": acting_user})

"""Reads of the Services administration: each takes the viewer, and an establishment outside
their reach answers 404."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from annuaire.models import Etablissement
from ent.errors import NotFound
from ent.rights import catalogue as catalogue_rights

from . import registry
from .models import AdminDelegation, PublicationResponsible, ServiceGrant, ServiceToggle


@dataclass(frozen=True)
class Cell:
    profile: str
    profile_label: str
    # "always" (the administrators' tools), "choice" (a checkbox) or "none" (not for them).
    kind: str
    checked: bool
    # What the académie (or the service's declaration) gives without the establishment's choice.
    inherited: bool
    name: str


@dataclass(frozen=True)
class Row:
    spec: registry.ServiceSpec
    cells: list[Cell]


@dataclass(frozen=True)
class ToggleRow:
    toggle: registry.Toggle
    checked: bool
    inherited: bool
    name: str


def cell_name(service: str, profile: str) -> str:
    return f"service__{service}__{profile}"


def toggle_name(key: str) -> str:
    return f"toggle__{key.replace('.', '__')}"


def administered_etab_get(*, viewer, etab_id) -> Etablissement:
    try:
        return catalogue_rights.services_admin_etabs(viewer).get(pk=etab_id)
    except (Etablissement.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("Établissement introuvable") from exc


def principal_etab_get(*, viewer, etab_id) -> Etablissement:
    try:
        return catalogue_rights.principal_etabs(viewer).get(pk=etab_id)
    except (Etablissement.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("Établissement introuvable") from exc


def services_table(*, etab: Etablissement | None) -> tuple[list[Row], list[ToggleRow]]:
    """The table of services × profiles and the toggles, for an establishment or (None) the
    académie's defaults: two queries, plus one per toggle kept in an older storage."""
    grants = {(g.etablissement_id, g.service, g.profile): g.enabled for g in ServiceGrant.objects
              .filter(Q(etablissement__isnull=True) | Q(etablissement=etab))}
    etab_id = etab.pk if etab else None
    rows = []
    for spec in registry.services_all():
        cells = []
        for profile in registry.PROFILES:
            label = registry.PROFILE_LABELS[profile]
            name = cell_name(spec.key, profile)
            if profile in spec.always:
                cells.append(Cell(profile, label, "always", True, True, name))
                continue
            if profile not in spec.profiles:
                cells.append(Cell(profile, label, "none", False, False, name))
                continue
            declared = profile in spec.default_profiles
            inherited = declared if etab is None else grants.get(
                (None, spec.key, profile), declared)
            checked = grants.get((etab_id, spec.key, profile), inherited)
            cells.append(Cell(profile, label, "choice", checked, inherited, name))
        rows.append(Row(spec, cells))
    toggles = {(t.etablissement_id, t.toggle): t.enabled for t in ServiceToggle.objects
               .filter(Q(etablissement__isnull=True) | Q(etablissement=etab))}
    toggle_rows = []
    for toggle in registry.toggles_all():
        inherited = toggle.default if etab is None else toggles.get(
            (None, toggle.key), toggle.default)
        if etab is not None and toggle.storage is not None:
            checked = toggle.storage.read([etab.pk]).get(etab.pk, inherited)
        else:
            checked = toggles.get((etab_id, toggle.key), inherited)
        toggle_rows.append(ToggleRow(toggle, checked, inherited, toggle_name(toggle.key)))
    return rows, toggle_rows


def delegations_list(*, etab: Etablissement) -> list[AdminDelegation]:
    today = timezone.localdate()
    delegations = list(AdminDelegation.objects.filter(etablissement=etab)
                       .select_related("person", "granted_by").order_by("-ends_on"))
    for delegation in delegations:
        delegation.active = catalogue_rights.delegation_is_active(  # type: ignore[attr-defined]
            delegation, today)
        delegation.upcoming = delegation.starts_on > today  # type: ignore[attr-defined]
    return delegations


def delegation_get(*, viewer, etab_id, pk) -> AdminDelegation:
    etab = principal_etab_get(viewer=viewer, etab_id=etab_id)
    try:
        return AdminDelegation.objects.select_related("role").get(etablissement=etab, pk=pk)
    except (AdminDelegation.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("Délégation introuvable") from exc


def publication_responsible(*, etab: Etablissement):
    return PublicationResponsible.objects.filter(etablissement=etab).select_related(
        "person").first()

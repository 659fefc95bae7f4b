"""The registry every app fills with its services and their specific toggles.

A service is what the principal switches on or off per profile (Role kinds); its URLs are
gated in one place (``ent.catalogue.middleware``) from the URL names it declares. A toggle is a
specific right of a service (« consultation des fiches élèves »), read by ``ent.rights``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from annuaire.models import Role

K = Role.Kind
# The profiles an establishment decides for, in the order of the Services table's columns.
PROFILES: tuple[str, ...] = (
    K.ELEVE, K.PARENT, K.ENSEIGNANT, K.VIE_SCOLAIRE, K.DOCUMENTALISTE, K.PERSONNEL,
    K.DIRECTION, K.ADMIN_ETAB)
PROFILE_LABELS: dict[str, str] = {
    K.ELEVE: "Élèves", K.PARENT: "Parents", K.ENSEIGNANT: "Enseignants",
    K.VIE_SCOLAIRE: "Vie scolaire", K.DOCUMENTALISTE: "Documentalistes",
    K.PERSONNEL: "Personnels", K.DIRECTION: "Direction",
    K.ADMIN_ETAB: "Administrateurs d'établissement"}


@dataclass(frozen=True)
class ToggleStorage:
    """Where a toggle kept its value before the catalogue existed: ``read`` maps establishment
    ids to the values stored for them (absent: not decided there), ``write`` stores one."""

    read: Callable[[Iterable[int]], dict[int, bool]]
    write: Callable[..., None]


@dataclass(frozen=True)
class Toggle:
    key: str
    service: str
    label: str
    help: str = ""
    default: bool = False
    # None: stored as a catalogue.ServiceToggle row.
    storage: ToggleStorage | None = None


@dataclass(frozen=True)
class ServiceSpec:
    key: str
    label: str
    description: str
    # Profiles the establishment may switch it on or off for; those that have it by default.
    profiles: frozenset[str]
    default_profiles: frozenset[str]
    # Profiles that always have it where their rights allow (the administrators' tools).
    always: frozenset[str] = frozenset()
    # URL names gated by the service: "namespace:name", or "namespace:*" for a whole namespace.
    url_names: tuple[str, ...] = ()
    toggles: list[Toggle] = field(default_factory=list)

    def grantable(self, profile: str) -> bool:
        return profile in self.profiles


_services: dict[str, ServiceSpec] = {}


def service_register(*, key: str, label: str, description: str = "",
                     profiles: Iterable[str], default_profiles: Iterable[str] | None = None,
                     always: Iterable[str] = (), url_names: Iterable[str] = ()) -> ServiceSpec:
    """Declare a service (from an app's ``catalogue.py``). Declaring it twice replaces it,
    keeping the toggles already declared for it."""
    profiles = frozenset(profiles)
    defaults = profiles if default_profiles is None else frozenset(default_profiles)
    unknown = (profiles | defaults | frozenset(always)) - set(PROFILES)
    if unknown or not defaults <= profiles:
        raise ValueError(f"Service {key}: profils inconnus ou hors de ses profils {unknown}")
    previous = _services.get(key)
    spec = ServiceSpec(key=key, label=label, description=description, profiles=profiles,
                       default_profiles=defaults, always=frozenset(always),
                       url_names=tuple(url_names),
                       toggles=previous.toggles if previous else [])
    _services[key] = spec
    return spec


def toggle_register(*, service: str, key: str, label: str, help: str = "",
                    default: bool = False, storage: ToggleStorage | None = None) -> Toggle:
    """Declare a specific right of a service (its service declared first)."""
    spec = _services[service]
    toggle = Toggle(key=key, service=service, label=label, help=help, default=default,
                    storage=storage)
    spec.toggles[:] = [t for t in spec.toggles if t.key != key] + [toggle]
    return toggle


def services_all() -> list[ServiceSpec]:
    return list(_services.values())


def service_spec(key: str) -> ServiceSpec:
    return _services[key]


def toggles_all() -> list[Toggle]:
    return [t for spec in _services.values() for t in spec.toggles]


def toggle_spec(key: str) -> Toggle:
    for toggle in toggles_all():
        if toggle.key == key:
            return toggle
    raise KeyError(key)


def service_for_url_name(view_name: str | None) -> str | None:
    """The service gating a resolved URL name, the most precise declaration winning."""
    if not view_name:
        return None
    namespace = view_name.rsplit(":", 1)[0] if ":" in view_name else ""
    wildcard = None
    for spec in _services.values():
        if view_name in spec.url_names:
            return spec.key
        if namespace and f"{namespace}:*" in spec.url_names:
            wildcard = spec.key
    return wildcard

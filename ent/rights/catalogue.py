"""Which services and specific rights each profile has, per establishment, and who decides.

A service's grant for one (establishment, profile) is the establishment's choice when its
principal made one, else the académie's default, else the service's declared default. A viewer
has a service where one of their roles has it; the académie's administrators have them all.
The header menu, the home page and the URL gate (``ent.catalogue.middleware``) all ask here.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import timezone

from annuaire.models import Etablissement, Person, Role
from ent.catalogue import registry
from ent.catalogue.models import (
    AdminDelegation,
    PublicationResponsible,
    ServiceGrant,
    ServiceToggle,
)

from .core import EtabRef, R, Viewer, administers, etab_ids_with, is_academy_admin, roles_of

# Toggles every later service reads by these keys (declared by the apps' catalogue.py).
PUPIL_CARDS_TOGGLE = "annuaire.fiches_eleves"
CODE_REISSUE_TOGGLE = "comptes.vie_scolaire_codes"


def _authenticated(viewer: Viewer) -> bool:
    return bool(getattr(viewer, "is_authenticated", False))


def grants_resolve(*, pairs: Iterable[tuple[int, str]], rows: Iterable[ServiceGrant]
                   ) -> dict[tuple[int, str], set[str]]:
    """The services each (establishment id, profile) pair has, from the grant rows read for
    those establishments and the académie (``rows``)."""
    academie: dict[tuple[str, str], bool] = {}
    etab: dict[tuple[int, str, str], bool] = {}
    for row in rows:
        if row.etablissement_id is None:
            academie[(row.service, row.profile)] = row.enabled
        else:
            etab[(row.etablissement_id, row.service, row.profile)] = row.enabled
    result: dict[tuple[int, str], set[str]] = {}
    for etab_id, profile in pairs:
        keys = result.setdefault((etab_id, profile), set())
        for spec in registry.services_all():
            if profile in spec.always:
                keys.add(spec.key)
                continue
            if profile not in spec.profiles:
                continue
            value = etab.get((etab_id, spec.key, profile),
                             academie.get((spec.key, profile), profile in spec.default_profiles))
            if value:
                keys.add(spec.key)
    return result


# Every page's header asks: the grant rows of a set of establishments and profiles are kept in
# the cache until the next change of any grant (which replaces the version).
GRANTS_VERSION_KEY = "catalogue:grants:version"
GRANTS_CACHE_SECONDS = 600


def grants_cache_invalidate() -> None:
    cache.set(GRANTS_VERSION_KEY, uuid.uuid4().hex, None)


def _grant_rows(etab_ids: set[int], profiles: set[str]) -> list[ServiceGrant]:
    version = cache.get(GRANTS_VERSION_KEY) or "0"
    key = "catalogue:grants:{}:{}:{}".format(
        version, ",".join(map(str, sorted(etab_ids))), ",".join(sorted(profiles)))
    rows = cache.get(key)
    if rows is None:
        rows = list(ServiceGrant.objects.filter(
            Q(etablissement__isnull=True) | Q(etablissement_id__in=etab_ids),
            profile__in=profiles).values_list("etablissement_id", "service", "profile",
                                              "enabled"))
        cache.set(key, rows, GRANTS_CACHE_SECONDS)
    return [ServiceGrant(etablissement_id=e, service=s, profile=p, enabled=v)
            for e, s, p, v in rows]


def _service_pairs(viewer: Viewer) -> dict[tuple[int, str], set[str]]:
    """The services of each of the viewer's (establishment, profile): at most one query (none
    while the cache holds it), read once per request (cached on the viewer like its roles)."""
    cached = getattr(viewer, "_service_pairs_cache", None)
    if cached is None:
        pairs = {(r.etablissement_id, r.role) for r in roles_of(viewer) if r.etablissement_id}
        rows = _grant_rows({e for e, _ in pairs}, {p for _, p in pairs}) if pairs else []
        cached = grants_resolve(pairs=pairs, rows=rows)
        viewer._service_pairs_cache = cached
    return cached


def enabled_services(viewer: Viewer) -> set[str] | None:
    """The keys of the services the viewer has somewhere (None: all of them)."""
    if not _authenticated(viewer):
        return set()
    if is_academy_admin(viewer):
        return None
    return set().union(*_service_pairs(viewer).values())


def has_service(viewer: Viewer, key: str) -> bool:
    # The administrators' own tools need no grant read (an import's progress poll stays cheap).
    always = registry.service_spec(key).always
    if always and any(r.role in always for r in roles_of(viewer)):
        return True
    keys = enabled_services(viewer)
    return keys is None or key in keys


def service_etab_ids(viewer: Viewer, key: str) -> set[int] | None:
    """Establishments where the viewer has a service (None: all of them)."""
    if is_academy_admin(viewer):
        return None
    return {etab for (etab, _), keys in _service_pairs(viewer).items() if key in keys}


# --- Specific rights (toggles) ---------------------------------------------------------------
def toggle_etab_ids(key: str, etab_ids: Iterable[int]) -> set[int]:
    """Those of ``etab_ids`` where the toggle is on: the establishment's choice, else the
    académie's default, else the declared default."""
    etab_ids = set(etab_ids)
    if not etab_ids:
        return set()
    toggle = registry.toggle_spec(key)
    if toggle.storage is not None:
        rows = toggle.storage.read(etab_ids)
        if rows.keys() >= etab_ids:
            return {e for e in etab_ids if rows[e]}
        academie = ServiceToggle.objects.filter(etablissement__isnull=True, toggle=key).first()
        default = toggle.default if academie is None else academie.enabled
    else:
        # Read by headers (the cahier's readers): cached like the grants, until the next save
        # of the Services page replaces the version.
        version = cache.get(GRANTS_VERSION_KEY) or "0"
        cache_key = "catalogue:toggles:{}:{}:{}".format(
            version, key, ",".join(map(str, sorted(etab_ids))))
        choices: dict[int | None, bool] | None = cache.get(cache_key)
        if choices is None:
            choices = {row.etablissement_id: row.enabled for row in ServiceToggle.objects.filter(
                Q(etablissement__isnull=True) | Q(etablissement_id__in=etab_ids), toggle=key)}
            cache.set(cache_key, choices, GRANTS_CACHE_SECONDS)
        choices = dict(choices)
        default = choices.pop(None, toggle.default)
        rows = {e: v for e, v in choices.items() if e is not None}
    return {e for e in etab_ids if rows.get(e, default)}


def can_see_pupil_details(viewer: Viewer, etab_ids: Iterable[int]) -> bool:
    """A pupil's full card (birth date, INE, formation, régime, options) for a teacher who
    sees the pupil, where the principal opened « consultation des fiches élèves »."""
    teacher_etabs = etab_ids_with(viewer, {R.ENSEIGNANT}) & set(etab_ids)
    return bool(teacher_etabs) and bool(toggle_etab_ids(PUPIL_CARDS_TOGGLE, teacher_etabs))


# --- Who decides -----------------------------------------------------------------------------
def can_reach_administration(viewer: Viewer) -> bool:
    """The « Administration » section: an establishment's administrators (its direction, its
    administrator, a delegate while the delegation lasts) and the académie's."""
    return administers(viewer)


def services_admin_etabs(viewer: Viewer) -> QuerySet[Etablissement]:
    """Establishments whose services and toggles the viewer decides."""
    if not _authenticated(viewer):
        return Etablissement.objects.none()
    if is_academy_admin(viewer):
        return Etablissement.objects.all()
    return Etablissement.objects.filter(id__in=etab_ids_with(viewer, {R.DIRECTION, R.ADMIN_ETAB}))


def can_administer_services(viewer: Viewer, etab: EtabRef) -> bool:
    return administers(viewer, etab)


def can_set_academie_defaults(viewer: Viewer) -> bool:
    return is_academy_admin(viewer)


def principal_etabs(viewer: Viewer) -> QuerySet[Etablissement]:
    """Establishments where the viewer holds the principal's own rights (delegating the
    administration, naming the responsable de publication): their direction, and the
    académie's administrators everywhere. A delegate administers but does not delegate."""
    if not _authenticated(viewer):
        return Etablissement.objects.none()
    if is_academy_admin(viewer):
        return Etablissement.objects.all()
    return Etablissement.objects.filter(id__in=etab_ids_with(viewer, {R.DIRECTION}))


def can_manage_responsibilities(viewer: Viewer, etab: EtabRef) -> bool:
    if is_academy_admin(viewer):
        return True
    return getattr(etab, "pk", etab) in etab_ids_with(viewer, {R.DIRECTION})


def delegation_is_active(delegation: AdminDelegation,
                         today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return delegation.starts_on <= today <= delegation.ends_on


def active_delegation_q(today: datetime.date | None = None) -> Q:
    """Roles that are not a delegation, or a delegation within its dates (``Role`` rows)."""
    today = today or timezone.localdate()
    return Q(delegation__isnull=True) | Q(delegation__starts_on__lte=today,
                                         delegation__ends_on__gte=today)


def publication_responsible_etab_ids(viewer: Viewer) -> set[int]:
    """Establishments whose « responsable de publication » the viewer is: the person the
    principal named, else the direction. A right of its own, apart from administration."""
    if not _authenticated(viewer):
        return set()
    named = dict(PublicationResponsible.objects.filter(
        Q(person=viewer) | Q(etablissement_id__in=etab_ids_with(viewer, {R.DIRECTION})),
    ).values_list("etablissement_id", "person_id"))
    mine = {etab for etab, person in named.items() if person == viewer.pk}
    return mine | {e for e in etab_ids_with(viewer, {R.DIRECTION}) if e not in named}


def is_publication_responsible(viewer: Viewer, etab: EtabRef) -> bool:
    return getattr(etab, "pk", etab) in publication_responsible_etab_ids(viewer)


def delegation_candidates_q(etab: Etablissement) -> Q:
    """Who may receive a delegation: an active account that does not already administer the
    establishment (an académie adviser usually has a role elsewhere, or none)."""
    administrators = Role.objects.filter(
        etablissement=etab, role__in={R.DIRECTION, R.ADMIN_ETAB},
        delegation__isnull=True).values("person_id")
    return Q(is_active=True, deactivated_at__isnull=True) & ~Q(pk__in=administrators)


def publication_candidates(etab: Etablissement) -> QuerySet[Person]:
    """Who may be named responsable de publication: the establishment's staff."""
    return Person.objects.filter(
        roles__etablissement=etab, deactivated_at__isnull=True,
        roles__role__in={R.DIRECTION, R.ADMIN_ETAB, R.ENSEIGNANT, R.DOCUMENTALISTE,
                         R.VIE_SCOLAIRE, R.PERSONNEL}).distinct()

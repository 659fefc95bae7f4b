"""What every area's rights start from: the viewer's roles, the académie's administrators, the
establishments a viewer administers, and the small subquery helpers the areas share."""

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from annuaire.models import Etablissement, Parente, Person, Role

# Who asks: a signed-in person or the anonymous visitor (every function answers for both).
Viewer: TypeAlias = Person | AnonymousUser
# An establishment, by object or id.
EtabRef: TypeAlias = Etablissement | int

R = Role.Kind
# Roles that see the whole directory of their establishment.
FULL_DIRECTORY_ROLES = {R.DIRECTION, R.ADMIN_ETAB, R.VIE_SCOLAIRE, R.DOCUMENTALISTE}
# Roles that administer their establishment (accounts, states, logins).
ETAB_ADMIN_ROLES = {R.DIRECTION, R.ADMIN_ETAB}
STAFF_ROLES = {R.ENSEIGNANT, R.DIRECTION, R.VIE_SCOLAIRE, R.DOCUMENTALISTE, R.PERSONNEL,
               R.ADMIN_ETAB}


def is_signed_in(viewer: Viewer | None) -> bool:
    return bool(getattr(viewer, "is_authenticated", False))


def roles_of(viewer: Viewer) -> list[Role]:
    """The viewer's roles, read once per request (cached on the object)."""
    if not is_signed_in(viewer):
        return []
    cached = getattr(viewer, "_roles_cache", None)
    if cached is None:
        # A delegated administrator's role counts only within its dates (still one query).
        from .catalogue import active_delegation_q

        cached = list(Role.objects.filter(active_delegation_q(), person=viewer)
                      .select_related("etablissement"))
        viewer._roles_cache = cached
    return cached


def is_academy_admin(viewer: Viewer) -> bool:
    return bool(getattr(viewer, "is_superuser", False)) or any(
        r.role == R.ADMIN_ACADEMIQUE for r in roles_of(viewer))


def etab_ids_with(viewer: Viewer, kinds: AbstractSet[str]) -> set[int]:
    return {r.etablissement_id for r in roles_of(viewer) if r.role in kinds and r.etablissement_id}


def administered_etabs_q(viewer: Viewer) -> Q:
    """Establishments the viewer administers: every one for the académie's administrators,
    those where they are direction or admin_etab for the others."""
    if is_academy_admin(viewer):
        return Q()
    return Q(id__in=etab_ids_with(viewer, ETAB_ADMIN_ROLES))


def administers(viewer: Viewer, etab: EtabRef | None = None) -> bool:
    """Whether the viewer administers ``etab`` (an establishment or its id), or at least one
    establishment when None."""
    if not is_signed_in(viewer):
        return False
    if is_academy_admin(viewer):
        return True
    mine = etab_ids_with(viewer, ETAB_ADMIN_ROLES)
    return bool(mine) if etab is None else getattr(etab, "pk", etab) in mine


def can_use_django_admin(viewer: Viewer) -> bool:
    """Django's admin site, when ENT_DJANGO_ADMIN mounts it: the académie's administrators."""
    return bool(getattr(viewer, "is_active", False)) and is_academy_admin(viewer)


def visible_etab_ids(viewer: Viewer) -> set[int] | None:
    """Establishments the viewer belongs to in any role (None: all of them)."""
    if is_academy_admin(viewer):
        return None
    return {r.etablissement_id for r in roles_of(viewer) if r.etablissement_id}


def _has_role(etab_ids: Iterable[int], kinds: AbstractSet[str] | None = None) -> Exists:
    roles = Role.objects.filter(person=OuterRef("pk"), etablissement_id__in=etab_ids)
    if kinds is not None:
        roles = roles.filter(role__in=kinds)
    return Exists(roles)


def legal_children_ids(viewer: Viewer) -> QuerySet:
    """The children a parent answers for, as a subquery of their ids: a legal link only, to
    an active account. The directory and the timetable both follow it."""
    return Parente.objects.filter(
        responsable=viewer, representant_legal=True, eleve__deactivated_at__isnull=True,
    ).values("eleve_id")


def _active(qs: QuerySet, field: str) -> QuerySet:
    """Only the rows whose ``field`` is an account still in the feed."""
    return qs.filter(**{f"{field}__deactivated_at__isnull": True})


def _ids(qs: QuerySet, field: str) -> QuerySet:
    return qs.values_list(field, flat=True)

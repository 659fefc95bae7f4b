"""Who reads the journal of actions (« Journal des actions »).

The establishment's administrators (direction and admin_etab) read the events of their
establishments; the académie's administrators read every event, the académie's own (no
establishment: AAF imports, académie-wide purges) included. Nobody else reads it.
"""

from django.db.models import Q

from .core import ETAB_ADMIN_ROLES, Viewer, etab_ids_with, is_academy_admin, is_signed_in


def audit_etab_ids(viewer: Viewer) -> set[int] | None:
    """The establishments whose events the viewer reads (None: all, and the académie's)."""
    if not is_signed_in(viewer):
        return set()
    if is_academy_admin(viewer):
        return None
    return etab_ids_with(viewer, ETAB_ADMIN_ROLES)


def can_read_audit(viewer: Viewer) -> bool:
    etab_ids = audit_etab_ids(viewer)
    return etab_ids is None or bool(etab_ids)


def audit_events_visible_q(viewer: Viewer) -> Q:
    etab_ids = audit_etab_ids(viewer)
    if etab_ids is None:
        return Q()
    return Q(etablissement_id__in=sorted(etab_ids))


def audit_etabs_q(viewer: Viewer) -> Q:
    """The establishments the journal's filter offers."""
    etab_ids = audit_etab_ids(viewer)
    if etab_ids is None:
        return Q()
    return Q(pk__in=sorted(etab_ids))

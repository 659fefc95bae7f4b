"""Notifications: a person's are theirs alone."""

from django.db.models import Q

from .core import Viewer


def notifications_visible_q(viewer: Viewer) -> Q:
    """A person's notifications are theirs alone: no role sees anyone else's."""
    return Q(recipient_id=getattr(viewer, "pk", None) or 0)

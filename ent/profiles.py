"""How the portal names a person's profile and an establishment to them.

AAF files give a principal, a CPE and a secretary the same profile (« Personnel »): their
roles say what they are. Families need no establishment code (UAI): its name says it.
"""

from annuaire.models import Role

from . import rights

R = Role.Kind
# The order the labels are read in: what a person does first, then the family they are.
ROLE_ORDER = [R.ADMIN_ACADEMIQUE, R.DIRECTION, R.ADMIN_ETAB, R.VIE_SCOLAIRE,
              R.DOCUMENTALISTE, R.ENSEIGNANT, R.PERSONNEL, R.PARENT, R.ELEVE]
FAMILY_ROLES = {R.ELEVE, R.PARENT}


def profile_label(viewer):
    """« Direction », « Enseignant, Parent »: the viewer's roles, else their AAF profile."""
    kinds = {r.role for r in rights.roles_of(viewer)}
    if getattr(viewer, "is_superuser", False):
        kinds.add(R.ADMIN_ACADEMIQUE)
    labels = [R(kind).label for kind in ROLE_ORDER if kind in kinds]
    return ", ".join(labels) or viewer.get_profile_display()


def is_family(viewer):
    """A pupil or a parent and nothing else: no administrative detail is theirs to read."""
    kinds = {r.role for r in rights.roles_of(viewer)}
    return bool(kinds) and kinds <= FAMILY_ROLES and not rights.is_academy_admin(viewer)


def etab_label(etab, viewer):
    """The establishment as the viewer reads it: its name for a family, with its UAI for staff."""
    if etab is None:
        return ""
    return etab.name if is_family(viewer) else str(etab)

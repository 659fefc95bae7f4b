"""Emploi du temps: whose timetables a viewer sees, and who imports an establishment's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q

from annuaire.models import Enseignement, Inscription, Person, ProfPrincipal, Role

from .core import (
    FULL_DIRECTORY_ROLES,
    STAFF_ROLES,
    EtabRef,
    R,
    Viewer,
    _has_role,
    administered_etabs_q,
    administers,
    etab_ids_with,
    is_academy_admin,
    legal_children_ids,
    roles_of,
)
from .directory import full_directory_etabs_q

if TYPE_CHECKING:
    from viescolaire.models import Cours

# --- Emploi du temps ---
# A pupil sees their own timetable and their divisions' and groups'; a parent their children's
# (legal link only); a teacher their own and the divisions and groups they teach; direction,
# vie scolaire, admin_etab and documentaliste every timetable of their establishment (pupils,
# teachers, divisions and groups, rooms); the académie's administrators all of them.
TIMETABLE_ALL_ROLES = FULL_DIRECTORY_ROLES


def _cours_model() -> type[Cours]:
    from viescolaire.models import Cours

    return Cours


def timetable_full_etab_ids(viewer: Viewer) -> set[int] | None:
    """Establishments whose every timetable the viewer sees (None: all of them)."""
    if is_academy_admin(viewer):
        return None
    return etab_ids_with(viewer, TIMETABLE_ALL_ROLES)


def can_use_timetable(viewer: Viewer) -> bool:
    """Whether the viewer has some timetable to look at (the service and its index)."""
    if not getattr(viewer, "is_authenticated", False):
        return False
    if is_academy_admin(viewer):
        return True
    kinds = {r.role for r in roles_of(viewer)}
    if kinds & (TIMETABLE_ALL_ROLES | {R.ELEVE, R.ENSEIGNANT}):
        return True
    return R.PARENT in kinds and bool(timetable_children(viewer))


def timetable_children(viewer: Viewer) -> list[Person]:
    """The children whose timetable a parent sees: a legal link, an active account.

    Read once per request (cached on the viewer, like its roles): the home page's menu and
    today's courses, the index's right and its list, all ask.
    """
    cached = getattr(viewer, "_timetable_children_cache", None)
    if cached is None:
        cached = list(Person.objects.filter(pk__in=legal_children_ids(viewer)).order_by(
            *Person.NAME_ORDER))
        viewer._timetable_children_cache = cached
    return cached


def timetable_pupils_q(viewer: Viewer) -> Q:
    """Pupils whose timetable the viewer may see."""
    if not getattr(viewer, "is_authenticated", False):
        return Q(pk__in=[])
    pupils = Exists(Role.objects.filter(person=OuterRef("pk"), role=R.ELEVE))
    full = timetable_full_etab_ids(viewer)
    if full is None:
        return Q(pupils)
    q = Q(pk__in=legal_children_ids(viewer))
    if etab_ids_with(viewer, {R.ELEVE}):
        q |= Q(pk=viewer.pk)
    if full:
        q |= Q(_has_role(full, {R.ELEVE}))
    return q


def timetable_teachers_q(viewer: Viewer) -> Q:
    """Teachers whose timetable the viewer may see: those of a role or of a course."""
    if not getattr(viewer, "is_authenticated", False):
        return Q(pk__in=[])
    Cours = _cours_model()
    full = timetable_full_etab_ids(viewer)
    if full is None:
        return Q(Exists(Role.objects.filter(person=OuterRef("pk"), role=R.ENSEIGNANT))) | Q(
            pk__in=Cours.objects.values("enseignants"))
    q = Q(pk__in=[])
    if etab_ids_with(viewer, STAFF_ROLES):
        q |= Q(pk=viewer.pk)
    if full:
        q |= Q(_has_role(full, {R.ENSEIGNANT}))
        q |= Q(pk__in=Cours.objects.filter(etablissement_id__in=full).values("enseignants"))
    return q


def timetable_regroupements_q(viewer: Viewer) -> Q:
    """Divisions and groups whose timetable the viewer may see."""
    if not getattr(viewer, "is_authenticated", False):
        return Q(pk__in=[])
    full = timetable_full_etab_ids(viewer)
    if full is None:
        return Q()
    q = Q(etablissement_id__in=full) if full else Q(pk__in=[])
    if etab_ids_with(viewer, {R.ELEVE}):
        q |= Q(pk__in=Inscription.objects.filter(eleve=viewer).values("regroupement_id"))
    teacher_etabs = etab_ids_with(viewer, {R.ENSEIGNANT})
    if teacher_etabs:
        Cours = _cours_model()
        taught = (Q(pk__in=Enseignement.objects.filter(enseignant=viewer).values("regroupement_id"))
                  | Q(pk__in=ProfPrincipal.objects.filter(enseignant=viewer)
                      .values("regroupement_id"))
                  | Q(pk__in=Cours.objects.filter(enseignants=viewer).values("regroupements")))
        q |= Q(etablissement_id__in=teacher_etabs) & taught
    return q


def timetable_teacher_etab_ids(viewer: Viewer, teacher_pk: int) -> set[int] | None:
    """Establishments whose courses of a teacher the viewer sees (None: all of them).

    A teacher sees their whole week; staff who open a colleague's only the courses of their
    own establishments, not those the colleague gives elsewhere.
    """
    if getattr(viewer, "pk", None) == teacher_pk:
        return None
    return timetable_full_etab_ids(viewer)


def timetable_room_etabs_q(viewer: Viewer) -> Q:
    """Establishments whose rooms' timetables the viewer may see."""
    # A timetable right of its own name, granted as the whole directory is (TIMETABLE_ALL_ROLES).
    return full_directory_etabs_q(viewer)


# --- Timetable imports ---
# The establishment's administrators and principal upload its timetable exports, match their
# names to the directory and validate; the académie's administrators may do it for any.
def timetable_import_etabs_q(viewer: Viewer) -> Q:
    """Establishments whose timetable imports the viewer runs and reads."""
    return administered_etabs_q(viewer)


def can_import_timetable(viewer: Viewer, etab: EtabRef | None = None) -> bool:
    """With ``etab``: for that establishment; without: for at least one."""
    return administers(viewer, etab)



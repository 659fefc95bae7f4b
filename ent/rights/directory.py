"""The directory: who sees whom, whose class lists open, and who feeds the directory (AAF for
the académie, SIECLE and STS-web for each establishment)."""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from annuaire.models import (
    Enseignement,
    Etablissement,
    Fonction,
    Inscription,
    Parente,
    Person,
    ProfPrincipal,
    Regroupement,
    Role,
)

from .core import (
    ETAB_ADMIN_ROLES,
    FULL_DIRECTORY_ROLES,
    STAFF_ROLES,
    EtabRef,
    R,
    Viewer,
    _active,
    _ids,
    administers,
    etab_ids_with,
    is_academy_admin,
    legal_children_ids,
    roles_of,
)
from .secretariat import secretariat_etab_ids, secretariat_right_etab_ids


def can_import_aaf(viewer: Viewer) -> bool:
    return is_academy_admin(viewer)


def can_browse_directory(viewer: Viewer) -> bool:
    return getattr(viewer, "is_authenticated", False) and bool(
        is_academy_admin(viewer) or roles_of(viewer))


def full_directory_etab_ids(viewer: Viewer) -> set[int]:
    """Establishments whose whole directory the viewer may browse (empty for the académie's
    administrators, who see every establishment through ``full_directory_etabs_q``): those of
    their roles that see it all, and those whose secretariat they are."""
    if is_academy_admin(viewer):
        return set()
    return etab_ids_with(viewer, FULL_DIRECTORY_ROLES) | secretariat_etab_ids(viewer)


def full_directory_etabs_q(viewer: Viewer) -> Q:
    """Establishments whose whole directory the viewer may browse and filter."""
    if is_academy_admin(viewer):
        return Q()
    return Q(id__in=full_directory_etab_ids(viewer))


def full_directory_etabs(viewer: Viewer) -> QuerySet[Etablissement]:
    return Etablissement.objects.filter(full_directory_etabs_q(viewer))


# Staff every pupil and family may reach in their establishment: by role, and by AAF function
# for those the feed gives no role of their own (the school nurse, the PsyEN).
CONTACT_ROLES = {R.DIRECTION, R.VIE_SCOLAIRE, R.DOCUMENTALISTE}
# ENTPersonFonctions codes: MDS is the médico-social staff (infirmière, assistante sociale),
# ORI the psychologues de l'Éducation nationale (orientation).
CONTACT_FUNCTIONS = {"MDS", "ORI"}


def contact_ids(etab_ids: Iterable[int]) -> list[QuerySet]:
    """Ids of the staff contacts of these establishments (active accounts), as subqueries."""
    return [
        _ids(_active(Role.objects.filter(etablissement_id__in=etab_ids, role__in=CONTACT_ROLES),
                     "person"), "person_id"),
        _ids(_active(Fonction.objects.filter(etablissement_id__in=etab_ids,
                                             code__in=CONTACT_FUNCTIONS), "person"), "person_id"),
    ]


def visible_id_parts(viewer: Viewer) -> list[QuerySet]:
    """The sets of people the viewer sees, each a small subquery of ids that starts from the
    viewer's own establishments, divisions, groups or children and joins outward.

    Their UNION is the visibility: PostgreSQL computes each small set through indexes, then
    fetches those people by primary key, where an OR of subqueries would be checked row by row
    over the whole person table. Accounts gone from the feed are left out of every set but the
    full directories', whose administrators filter by account state.
    """
    parts = [Person.objects.filter(pk=viewer.pk).values_list("pk", flat=True)]
    full = full_directory_etab_ids(viewer)
    if full:
        pupils = Role.objects.filter(etablissement_id__in=full, role=R.ELEVE).values("person_id")
        parts.append(_ids(Role.objects.filter(etablissement_id__in=full), "person_id"))
        # Relatives who are not legal guardians have no role: they come with their pupil.
        parts.append(_ids(Parente.objects.filter(eleve_id__in=pupils), "responsable_id"))
    staff_etabs = etab_ids_with(viewer, STAFF_ROLES) - full
    if staff_etabs:
        parts.append(_ids(_active(Role.objects.filter(
            etablissement_id__in=staff_etabs, role__in=STAFF_ROLES), "person"), "person_id"))
    teacher_etabs = etab_ids_with(viewer, {R.ENSEIGNANT}) - full
    if teacher_etabs:
        taught = taught_regroupement_ids(viewer, teacher_etabs)
        taught_pupils = Inscription.objects.filter(regroupement_id__in=taught).values("eleve_id")
        parts.append(_ids(_active(Inscription.objects.filter(regroupement_id__in=taught),
                                  "eleve"), "eleve_id"))
        parts.append(_ids(_active(Parente.objects.filter(
            eleve_id__in=taught_pupils, representant_legal=True), "responsable"), "responsable_id"))
    pupil_etabs = etab_ids_with(viewer, {R.ELEVE})
    if pupil_etabs:
        mine = Inscription.objects.filter(eleve=viewer).values("regroupement_id")
        own_divisions = Inscription.objects.filter(
            eleve=viewer, regroupement__nature=Regroupement.Nature.DIVISION,
        ).values("regroupement_id")
        parts.append(_ids(_active(Inscription.objects.filter(
            regroupement_id__in=own_divisions), "eleve"), "eleve_id"))
        parts.append(_ids(_active(Enseignement.objects.filter(
            regroupement_id__in=mine), "enseignant"), "enseignant_id"))
        parts.append(_ids(_active(Parente.objects.filter(eleve=viewer), "responsable"),
                          "responsable_id"))
        parts.extend(contact_ids(pupil_etabs))
    parent_etabs = etab_ids_with(viewer, {R.PARENT})
    if parent_etabs:
        children = legal_children_ids(viewer)
        child_regs = Inscription.objects.filter(eleve_id__in=children).values("regroupement_id")
        parts.append(_ids(Parente.objects.filter(
            responsable=viewer, representant_legal=True, eleve__deactivated_at__isnull=True,
        ), "eleve_id"))
        parts.append(_ids(_active(Enseignement.objects.filter(
            regroupement_id__in=child_regs), "enseignant"), "enseignant_id"))
        parts.append(_ids(_active(ProfPrincipal.objects.filter(
            regroupement_id__in=child_regs), "enseignant"), "enseignant_id"))
        parts.extend(contact_ids(parent_etabs))
    return parts


def visible_ids(viewer: Viewer) -> QuerySet:
    """The ids of the people the viewer may see, as one subquery (a UNION)."""
    first, *rest = visible_id_parts(viewer)
    return first.union(*rest) if rest else first


def persons_visible_q(viewer: Viewer) -> Q:
    """The people the viewer may see in the directory."""
    if not getattr(viewer, "is_authenticated", False):
        return Q(pk__in=[])
    if is_academy_admin(viewer):
        return Q()
    return Q(pk__in=visible_ids(viewer))


def taught_regroupement_ids(viewer: Viewer, etab_ids: Iterable[int] | None = None) -> QuerySet:
    """The divisions and groups a teacher teaches or is professeur principal of (ids)."""
    taught = Enseignement.objects.filter(enseignant=viewer)
    principal = ProfPrincipal.objects.filter(enseignant=viewer)
    if etab_ids is not None:
        taught = taught.filter(regroupement__etablissement_id__in=etab_ids)
        principal = principal.filter(regroupement__etablissement_id__in=etab_ids)
    return _ids(taught, "regroupement_id").union(_ids(principal, "regroupement_id"))


def class_list_regroupements_q(viewer: Viewer) -> Q:
    """Divisions and groups whose class list the viewer may open: those a teacher teaches (or
    is professeur principal of), every one of a directory they see whole."""
    if not getattr(viewer, "is_authenticated", False):
        return Q(pk__in=[])
    if is_academy_admin(viewer):
        return Q()
    q = Q(etablissement_id__in=full_directory_etab_ids(viewer))
    teacher_etabs = etab_ids_with(viewer, {R.ENSEIGNANT})
    if teacher_etabs:
        q |= Q(pk__in=taught_regroupement_ids(viewer, teacher_etabs))
    return q


def persons_visible(viewer: Viewer) -> QuerySet[Person]:
    return Person.objects.filter(persons_visible_q(viewer))


def person_visible(viewer: Viewer, person_id: int) -> bool:
    return persons_visible(viewer).filter(pk=person_id).exists()


# --- SIECLE / STS-web completion ------------------------------------------------------------
# The establishment's direction and administrators upload its own exports, and its
# secretariat unless the principal withdrew it; the académie's administrators may do it for any
# establishment.
def siecle_etabs(viewer: Viewer) -> QuerySet[Etablissement]:
    """Establishments whose SIECLE and STS-web exports the viewer may import."""
    if is_academy_admin(viewer):
        return Etablissement.objects.all()
    return Etablissement.objects.filter(id__in=etab_ids_with(viewer, ETAB_ADMIN_ROLES)
                                        | secretariat_right_etab_ids(viewer, "imports_siecle"))


def can_import_siecle(viewer: Viewer, etab: EtabRef | None = None) -> bool:
    """With ``etab``: for that establishment; without: for at least one."""
    if administers(viewer, etab):
        return True
    mine = secretariat_right_etab_ids(viewer, "imports_siecle")
    return bool(mine) if etab is None else getattr(etab, "pk", etab) in mine



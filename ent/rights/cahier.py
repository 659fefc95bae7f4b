"""Cahier de textes: who writes a séance's content and homework, who reads them.

- Teachers write for the séances of the courses they teach (co-teaching: every teacher of the
  course) and those they replace, in establishments where they teach.
- Pupils read what is published for their divisions and groups; parents (legal link) read
  their children's. Published means « publié » and past its ``publish_at``.
- A draft is seen by its author and the direction only; a co-teacher sees the content once
  published (even before its ``publish_at``).
- The direction reads everything of its establishment and puts visas on it.
- Where the principal opened it (Administration > Services, the ``cahier.*`` toggles), the
  teachers, the vie scolaire and the médico-social staff (AAF functions MDS, ORI) read what is
  published in every class of the establishment; never the drafts.

Every ``*_q`` is a Q over the named model; selectors filter with it, so lists and 404s agree.
"""

import datetime as dt
from typing import Any

from django.db.models import Model, Q
from django.utils import timezone

from annuaire.models import Fonction, Inscription, Person, Role

from . import R, etab_ids_with, legal_children_ids, roles_of, timetable_children
from .catalogue import toggle_etab_ids
from .core import EtabRef, Viewer
from .directory import CONTACT_FUNCTIONS

# Who reads every cahier of their establishment and puts visas on it.
CAHIER_DIRECTION_ROLES = {R.DIRECTION}
NOTHING = Q(pk__in=[])


def _authenticated(viewer: Viewer) -> bool:
    return getattr(viewer, "is_authenticated", False)


def _models() -> tuple[type[Model], type[Model]]:
    from viescolaire.models import Cours, Seance

    return Cours, Seance


def cahier_direction_etab_ids(viewer: Viewer) -> set[int]:
    if not _authenticated(viewer):
        return set()
    return etab_ids_with(viewer, CAHIER_DIRECTION_ROLES)


def cahier_teacher_etab_ids(viewer: Viewer) -> set[int]:
    if not _authenticated(viewer):
        return set()
    return etab_ids_with(viewer, {R.ENSEIGNANT})


# The specific rights (toggles) that open every class's published cahier to a profile.
ALL_TEACHERS_TOGGLE = "cahier.enseignants_tous"
VIE_SCOLAIRE_TOGGLE = "cahier.vie_scolaire"
MEDICO_SOCIAL_TOGGLE = "cahier.medico_social"


def cahier_reader_etab_ids(viewer: Viewer) -> set[int]:
    """Establishments whose every class's published cahier the viewer reads: the direction's,
    and where the principal opened it, a teacher's, the vie scolaire's, the médico-social
    staff's. Read once per request (cached on the viewer, like its roles)."""
    if not _authenticated(viewer):
        return set()
    cached = getattr(viewer, "_cahier_reader_etabs", None)
    if cached is not None:
        return cached
    etabs: set[int] = set(cahier_direction_etab_ids(viewer))
    for role, toggle in ((R.ENSEIGNANT, ALL_TEACHERS_TOGGLE),
                         (R.VIE_SCOLAIRE, VIE_SCOLAIRE_TOGGLE)):
        mine = etab_ids_with(viewer, {role}) - etabs
        if mine:
            etabs |= toggle_etab_ids(toggle, mine)
    # Médico-social staff are personnels of the AAF: the others' pages pay no query for it.
    personnel = etab_ids_with(viewer, {R.PERSONNEL}) - etabs
    medico = set(Fonction.objects.filter(person_id=viewer.pk, code__in=CONTACT_FUNCTIONS,
                                         etablissement_id__in=personnel)
                 .values_list("etablissement_id", flat=True)) if personnel else set()
    if medico:
        etabs |= toggle_etab_ids(MEDICO_SOCIAL_TOGGLE, medico)
    viewer._cahier_reader_etabs = etabs
    return etabs


def can_read_class_cahier(viewer: Viewer) -> bool:
    """The « Cahier de textes d'une classe » page."""
    return bool(cahier_reader_etab_ids(viewer))


def class_regroupements_q(viewer: Viewer) -> Q:
    """Divisions and groups whose cahier the viewer browses (a Q over Regroupement)."""
    return Q(etablissement_id__in=cahier_reader_etab_ids(viewer))


def cahier_children(viewer: Viewer) -> list[Person]:
    """The children whose cahier a parent reads: those whose timetable they see (legal link,
    active account), read once per request."""
    if not (_authenticated(viewer) and etab_ids_with(viewer, {R.PARENT})):
        return []
    return timetable_children(viewer)


def cahier_pupils_q(viewer: Viewer) -> Q:
    """Pupils whose « Travail à faire » and séance contents the viewer reads: themselves, or
    their children."""
    if not _authenticated(viewer):
        return NOTHING
    q = NOTHING
    if etab_ids_with(viewer, {R.ELEVE}):
        q |= Q(pk=viewer.pk)
    if etab_ids_with(viewer, {R.PARENT}):
        q |= Q(pk__in=legal_children_ids(viewer))
    return q


def can_use_cahier(viewer: Viewer) -> bool:
    if not _authenticated(viewer):
        return False
    kinds = {r.role for r in roles_of(viewer)}
    if kinds & (CAHIER_DIRECTION_ROLES | {R.ENSEIGNANT, R.ELEVE}):
        return True
    if can_read_class_cahier(viewer):
        return True
    return R.PARENT in kinds and bool(cahier_children(viewer))


def can_write_cahier(viewer: Viewer) -> bool:
    return bool(cahier_teacher_etab_ids(viewer))


def can_read_family_cahier(viewer: Viewer) -> bool:
    """The « Travail à faire » and « Contenu des séances » pages: pupils and parents."""
    if not _authenticated(viewer):
        return False
    return bool(etab_ids_with(viewer, {R.ELEVE})) or bool(cahier_children(viewer))


def can_give_visas(viewer: Viewer, etab: EtabRef | None = None) -> bool:
    mine = cahier_direction_etab_ids(viewer)
    return bool(mine) if etab is None else getattr(etab, "pk", etab) in mine


def writable_seances_q(viewer: Viewer) -> Q:
    """Séances whose content and homework the viewer writes (a Q over Seance)."""
    etabs = cahier_teacher_etab_ids(viewer)
    if not etabs:
        return NOTHING
    Cours, _Seance = _models()
    return Q(cours__etablissement_id__in=etabs) & (
        Q(cours__in=Cours.objects.filter(enseignants=viewer).values("pk"))
        | Q(remplacant_id=viewer.pk))


def _audience_cours(viewer: Viewer) -> Any:
    """Courses whose published items reach the viewer as a pupil or parent, or None."""
    Cours, _Seance = _models()
    pupils = Person.objects.filter(cahier_pupils_q(viewer)).values("pk")
    if not (etab_ids_with(viewer, {R.ELEVE}) or etab_ids_with(viewer, {R.PARENT})):
        return None
    regs = Inscription.objects.filter(eleve_id__in=pupils).values("regroupement_id")
    return Cours.objects.filter(regroupements__in=regs).values("pk")


def readable_seances_q(viewer: Viewer) -> Q:
    """Séances the viewer may open in the cahier (what shows inside follows the items' Qs)."""
    if not _authenticated(viewer):
        return NOTHING
    q = writable_seances_q(viewer)
    direction = cahier_direction_etab_ids(viewer)
    if direction:
        q |= Q(cours__etablissement_id__in=direction)
    readers = cahier_reader_etab_ids(viewer) - direction
    if readers:
        q |= Q(cours__etablissement_id__in=readers)
    audience = _audience_cours(viewer)
    if audience is not None:
        q |= Q(cours__in=audience)
    return q


def items_visible_q(viewer: Viewer, *, now: dt.datetime | None = None) -> Q:
    """Séance contents or homework (both have ``seance``, ``state``, ``publish_at`` and
    ``author``) the viewer may read."""
    if not _authenticated(viewer):
        return NOTHING
    from viescolaire.cahier.models import State

    now = now or timezone.now()
    _Cours, Seance = _models()
    q = Q(author_id=viewer.pk)
    direction = cahier_direction_etab_ids(viewer)
    if direction:
        q |= Q(seance__cours__etablissement_id__in=direction)
    if cahier_teacher_etab_ids(viewer):
        q |= Q(state=State.PUBLISHED) & Q(
            seance__in=Seance.objects.filter(writable_seances_q(viewer)).values("pk"))
    readers = cahier_reader_etab_ids(viewer) - direction
    if readers:
        q |= Q(state=State.PUBLISHED, publish_at__lte=now,
               seance__cours__etablissement_id__in=readers)
    audience = _audience_cours(viewer)
    if audience is not None:
        q |= Q(state=State.PUBLISHED, publish_at__lte=now, seance__cours__in=audience)
    return q


def contenus_visible_q(viewer: Viewer, *, now: dt.datetime | None = None) -> Q:
    return items_visible_q(viewer, now=now)


def devoirs_visible_q(viewer: Viewer, *, now: dt.datetime | None = None) -> Q:
    return items_visible_q(viewer, now=now)


def pieces_visible_q(viewer: Viewer, *, now: dt.datetime | None = None) -> Q:
    """Attachments: those of a content or homework the viewer reads."""
    from viescolaire.cahier.models import Contenu, Devoir

    if not _authenticated(viewer):
        return NOTHING
    return (Q(contenu__in=Contenu.objects.filter(items_visible_q(viewer, now=now)).values("pk"))
            | Q(devoir__in=Devoir.objects.filter(items_visible_q(viewer, now=now)).values("pk")))


def can_edit_item(viewer: Viewer, item: Any, *, seance_writable: bool) -> bool:
    """Change or delete a content or a homework: a teacher of its séance; someone else's draft
    stays its author's (it is not shown to co-teachers)."""
    from viescolaire.cahier.models import State

    if not seance_writable:
        return False
    return item.state == State.PUBLISHED or item.author_id == viewer.pk


def visa_etabs_q(viewer: Viewer) -> Q:
    """Establishments whose cahiers the viewer visas (a Q over Etablissement)."""
    return Q(pk__in=cahier_direction_etab_ids(viewer))


def visas_visible_q(viewer: Viewer) -> Q:
    """Visas: the direction's of its establishment, a teacher's on their own cahier."""
    if not _authenticated(viewer):
        return NOTHING
    return Q(etablissement_id__in=cahier_direction_etab_ids(viewer)) | Q(
        enseignant_id=viewer.pk)


def is_pupil(viewer: Viewer) -> bool:
    return _authenticated(viewer) and bool(etab_ids_with(viewer, {Role.Kind.ELEVE}))

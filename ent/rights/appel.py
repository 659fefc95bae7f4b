"""Roll call and absences: who takes a séance's roll call, who sees and changes absences.

- A teacher takes the roll call of the séances they teach, or replace (``Seance.remplacant``:
  the replaced teacher then no longer does), from a few minutes before the start to the end of
  the day; afterwards only the vie scolaire, unless the setting lets teachers too.
- The vie scolaire (CPE, assistants d'éducation) takes and corrects every roll call of its
  establishment and follows its absences; the direction reads them (board, lists).
- A teacher reads the absences of the pupils of the divisions and groups they teach.
- A parent reads their own children's absences (a legal link); only a legal guardian justifies
  one or declares one in advance. A pupil reads their own.
"""

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from annuaire.models import Inscription, Parente, Role

from .core import (
    EtabRef,
    R,
    Viewer,
    etab_ids_with,
    is_academy_admin,
    is_signed_in,
    legal_children_ids,
    roles_of,
)
from .directory import taught_regroupement_ids

if TYPE_CHECKING:
    from viescolaire.appel.models import Absence
    from viescolaire.models import Seance

# Who follows the absences of an establishment, and who only reads them.
APPEL_MANAGER_ROLES = {R.VIE_SCOLAIRE}
APPEL_READER_ROLES = {R.VIE_SCOLAIRE, R.DIRECTION, R.ADMIN_ETAB}


def _authenticated(viewer: Viewer) -> bool:
    return is_signed_in(viewer)


def appel_manager_etab_ids(viewer: Viewer) -> set[int]:
    return etab_ids_with(viewer, APPEL_MANAGER_ROLES)


def appel_reader_etab_ids(viewer: Viewer) -> set[int] | None:
    """Establishments whose every roll call and absence the viewer reads (None: all)."""
    if is_academy_admin(viewer):
        return None
    return etab_ids_with(viewer, APPEL_READER_ROLES)


def _teacher_seances_q(viewer: Viewer) -> Q:
    return (Q(remplacant_id=viewer.pk)
            | (Q(remplacant__isnull=True) & Q(cours__enseignants=viewer.pk)))


def appel_seances_q(viewer: Viewer) -> Q:
    """Séances whose roll call the viewer may open (Q on ``viescolaire.Seance``)."""
    if not _authenticated(viewer):
        return Q(pk__in=[])
    readers = appel_reader_etab_ids(viewer)
    if readers is None:
        return Q()
    q = Q(cours__etablissement_id__in=readers) if readers else Q(pk__in=[])
    if etab_ids_with(viewer, {R.ENSEIGNANT}):
        q |= _teacher_seances_q(viewer)
    return q


def is_seance_teacher(viewer: Viewer, seance: "Seance") -> bool:
    """Whether the viewer teaches the séance (or replaces its teacher): ``seance.cours`` with
    ``enseignant_ids`` prefetched, or read here."""
    if seance.remplacant_id is not None:
        return seance.remplacant_id == viewer.pk
    ids = getattr(seance, "enseignant_ids", None)
    if ids is None:
        ids = set(seance.cours.enseignants.values_list("pk", flat=True))
    return viewer.pk in ids


def appel_window(seance: "Seance") -> tuple[dt.datetime, dt.datetime]:
    """When a teacher may take the roll call: from N minutes before the start to midnight."""
    tz = timezone.get_current_timezone()
    opens = dt.datetime.combine(seance.date, seance.start, tzinfo=tz) - dt.timedelta(
        minutes=settings.ENT_APPEL_OPENS_MINUTES_BEFORE)
    closes = dt.datetime.combine(seance.date + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return opens, closes


def appel_edit_refusal(viewer: Viewer, seance: "Seance", *,
                       now: dt.datetime | None = None) -> str | None:
    """Why the viewer may not write the séance's roll call (French), or None when they may.
    The viewer already reaches the séance (``appel_seances_q``)."""
    if seance.cancelled:
        return "Cette séance est annulée : il n'y a pas d'appel à faire."
    if seance.cours.etablissement_id in appel_manager_etab_ids(viewer):
        return None
    if not is_seance_teacher(viewer, seance):
        return "Vous pouvez consulter cet appel, pas le modifier."
    now = now or timezone.now()
    opens, closes = appel_window(seance)
    if now < opens:
        return (f"L'appel ouvre {settings.ENT_APPEL_OPENS_MINUTES_BEFORE} minutes avant le "
                f"début de la séance, à {timezone.localtime(opens):%H:%M}.")
    if now >= closes and not settings.ENT_APPEL_TEACHER_EDITS_AFTER_DAY:
        return ("La journée de cette séance est passée : seule la vie scolaire peut encore "
                "modifier l'appel.")
    return None


def can_edit_appel(viewer: Viewer, seance: "Seance", *,
                   now: dt.datetime | None = None) -> bool:
    return appel_edit_refusal(viewer, seance, now=now) is None


def can_use_appel(viewer: Viewer) -> bool:
    """The service « Appel et absences »: teachers, the vie scolaire and direction, parents
    of a pupil, pupils."""
    if not _authenticated(viewer):
        return False
    if is_academy_admin(viewer):
        return True
    kinds = {r.role for r in roles_of(viewer)}
    return bool(kinds & (APPEL_READER_ROLES | {R.ENSEIGNANT, R.ELEVE, R.PARENT}))


def can_see_board(viewer: Viewer, etab: EtabRef | None = None) -> bool:
    """Today's board and the absences lists of an establishment (of one at least if None)."""
    readers = appel_reader_etab_ids(viewer)
    if readers is None:
        return _authenticated(viewer)
    return bool(readers) if etab is None else getattr(etab, "pk", etab) in readers


def can_manage_absences(viewer: Viewer, etab: EtabRef | None = None) -> bool:
    """Enter absences in advance, decide on them, change motives: the vie scolaire."""
    mine = appel_manager_etab_ids(viewer)
    return bool(mine) if etab is None else getattr(etab, "pk", etab) in mine


def absences_visible_q(viewer: Viewer) -> Q:
    """Absences the viewer may read (Q on ``Absence``)."""
    if not _authenticated(viewer):
        return Q(pk__in=[])
    readers = appel_reader_etab_ids(viewer)
    if readers is None:
        return Q()
    q = Q(etablissement_id__in=readers) if readers else Q(pk__in=[])
    kinds = {r.role for r in roles_of(viewer)}
    if R.ELEVE in kinds:
        q |= Q(eleve_id=viewer.pk)
    if R.PARENT in kinds:
        q |= Q(eleve_id__in=legal_children_ids(viewer))
    teacher_etabs = etab_ids_with(viewer, {R.ENSEIGNANT})
    if teacher_etabs:
        taught = taught_regroupement_ids(viewer, teacher_etabs)
        q |= Q(etablissement_id__in=teacher_etabs) & Q(
            eleve_id__in=Inscription.objects.filter(regroupement_id__in=taught).values(
                "eleve_id"))
    return q


def absence_pupils_q(viewer: Viewer) -> Q:
    """Pupils whose « Absences et retards » page the viewer may open (Q on ``Person``)."""
    if not _authenticated(viewer):
        return Q(pk__in=[])
    readers = appel_reader_etab_ids(viewer)
    if readers is None:
        return Q(roles__role=R.ELEVE)
    q = Q(pk__in=Role.objects.filter(etablissement_id__in=readers, role=R.ELEVE).values(
        "person_id")) if readers else Q(pk__in=[])
    kinds = {r.role for r in roles_of(viewer)}
    if R.ELEVE in kinds:
        q |= Q(pk=viewer.pk)
    if R.PARENT in kinds:
        q |= Q(pk__in=legal_children_ids(viewer))
    teacher_etabs = etab_ids_with(viewer, {R.ENSEIGNANT})
    if teacher_etabs:
        taught = taught_regroupement_ids(viewer, teacher_etabs)
        q |= Q(pk__in=Inscription.objects.filter(regroupement_id__in=taught).values("eleve_id"))
    return q


def is_legal_guardian(viewer: Viewer, eleve_id: int) -> bool:
    if not _authenticated(viewer):
        return False
    return Parente.objects.filter(responsable_id=viewer.pk, eleve_id=eleve_id,
                                  representant_legal=True,
                                  eleve__deactivated_at__isnull=True).exists()


def absence_justify_refusal(viewer: Viewer, absence: "Absence") -> str | None:
    """Why the viewer may not justify this absence online (French), or None."""
    if not is_legal_guardian(viewer, absence.eleve_id):
        return "Seul un représentant légal de l'élève peut justifier une absence."
    if absence.decided:
        decision = absence.get_state_display().lower()
        return (f"La vie scolaire a déjà statué sur cette absence ({decision}) : elle ne peut "
                "plus être justifiée en ligne. Contactez la vie scolaire.")
    return None


def can_declare_absence(viewer: Viewer, eleve_id: int) -> bool:
    """A legal guardian declares an absence of their child in advance."""
    return is_legal_guardian(viewer, eleve_id)


def can_manage_motifs(viewer: Viewer, etab: EtabRef) -> bool:
    """The establishment's motives and their flags: its direction and its vie scolaire."""
    if not _authenticated(viewer):
        return False
    return getattr(etab, "pk", etab) in etab_ids_with(
        viewer, {R.DIRECTION, R.ADMIN_ETAB, R.VIE_SCOLAIRE})

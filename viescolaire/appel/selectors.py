"""Reads of the roll call and the absences. Every function that shows something takes the
viewer and filters with ``ent.rights.appel``: what is out of reach is « not found » (404).
Each page is read in a fixed number of queries, whatever the number of pupils or séances."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from annuaire.models import Etablissement, Inscription, Parente, Person, Role
from ent import errors
from ent.rights import appel as appel_rights
from viescolaire.models import Cours, Seance

from .marks import PRESENT, MarkData
from .models import Absence, Appel, AppelChange, Marque, Motif


class NotFound(errors.NotFound, ObjectDoesNotExist):
    """Nothing of that id, or nothing the viewer may see: both answer 404."""


def _aware(day, time):
    return dt.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())


def subject_label(cours):
    if cours.matiere_id is not None and cours.matiere.libelle_edition:
        return cours.matiere.libelle_edition
    return cours.matiere_label


# --- The pupils of a séance ----------------------------------------------------------------
def _pupils_q(seance):
    regs = Cours.regroupements.through.objects.filter(cours_id=seance.cours_id).values(
        "regroupement_id")
    return Q(pk__in=Inscription.objects.filter(regroupement_id__in=regs).values("eleve_id"),
             deactivated_at__isnull=True) & (Q(date_sortie__isnull=True)
                                             | Q(date_sortie__gte=seance.date))


def seance_pupils(*, seance):
    """The pupils of the séance on its date: its divisions' and groups' members still there."""
    return list(Person.objects.filter(_pupils_q(seance)).order_by(*Person.NAME_ORDER).only(
        "pk", "first_name", "last_name", "login", "search_name"))


def seance_pupil_ids(*, seance):
    return set(Person.objects.filter(_pupils_q(seance)).values_list("pk", flat=True))


def known_absences(*, seance, pupil_ids):
    """The absences known for the séance's start, by pupil (the earliest when several)."""
    start = _aware(seance.date, seance.start)
    found = {}
    for absence in Absence.objects.filter(eleve_id__in=list(pupil_ids), start__lte=start,
                                          end__gt=start).order_by("start", "pk"):
        found.setdefault(absence.eleve_id, absence)
    return found


def _previous_absent(seance, pupil_ids):
    """Pupils absent at their previous roll-called séance of the day."""
    key = "seance__cours__regroupements__inscriptions__eleve_id"
    last = dict(Appel.objects.filter(
        state=Appel.State.FAIT, seance__date=seance.date, seance__end__lte=seance.start,
        **{f"{key}__in": list(pupil_ids)}).values_list(key).annotate(
            last=Max("seance__end")).values_list(key, "last"))
    if not last:
        return set()
    absent = Marque.objects.filter(
        eleve_id__in=list(last), absent=True, appel__state=Appel.State.FAIT,
        appel__seance__date=seance.date, appel__seance__end__in=set(last.values()),
    ).values_list("eleve_id", "appel__seance__end")
    return {pid for pid, end in absent if last.get(pid) == end}


def _newcomers(seance, pupil_ids):
    """Pupils missing from the previous validated roll call of the same course."""
    previous = Appel.objects.filter(
        state=Appel.State.FAIT, seance__cours_id=seance.cours_id, seance__date__lt=seance.date,
    ).order_by("-seance__date").values_list("roster", flat=True).first()
    if not previous:
        return set()
    return set(pupil_ids) - set(previous)


# --- States ---------------------------------------------------------------------------------
STATE_LABELS = {"a_faire": "À faire", "en_cours": "En cours", "fait": "Fait",
                "non_fait": "Non fait", "annulee": "Séance annulée"}


def seance_state(*, seance, appel, now):
    """« fait » once validated; « non fait » N minutes after the start without validation."""
    if seance.cancelled:
        return "annulee"
    if appel is not None and appel.state == Appel.State.FAIT:
        return "fait"
    late = _aware(seance.date, seance.start) + dt.timedelta(
        minutes=settings.ENT_APPEL_NOT_DONE_MINUTES)
    if now >= late:
        return "non_fait"
    return "en_cours" if appel is not None else "a_faire"


# --- One roll call --------------------------------------------------------------------------
def appel_seance_get(*, viewer, pk):
    seance = (Seance.objects.filter(appel_rights.appel_seances_q(viewer), pk=pk)
              .select_related("cours", "cours__matiere", "cours__etablissement", "remplacant")
              .distinct().first())
    if seance is None:
        raise NotFound
    seance.enseignant_ids = set(seance.cours.enseignants.values_list("pk", flat=True))
    return seance


@dataclass
class PupilRow:
    person: object
    mark: MarkData
    hints: list
    known: object = None

    @property
    def pk(self):
        return self.person.pk


@dataclass
class Sheet:
    seance: object
    appel: object
    rows: list
    state: str
    refusal: str | None
    subject: str
    regroupements: list
    enseignants: list
    history: list = field(default_factory=list)

    @property
    def version(self):
        return self.appel.version if self.appel else 0

    @property
    def state_label(self):
        return STATE_LABELS[self.state]

    @property
    def editable(self):
        return not self.refusal

    @property
    def counts(self):
        return {
            "absents": sum(r.mark.absent for r in self.rows),
            "retards": sum(r.mark.retard for r in self.rows),
            "eleves": len(self.rows),
        }


def appel_sheet(*, viewer, seance, now=None, with_history=False):
    """The roll call of a séance as its page shows it: each pupil with their mark (present by
    default, absent when their absence is known) and their hints."""
    now = now or timezone.now()
    appel = Appel.objects.filter(seance=seance).select_related("validated_by").first()
    pupils = seance_pupils(seance=seance)
    ids = [p.pk for p in pupils]
    known = known_absences(seance=seance, pupil_ids=ids)
    marks = {m.eleve_id: MarkData.of(m) for m in Marque.objects.filter(appel=appel)} if appel \
        else {pid: MarkData(absent=True) for pid in known}
    previous = _previous_absent(seance, ids)
    newcomers = _newcomers(seance, ids)
    rows = []
    for person in pupils:
        hints = []
        absence = known.get(person.pk)
        if absence is not None:
            hints.append("Absence prévue (déclarée par la famille)"
                         if absence.source == Absence.Source.FAMILLE
                         else "Absence connue de la vie scolaire")
        if person.pk in previous:
            hints.append("Absent à la séance précédente")
        if person.pk in newcomers:
            hints.append("Nouveau dans la classe")
        rows.append(PupilRow(person, marks.get(person.pk, PRESENT), hints, absence))
    regs = list(seance.cours.regroupements.order_by("nature", "code").values_list(
        "code", flat=True))
    teachers = [p.display_name for p in seance.cours.enseignants.order_by(*Person.NAME_ORDER)]
    history = []
    if with_history and appel is not None:
        history = list(AppelChange.objects.filter(appel=appel).select_related(
            "changed_by", "eleve")[:200])
    return Sheet(seance=seance, appel=appel, rows=rows,
                 state=seance_state(seance=seance, appel=appel, now=now),
                 refusal=appel_rights.appel_edit_refusal(viewer, seance, now=now),
                 subject=subject_label(seance.cours), regroupements=regs, enseignants=teachers,
                 history=history)


# --- Today's séances of a teacher (home page) ----------------------------------------------
@dataclass
class TodayItem:
    seance: object
    subject: str
    regroupements: list
    state: str
    url: str

    @property
    def state_label(self):
        return STATE_LABELS[self.state]


def teacher_today(*, viewer, day, now=None):
    """The séances the viewer teaches or replaces that day, with their roll call's state
    (one query for the séances and their roll calls, one for their divisions and groups)."""
    if not getattr(viewer, "is_authenticated", False) or not appel_rights.etab_ids_with(
            viewer, {appel_rights.R.ENSEIGNANT}):
        return []
    now = now or timezone.now()
    seances = list(Seance.objects.filter(
        appel_rights._teacher_seances_q(viewer), date=day).select_related(
            "cours", "cours__matiere", "appel").distinct().order_by("start", "pk"))
    regs = {}
    through = Cours.regroupements.through
    for cours_id, code in through.objects.filter(
            cours_id__in={s.cours_id for s in seances}).order_by(
                "regroupement__code").values_list("cours_id", "regroupement__code"):
        regs.setdefault(cours_id, []).append(code)
    return [TodayItem(s, subject_label(s.cours), regs.get(s.cours_id, []),
                      seance_state(seance=s, appel=getattr(s, "appel", None), now=now),
                      reverse("appel:sheet", args=[s.pk])) for s in seances]


# --- The vie scolaire's board ---------------------------------------------------------------
@dataclass
class BoardSlot:
    start: dt.time
    items: list
    counts: dict


def board_etabs(*, viewer):
    readers = appel_rights.appel_reader_etab_ids(viewer)
    qs = Etablissement.objects.all() if readers is None else Etablissement.objects.filter(
        pk__in=readers)
    return list(qs.order_by("name"))


def board_etab_get(*, viewer, pk):
    etab = Etablissement.objects.filter(pk=pk).first()
    if etab is None or not appel_rights.can_see_board(viewer, etab):
        raise NotFound
    return etab


@dataclass
class Board:
    etab: object
    day: dt.date
    slots: list
    totals: dict
    absents: list
    retards: list
    demi_pensionnaires_absents: int = 0


def board(*, viewer, etab, day, now=None):
    """Today's séances of an establishment by time slot, with their roll call's state, and the
    day's absences and lateness as the roll calls are validated. Fixed number of queries."""
    now = now or timezone.now()
    seances = list(Seance.objects.filter(cours__etablissement=etab, date=day).select_related(
        "cours", "cours__matiere", "appel", "remplacant").order_by("start", "cours__matiere_label",
                                                                    "pk"))
    through = Cours.regroupements.through
    regs = {}
    for cours_id, code in through.objects.filter(
            cours_id__in={s.cours_id for s in seances}).order_by(
                "regroupement__code").values_list("cours_id", "regroupement__code"):
        regs.setdefault(cours_id, []).append(code)
    absent_counts = dict(Marque.objects.filter(
        appel__seance__in=[s.pk for s in seances], absent=True).values_list(
            "appel__seance_id").annotate(n=Count("pk")).values_list("appel__seance_id", "n"))
    slots, totals = {}, {"a_faire": 0, "en_cours": 0, "fait": 0, "non_fait": 0, "annulee": 0}
    for s in seances:
        state = seance_state(seance=s, appel=getattr(s, "appel", None), now=now)
        totals[state] += 1
        slot = slots.setdefault(s.start, BoardSlot(s.start, [], {}))
        slot.items.append({"seance": s, "subject": subject_label(s.cours),
                           "regroupements": regs.get(s.cours_id, []), "state": state,
                           "state_label": STATE_LABELS[state],
                           "absents": absent_counts.get(s.pk, 0),
                           "url": reverse("appel:sheet", args=[s.pk])})
        slot.counts[state] = slot.counts.get(state, 0) + 1
    day_marks = list(Marque.objects.filter(
        appel__seance__cours__etablissement=etab, appel__seance__date=day,
        appel__state=Appel.State.FAIT).filter(Q(absent=True) | Q(retard=True)).select_related(
            "eleve", "appel__seance", "appel__seance__cours").order_by(
                "appel__seance__start", "eleve__search_name"))
    absents = [m for m in day_marks if m.absent]
    # The canteen's count: demi-pensionnaires (régime from SIECLE) absent at some roll call.
    dp = len({m.eleve_id for m in absents if m.eleve.regime_type == "demi_pensionnaire"})
    return Board(etab=etab, day=day, slots=list(slots.values()), totals=totals,
                 absents=absents, retards=[m for m in day_marks if m.retard and not m.absent],
                 demi_pensionnaires_absents=dp)


# --- Absences -------------------------------------------------------------------------------
def pupil_get(*, viewer, pk):
    person = Person.objects.filter(appel_rights.absence_pupils_q(viewer), pk=pk).first()
    if person is None:
        raise NotFound
    return person


def absences_visible(*, viewer):
    return Absence.objects.filter(appel_rights.absences_visible_q(viewer))


def absence_get(*, viewer, pk):
    absence = absences_visible(viewer=viewer).filter(pk=pk).select_related(
        "eleve", "motif", "etablissement", "decided_by").first()
    if absence is None:
        raise NotFound
    return absence


@dataclass
class PupilAbsences:
    pupil: object
    absences: list
    retards: list
    can_justify: bool
    is_family: bool


def pupil_absences(*, viewer, pupil):
    """A pupil's absences (newest first) and lateness, as the viewer may see them. Families
    see a motive only when it is « shown to parents »."""
    absences = list(absences_visible(viewer=viewer).filter(eleve=pupil).select_related(
        "motif").order_by("-start", "-pk")[:200])
    retards = list(Marque.objects.filter(
        eleve=pupil, retard=True, appel__state=Appel.State.FAIT).select_related(
            "appel__seance", "appel__seance__cours", "appel__seance__cours__matiere").order_by(
                "-appel__seance__date", "-appel__seance__start")[:100])
    family = not appel_rights.can_see_board(viewer, absences[0].etablissement_id) if absences \
        else True
    return PupilAbsences(pupil=pupil, absences=absences, retards=retards,
                         can_justify=appel_rights.is_legal_guardian(viewer, pupil.pk),
                         is_family=family)


def family_children(*, viewer):
    """The children whose absences a parent follows (legal link), and a pupil themselves."""
    ids = Parente.objects.filter(responsable_id=viewer.pk, representant_legal=True,
                                 eleve__deactivated_at__isnull=True).values("eleve_id")
    return list(Person.objects.filter(pk__in=ids).order_by(*Person.NAME_ORDER))


def motifs(*, etab, for_parents=False):
    qs = Motif.objects.filter(etablissement=etab, active=True)
    if for_parents:
        qs = qs.filter(usable_by_parents=True)
    return list(qs.order_by("position", "label"))


def absences_list(*, viewer, etab, state="", limit=200):
    """The establishment's absences for the vie scolaire, newest first, maybe of one state."""
    qs = absences_visible(viewer=viewer).filter(etablissement=etab)
    if state in Absence.State.values:
        qs = qs.filter(state=state)
    return list(qs.select_related("eleve", "motif").order_by("-start", "-pk")[:limit])


def absence_history(*, absence):
    return list(absence.changes.select_related("changed_by")[:100])


def pupil_etab_get(*, pupil):
    """The establishment a pupil is enrolled in (their pupil role's)."""
    role = Role.objects.filter(person=pupil, role=Role.Kind.ELEVE).select_related(
        "etablissement").first()
    if role is None:
        raise NotFound
    return role.etablissement


def etab_pupils(*, etab):
    """The establishment's pupils still in the feed, by name (a queryset, for a form)."""
    return Person.objects.filter(roles__etablissement=etab, roles__role=Role.Kind.ELEVE,
                                 deactivated_at__isnull=True).order_by(*Person.NAME_ORDER)

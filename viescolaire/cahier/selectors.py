"""The cahier de textes' reads. Each takes the viewer and filters with ``ent.rights.cahier``:
what is out of reach is absent from lists and raises ``NotFound`` (a 404) when asked by id.
Lists are read in a fixed number of queries whatever their length."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from annuaire.models import Etablissement, Inscription, Person, Regroupement
from ent import errors
from ent.rights import cahier as rights
from viescolaire.models import Cours, Seance

from .models import Contenu, Devoir, DevoirFait, PieceJointe, State, TypeTravail, Visa

DAY = dt.timedelta(days=1)


class NotFound(errors.NotFound, ObjectDoesNotExist):
    """Nothing of that id, or nothing the viewer may reach: both answer 404."""


def subject_label(cours) -> str:
    """The subject in proper case where SIECLE or STS-web gave it, else the timetable's."""
    if cours.matiere_id and cours.matiere is not None and cours.matiere.libelle_edition:
        return cours.matiere.libelle_edition
    return cours.matiere_label


def _seances():
    return Seance.objects.select_related("cours", "cours__matiere").prefetch_related(
        Prefetch("cours__regroupements", to_attr="shown_regroupements",
                 queryset=Regroupement.objects.order_by("nature", "code")),
        Prefetch("cours__enseignants", to_attr="shown_enseignants",
                 queryset=Person.objects.order_by(*Person.NAME_ORDER)))


def seance_for_writer(*, viewer, pk) -> Seance:
    seance = _seances().filter(rights.writable_seances_q(viewer), pk=pk).first()
    if seance is None:
        raise NotFound
    return seance


def seance_for_reader(*, viewer, pk) -> Seance:
    seance = _seances().filter(rights.readable_seances_q(viewer), pk=pk).first()
    if seance is None:
        raise NotFound
    return seance


def seance_is_writable(*, viewer, seance) -> bool:
    return Seance.objects.filter(rights.writable_seances_q(viewer), pk=seance.pk).exists()


# --- One séance -----------------------------------------------------------------------------
def contenu_of(*, viewer, seance) -> Contenu | None:
    return (Contenu.objects.filter(rights.contenus_visible_q(viewer), seance=seance)
            .select_related("author", "updated_by").prefetch_related("pieces").first())


def contenu_hidden_draft_author(*, viewer, seance) -> Person | None:
    """A co-teacher's draft of this séance, which the viewer does not see: whose it is."""
    row = Contenu.objects.filter(seance=seance, state=State.DRAFT).exclude(
        author_id=viewer.pk).select_related("author").first()
    return row.author if row is not None else None


def devoirs_of_seance(*, viewer, seance) -> list:
    return list(Devoir.objects.filter(rights.devoirs_visible_q(viewer), seance=seance)
                .select_related("type", "due_seance", "author").prefetch_related("pieces")
                .order_by("due_date", "pk"))


def devoir_for_writer(*, viewer, pk) -> Devoir:
    devoir = (Devoir.objects.filter(rights.devoirs_visible_q(viewer), pk=pk)
              .select_related("seance", "seance__cours", "type", "due_seance").first())
    if devoir is None or not rights.can_edit_item(
            viewer, devoir, seance_writable=seance_is_writable(viewer=viewer,
                                                               seance=devoir.seance)):
        raise NotFound
    return devoir


def piece_get(*, viewer, pk) -> PieceJointe:
    piece = PieceJointe.objects.filter(rights.pieces_visible_q(viewer), pk=pk).first()
    if piece is None:
        raise NotFound
    return piece


def piece_for_writer(*, viewer, pk) -> PieceJointe:
    piece = (PieceJointe.objects.filter(rights.pieces_visible_q(viewer), pk=pk)
             .select_related("contenu__seance", "devoir__seance").first())
    if piece is None:
        raise NotFound
    parent = piece.contenu or piece.devoir
    if parent is None:  # an attachment always belongs to one of them; be strict anyway
        raise NotFound
    if not rights.can_edit_item(viewer, parent, seance_writable=seance_is_writable(
            viewer=viewer, seance=parent.seance)):
        raise NotFound
    return piece


def next_seance(*, seance) -> Seance | None:
    """The default séance homework is due for: the course's next one that takes place."""
    return Seance.objects.filter(cours_id=seance.cours_id, date__gt=seance.date,
                                 cancelled=False).order_by("date", "start").first()


def due_seance_choices(*, seance, limit: int = 8) -> list:
    return list(Seance.objects.filter(cours_id=seance.cours_id, date__gt=seance.date,
                                      cancelled=False).order_by("date", "start")[:limit])


def copy_targets(*, viewer, seance, limit: int = 40) -> list:
    """The séances of the viewer's other courses around this one (a week before, two after)
    to copy its content and homework to: another division or group of the same level."""
    return list(_seances().filter(
        rights.writable_seances_q(viewer), cancelled=False,
        date__range=(seance.date - 7 * DAY, seance.date + 14 * DAY),
    ).exclude(cours_id=seance.cours_id).order_by("date", "start")[:limit])


def types_for(*, etab_id) -> list:
    """The national homework types and the establishment's own."""
    return list(TypeTravail.objects.filter(Q(etablissement__isnull=True)
                                           | Q(etablissement_id=etab_id)))


# --- Workload -------------------------------------------------------------------------------
@dataclass
class LoadDay:
    date: dt.date
    minutes: int = 0
    count: int = 0
    evaluation: bool = False
    subjects: list = field(default_factory=list)

    @property
    def is_weekend(self):
        return self.date.weekday() >= 5


def workload(*, viewer, regroupement_ids, start: dt.date, days: int = 14) -> list:
    """The homework due each day from ``start`` for these divisions and groups, every subject
    (published items, and the viewer's own drafts): minutes, count, and whether an évaluation
    is already set that day. One query."""
    end = start + (days - 1) * DAY
    cours = Cours.objects.filter(regroupements__in=list(regroupement_ids)).values("pk")
    rows = (Devoir.objects.filter(Q(state=State.PUBLISHED) | Q(author_id=viewer.pk),
                                  seance__cours__in=cours, due_date__range=(start, end))
            .values_list("due_date", "minutes", "type__is_evaluation",
                         "seance__cours__matiere_label"))
    by_day = {start + n * DAY: LoadDay(start + n * DAY) for n in range(days)}
    for due, minutes, evaluation, subject in rows:
        day = by_day[due]
        day.minutes += minutes
        day.count += 1
        day.evaluation |= evaluation
        if subject not in day.subjects:
            day.subjects.append(subject)
    return [d for d in by_day.values() if not d.is_weekend or d.count]


# --- Visas on séances -----------------------------------------------------------------------
def _covering(visas, seance):
    """The visas that cover a séance (``seance.cours`` with its shown teachers and groups)."""
    cours = seance.cours
    teachers = {p.pk for p in getattr(cours, "shown_enseignants", [])}
    regs = {r.pk for r in getattr(cours, "shown_regroupements", [])}
    return [v for v in visas if v.up_to >= seance.date and v.matiere_label == cours.matiere_label
            and v.enseignant_id in teachers and v.regroupement_id in regs]


def visas_for_seances(seances) -> list:
    """The visas that may cover any of ``seances`` (one query)."""
    if not seances:
        return []
    regs = {r.pk for s in seances for r in s.cours.shown_regroupements}
    labels = {s.cours.matiere_label for s in seances}
    first = min(s.date for s in seances)
    return list(Visa.objects.filter(regroupement_id__in=regs, matiere_label__in=labels,
                                    up_to__gte=first).order_by("-given_at"))


def seance_locking_visa(*, seance) -> Visa | None:
    cours = seance.cours
    return Visa.objects.filter(
        locks=True, up_to__gte=seance.date, matiere_label=cours.matiere_label,
        regroupement__in=cours.regroupements.values("pk"),
        enseignant__in=cours.enseignants.values("pk")).order_by("-given_at").first()


@dataclass
class VisaMark:
    visa: Visa | None = None
    changed_after: bool = False


def visa_mark(*, visas, seance, contenu) -> VisaMark:
    covering = _covering(visas, seance)
    if not covering:
        return VisaMark()
    latest = max(covering, key=lambda v: v.given_at)
    changed = contenu is not None and contenu.updated_at > latest.given_at
    return VisaMark(latest, changed)


# --- A teacher's week -----------------------------------------------------------------------
@dataclass
class WeekRow:
    seance: Seance
    subject: str
    regroupements: list
    state: str  # vide, brouillon, publie, vise
    state_label: str
    devoirs: int
    changed_after_visa: bool = False


STATE_LABELS = {"vide": "Vide", "brouillon": "Brouillon", "publie": "Publié", "vise": "Visé"}


def teacher_week(*, viewer, monday: dt.date) -> list:
    """The viewer's séances of the week with their state: vide, brouillon, publié, visé.
    Four queries plus the prefetches, whatever the number of séances."""
    seances = list(_seances().filter(rights.writable_seances_q(viewer),
                                     date__range=(monday, monday + 6 * DAY))
                   .order_by("date", "start", "pk"))
    ids = [s.pk for s in seances]
    contenus = {c.seance_id: c for c in Contenu.objects.filter(seance_id__in=ids)}
    counts = dict(Devoir.objects.filter(rights.devoirs_visible_q(viewer), seance_id__in=ids)
                  .values("seance_id").annotate(n=Count("pk")).values_list("seance_id", "n"))
    visas = visas_for_seances(seances)
    rows = []
    for seance in seances:
        contenu = contenus.get(seance.pk)
        mark = visa_mark(visas=visas, seance=seance, contenu=contenu)
        if mark.visa is not None:
            state = "vise"
        elif contenu is None or (contenu.state == State.DRAFT and contenu.author_id != viewer.pk):
            state = "vide"
        else:
            state = contenu.state
        rows.append(WeekRow(seance, subject_label(seance.cours),
                            [r.code for r in seance.cours.shown_regroupements], state,
                            STATE_LABELS[state], counts.get(seance.pk, 0),
                            mark.changed_after))
    return rows


# --- Pupils and parents ---------------------------------------------------------------------
def family_pupils(*, viewer) -> list:
    """Whose cahier the viewer reads: themselves (a pupil), or their children."""
    return list(Person.objects.filter(rights.cahier_pupils_q(viewer)).order_by(
        *Person.NAME_ORDER))


def family_pupil_get(*, viewer, pk) -> Person:
    pupil = Person.objects.filter(rights.cahier_pupils_q(viewer), pk=pk).first()
    if pupil is None:
        raise NotFound
    return pupil


def _pupil_cours(pupil):
    regs = Inscription.objects.filter(eleve_id=pupil.pk).values("regroupement_id")
    return Cours.objects.filter(regroupements__in=regs).values("pk")


@dataclass
class TravailDay:
    date: dt.date
    devoirs: list = field(default_factory=list)
    minutes: int = 0
    evaluation: bool = False


@dataclass
class Travail:
    days: list
    subjects: list
    done: set


def family_travail(*, viewer, pupil, start: dt.date, end: dt.date, subject: str = "",
                   now: dt.datetime | None = None) -> Travail:
    """The pupil's homework due from ``start`` to ``end`` that the viewer reads, by due date,
    with each day's load and the pupil's ticks. Four queries whatever their number."""
    now = now or timezone.now()
    query = (Devoir.objects.filter(rights.devoirs_visible_q(viewer, now=now),
                                   seance__cours__in=_pupil_cours(pupil),
                                   due_date__range=(start, end))
             .select_related("type", "seance", "seance__cours", "seance__cours__matiere",
                             "author")
             .prefetch_related("pieces").order_by("due_date", "seance__cours__matiere_label",
                                                  "pk"))
    devoirs: list[Devoir] = list(query)
    subjects = sorted({subject_label(d.seance.cours) for d in devoirs})
    if subject:
        devoirs = [d for d in devoirs if subject_label(d.seance.cours) == subject]
    done = set(DevoirFait.objects.filter(eleve=pupil, devoir_id__in=[d.pk for d in devoirs])
               .values_list("devoir_id", flat=True))
    days: dict[dt.date, TravailDay] = {}
    for devoir in devoirs:
        devoir.subject = subject_label(devoir.seance.cours)
        day = days.setdefault(devoir.due_date, TravailDay(devoir.due_date))
        day.devoirs.append(devoir)
        day.minutes += devoir.minutes
        day.evaluation |= devoir.type.is_evaluation
    return Travail(list(days.values()), subjects, done)


def devoir_for_pupil(*, viewer, pk) -> Devoir:
    """A homework the viewer, a pupil, ticks: visible to them and given to them."""
    if not rights.is_pupil(viewer):
        raise NotFound
    devoir = Devoir.objects.filter(rights.devoirs_visible_q(viewer),
                                   seance__cours__in=_pupil_cours(viewer), pk=pk).first()
    if devoir is None:
        raise NotFound
    return devoir


def family_contenus(*, viewer, pupil, start: dt.date, end: dt.date, subject: str = "",
                    now: dt.datetime | None = None) -> tuple[list, list]:
    """The published contents of the pupil's séances from ``start`` to ``end``, newest first,
    and the subjects they cover."""
    now = now or timezone.now()
    contenus = list(Contenu.objects.filter(
        rights.contenus_visible_q(viewer, now=now), seance__cours__in=_pupil_cours(pupil),
        seance__date__range=(start, end))
        .select_related("seance", "seance__cours", "seance__cours__matiere", "author")
        .prefetch_related("pieces").order_by("-seance__date", "-seance__start", "pk"))
    for contenu in contenus:
        contenu.subject = subject_label(contenu.seance.cours)
    subjects = sorted({c.subject for c in contenus})
    if subject:
        contenus = [c for c in contenus if c.subject == subject]
    return contenus, subjects


# --- The principal's visas ------------------------------------------------------------------
def visa_etabs(*, viewer) -> list:
    return list(Etablissement.objects.filter(rights.visa_etabs_q(viewer)).order_by("name"))


def visa_etab_get(*, viewer, pk) -> Etablissement:
    etab = Etablissement.objects.filter(rights.visa_etabs_q(viewer), pk=pk).first()
    if etab is None:
        raise NotFound
    return etab


@dataclass
class CahierRow:
    enseignant: Person
    regroupement: Regroupement
    matiere_label: str
    seances: int
    filled: int
    last_visa: Visa | None = None

    @property
    def rate(self):
        return round(100 * self.filled / self.seances) if self.seances else 0


def visa_overview(*, etab, today: dt.date) -> list:
    """Every cahier of the establishment (teacher × division or group × subject) with its
    séances so far, how many have published content (the fill rate), and its last visa."""
    through_t = Cours.enseignants.through
    through_r = Cours.regroupements.through
    seances = Seance.objects.filter(cours__etablissement=etab, date__lte=today,
                                    cancelled=False)
    per_cours = {row["cours_id"]: row for row in seances.values("cours_id").annotate(
        total=Count("pk"), filled=Count("pk", filter=Q(cahier_contenu__state=State.PUBLISHED)))}
    teachers = defaultdict(list)
    for cours_id, person_id in through_t.objects.filter(cours_id__in=per_cours).values_list(
            "cours_id", "person_id"):
        teachers[cours_id].append(person_id)
    regs = defaultdict(list)
    for cours_id, reg_id in through_r.objects.filter(cours_id__in=per_cours).values_list(
            "cours_id", "regroupement_id"):
        regs[cours_id].append(reg_id)
    labels = dict(Cours.objects.filter(pk__in=per_cours).values_list("pk", "matiere_label"))
    rows: dict[tuple[int, int, str], tuple[int, int]] = {}
    for cours_id, counts in per_cours.items():
        for person_id in teachers[cours_id]:
            for reg_id in regs[cours_id]:
                key = (person_id, reg_id, labels[cours_id])
                total, filled = rows.get(key, (0, 0))
                rows[key] = (total + counts["total"], filled + counts["filled"])
    people = Person.objects.in_bulk({k[0] for k in rows})
    groups = Regroupement.objects.in_bulk({k[1] for k in rows})
    last = {}
    for visa in Visa.objects.filter(etablissement=etab).order_by("given_at"):
        last[(visa.enseignant_id, visa.regroupement_id, visa.matiere_label)] = visa
    result = [CahierRow(people[p], groups[r], label, total, filled, last.get((p, r, label)))
              for (p, r, label), (total, filled) in rows.items()]
    result.sort(key=lambda row: (row.enseignant.last_name, row.enseignant.first_name,
                                 row.regroupement.code, row.matiere_label))
    return result


def visa_cahier(*, etab, enseignant_id, regroupement_id, matiere_label, until: dt.date):
    """One cahier's séances up to ``until`` with their contents and homework, for the visa
    page; ``NotFound`` when the establishment has no such cahier."""
    enseignant = Person.objects.filter(pk=enseignant_id).first()
    regroupement = Regroupement.objects.filter(pk=regroupement_id, etablissement=etab).first()
    if enseignant is None or regroupement is None:
        raise NotFound
    seances = list(_seances().filter(
        cours__etablissement=etab, cours__enseignants=enseignant,
        cours__regroupements=regroupement, cours__matiere_label=matiere_label,
        date__lte=until, cancelled=False).order_by("-date", "-start"))
    if not seances:
        raise NotFound
    ids = [s.pk for s in seances]
    contenus = {c.seance_id: c for c in Contenu.objects.filter(seance_id__in=ids)
                .prefetch_related("pieces")}
    devoirs = defaultdict(list)
    for devoir in Devoir.objects.filter(seance_id__in=ids).select_related("type"):
        devoirs[devoir.seance_id].append(devoir)
    visas = visas_for_seances(seances)
    for seance in seances:
        seance.contenu = contenus.get(seance.pk)
        seance.devoirs = devoirs.get(seance.pk, [])
        seance.mark = visa_mark(visas=visas, seance=seance, contenu=seance.contenu)
    past_visas = [v for v in Visa.objects.filter(
        etablissement=etab, enseignant=enseignant, regroupement=regroupement,
        matiere_label=matiere_label).select_related("given_by")]
    return enseignant, regroupement, seances, past_visas


# --- A class's cahier (direction; teachers, vie scolaire, médico-social where opened) -------
def class_regroupements(*, viewer) -> list:
    """The divisions and groups whose published cahier the viewer browses."""
    return list(Regroupement.objects.filter(rights.class_regroupements_q(viewer))
                .select_related("etablissement")
                .order_by("etablissement__name", "nature", "code"))


def class_regroupement_get(*, viewer, pk) -> Regroupement:
    regroupement = Regroupement.objects.filter(rights.class_regroupements_q(viewer), pk=pk).first()
    if regroupement is None:
        raise NotFound
    return regroupement


@dataclass
class ClassSeance:
    seance: Seance
    subject: str
    contenu: Contenu | None
    devoirs: list = field(default_factory=list)


def class_week(*, viewer, regroupement, monday: dt.date,
               now: dt.datetime | None = None) -> list[ClassSeance]:
    """The class's séances of the week with what the viewer reads of them (published contents
    and homework): a fixed number of queries whatever the number of séances."""
    now = now or timezone.now()
    seances = list(_seances().filter(rights.readable_seances_q(viewer),
                                     cours__regroupements=regroupement,
                                     date__range=(monday, monday + 6 * DAY))
                   .order_by("date", "start", "pk").distinct())
    ids = [s.pk for s in seances]
    contenus = {c.seance_id: c for c in Contenu.objects.filter(
        rights.contenus_visible_q(viewer, now=now), seance_id__in=ids).prefetch_related("pieces")}
    devoirs = defaultdict(list)
    visible = Devoir.objects.filter(rights.devoirs_visible_q(viewer, now=now), seance_id__in=ids)
    for devoir in visible.select_related("type").prefetch_related("pieces").order_by("pk"):
        devoirs[devoir.seance_id].append(devoir)
    return [ClassSeance(s, subject_label(s.cours), contenus.get(s.pk), devoirs[s.pk])
            for s in seances]

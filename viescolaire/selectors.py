"""Reads of the timetable: whose week, which séances, today's courses on the home page.

Every function takes what ``ent.rights`` allowed: a ``Target`` only comes out of
``timetable_target_get``, which asks the rights module; the séances of a week are read in a
fixed number of queries (one for the séances, one per many-to-many), whatever their number.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass, field

from django.db.models import Exists, Model, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Replace
from django.urls import reverse

from annuaire.models import Etablissement, Inscription, Person, Profile, Regroupement, Role
from annuaire.text import search_terms
from ent import rights
from ent.dates import monday_of
from ent.errors import NotFound
from ent.french import de
from ent.rights import Viewer

from .models import Cours, Seance

DAY = datetime.timedelta(days=1)
# The weeks one may open: far beyond any school year, well inside what ``datetime`` holds.
FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2999, 12, 31)


class TargetNotFound(NotFound):
    """Nothing of that name, or nothing the viewer may see: both answer 404."""


@dataclass(frozen=True)
class Target:
    """Whose timetable: a pupil, a teacher, a division or group, or a room of an establishment."""

    kind: str
    label: str
    pk: int
    etab: object = None
    room: str = ""

    @property
    def url(self) -> str:
        if self.kind == "salle":
            return reverse("viescolaire:week_room", args=[self.pk, self.room])
        if self.kind in ("division", "groupe"):
            return reverse("viescolaire:week_regroupement", args=[self.pk])
        return reverse(f"viescolaire:week_{self.kind}", args=[self.pk])

    @property
    def heading(self) -> str:
        return {
            "eleve": de(self.label), "enseignant": de(self.label),
            "division": f"de la division {self.label}", "groupe": f"du groupe {self.label}",
            "salle": f"de la salle {self.label}",
        }[self.kind]

    def seances_q(self) -> Q:
        if self.kind == "eleve":
            regs = Inscription.objects.filter(eleve_id=self.pk).values("regroupement_id")
            return Q(cours__in=Cours.objects.filter(regroupements__in=regs).values("pk"))
        if self.kind == "enseignant":
            return (Q(cours__in=Cours.objects.filter(enseignants=self.pk).values("pk"))
                    | Q(remplacant_id=self.pk))
        if self.kind in ("division", "groupe"):
            return Q(cours__in=Cours.objects.filter(regroupements=self.pk).values("pk"))
        return Q(cours__etablissement_id=self.pk) & (
            (Q(salle="") & _room_q(self.room, "cours__salle")) | _room_q(self.room, "salle"))


def _room_q(name: str, field_name: str) -> Q:
    """``Cours.salle`` joins a course's rooms with ", ": a room is one of them."""
    return (Q(**{field_name: name}) | Q(**{f"{field_name}__startswith": f"{name}, "})
            | Q(**{f"{field_name}__endswith": f", {name}"})
            | Q(**{f"{field_name}__contains": f", {name}, "}))


def _pupil_etab(person: Person) -> Etablissement | None:
    role = Role.objects.filter(person=person, role=Role.Kind.ELEVE).select_related(
        "etablissement").first()
    return role.etablissement if role else None


def timetable_target_get(*, viewer: Viewer, kind: str, pk: int, room: str = "") -> Target:
    """The timetable the viewer asked for; ``TargetNotFound`` when out of reach."""
    if kind == "eleve":
        person = Person.objects.filter(rights.timetable_pupils_q(viewer), pk=pk).first()
        if person is None:
            raise TargetNotFound
        return Target("eleve", person.display_name, person.pk, _pupil_etab(person))
    if kind == "enseignant":
        person = Person.objects.filter(rights.timetable_teachers_q(viewer), pk=pk).first()
        if person is None:
            raise TargetNotFound
        return Target("enseignant", person.display_name, person.pk)
    if kind == "regroupement":
        reg = Regroupement.objects.filter(
            rights.timetable_regroupements_q(viewer), pk=pk).select_related("etablissement").first()
        if reg is None:
            raise TargetNotFound
        return Target(reg.nature, reg.code, reg.pk, reg.etablissement)
    if kind == "salle":
        etab = Etablissement.objects.filter(rights.timetable_room_etabs_q(viewer), pk=pk).first()
        if etab is None or not timetable_room_exists(etab=etab, room=room):
            raise TargetNotFound
        return Target("salle", room, etab.pk, etab, room)
    raise TargetNotFound


def timetable_rooms(*, etab: Etablissement) -> list[str]:
    """The rooms an establishment's courses and séances name, sorted."""
    names: set[str] = set()
    for value in Cours.objects.filter(etablissement=etab).exclude(salle="").values_list(
            "salle", flat=True).distinct():
        names.update(part.strip() for part in value.split(", ") if part.strip())
    # Without order_by(), Seance's default ordering joins the DISTINCT: a row per séance.
    names.update(Seance.objects.filter(cours__etablissement=etab).exclude(salle="").order_by()
                 .values_list("salle", flat=True).distinct())
    return sorted(names)


def timetable_room_exists(*, etab: Etablissement, room: str) -> bool:
    """Whether a course or séance of the establishment names that room (one query).

    The rooms ``timetable_rooms`` lists, looked up rather than listed: a course joins its
    rooms, stripped, with ", ", so a name holding one or padded is no room of a course.
    """
    if not room:
        return False
    q = Q(pk__in=Seance.objects.filter(cours__etablissement=etab, salle=room).values(
        "cours_id"))
    if ", " not in room and room == room.strip():
        q |= _room_q(room, "salle")
    return Cours.objects.filter(q, etablissement=etab).exists()


def timetable_pupil_unplaced(*, target: Target) -> bool:
    """Whether the target is a pupil in no division and no group: an empty week says so."""
    return target.kind == "eleve" and not Inscription.objects.filter(eleve_id=target.pk).exists()


# --- Weeks ---
def week_monday(*, value: str, today: datetime.date) -> tuple[datetime.date, str]:
    """The Monday of the week holding ``value`` (an ISO date), or of today's; and an error."""
    day, error = today, ""
    if value:
        try:
            day = datetime.date.fromisoformat(value.strip())
        except ValueError:
            error = (f"La date « {value} » n'est pas valide (attendu : AAAA-MM-JJ) : "
                     "voici la semaine en cours.")
        else:
            # The page links the weeks before and after: a week at the calendar's ends
            # (year 1 or 9999) would overflow on them.
            if not FIRST_DAY <= day <= LAST_DAY:
                day = today
                error = (f"La date « {value} » est hors du calendrier affiché "
                         f"(de {FIRST_DAY.year} à {LAST_DAY.year}) : voici la semaine en cours.")
    return monday_of(day), error


@dataclass
class SeanceView:
    date: datetime.date
    start: datetime.time
    end: datetime.time
    matiere: str
    enseignants: list
    regroupements: list
    salle: str
    cancelled: bool
    # Cancelled by a new timetable, kept for what hangs on it.
    superseded: bool = False
    remplacant: str = ""
    salle_habituelle: str = ""
    others: list = field(default_factory=list)
    pk: int = 0
    # Its place on the desktop's hour grid (viescolaire.week_grid).
    grid_class: str = ""
    free = False

    @property
    def changed(self) -> bool:
        return bool(self.remplacant or self.salle_habituelle)


@dataclass
class Day:
    date: datetime.date
    seances: list
    # The séances and the gaps between them, placed on the hour grid (viescolaire.week_grid).
    items: list = field(default_factory=list)
    lanes: int = 1

    @property
    def is_weekend(self) -> bool:
        return self.date.weekday() >= 5


def _seances_query(q: Q) -> QuerySet[Seance]:
    # Lists on each course (to_attr), not managers: a manager's all() clones a queryset per
    # séance and per relation, a good part of a week page's time.
    return (Seance.objects.filter(q)
            .select_related("cours", "cours__matiere", "remplacant")
            .prefetch_related(
                Prefetch("cours__enseignants", to_attr="shown_enseignants",
                         queryset=Person.objects.order_by(*Person.NAME_ORDER)),
                Prefetch("cours__regroupements", to_attr="shown_regroupements",
                         queryset=Regroupement.objects.order_by("nature", "code")))
            .order_by("date", "start", "cours__matiere_label", "pk"))


def _subject(cours: Cours) -> str:
    """The subject in proper case (« Mathématiques ») where SIECLE or STS-web gave its edition
    label, else as the timetable's file names it (« MATHEMATIQUES », a code)."""
    if cours.matiere is not None and cours.matiere.libelle_edition:
        return cours.matiere.libelle_edition
    return cours.matiere_label


def _present(seance: Seance) -> SeanceView:
    cours = seance.cours
    salle = seance.salle or cours.salle
    return SeanceView(
        date=seance.date, start=seance.start, end=seance.end, matiere=_subject(cours),
        # shown_*: lists that _seances_query prefetches (to_attr), unknown to the model's type.
        enseignants=[p.display_name for p in cours.shown_enseignants],  # type: ignore[attr-defined]
        regroupements=[{"pk": r.pk, "code": r.code, "url": ""}
                       for r in cours.shown_regroupements],  # type: ignore[attr-defined]
        salle=salle, cancelled=seance.cancelled, superseded=seance.superseded,
        remplacant=seance.remplacant.display_name if seance.remplacant else "",
        salle_habituelle=cours.salle if seance.salle and seance.salle != cours.salle else "",
        others=list(cours.unmatched or []), pk=seance.pk,
    )


def week_seances(*, viewer: Viewer, target: Target, monday: datetime.date,
                 ) -> list[SeanceView]:
    """The target's séances from ``monday`` to Sunday, presented, in date and hour order;
    a division or group links to its own week when the viewer may open it (one query)."""
    sunday = monday + 6 * DAY
    q = target.seances_q() & Q(date__range=(monday, sunday))
    if target.kind == "enseignant":
        etab_ids = rights.timetable_teacher_etab_ids(viewer, target.pk)
        if etab_ids is not None:
            q &= Q(cours__etablissement_id__in=etab_ids)
    seances = [_present(s) for s in _seances_query(q)]
    shown = {r["pk"] for s in seances for r in s.regroupements}
    if shown:
        may_open = set(Regroupement.objects.filter(
            rights.timetable_regroupements_q(viewer), pk__in=shown).values_list("pk", flat=True))
        for seance in seances:
            for reg in seance.regroupements:
                if reg["pk"] in may_open:
                    reg["url"] = reverse("viescolaire:week_regroupement", args=[reg["pk"]])
    return seances


def week_days(*, monday: datetime.date, seances: list[SeanceView]) -> list[Day]:
    """Monday to Friday always; Saturday and Sunday when something happens on them."""
    by_day: dict[datetime.date, list[SeanceView]] = {monday + n * DAY: [] for n in range(7)}
    for seance in seances:
        by_day[seance.date].append(seance)
    return [Day(date, items) for date, items in by_day.items()
            if date.weekday() < 5 or items]


# --- Today, on the home page ---
@dataclass
class TodayBlock:
    target: Target
    title: str
    seances: list


def today_timetables(*, viewer: Person, day: datetime.date) -> list[TodayBlock]:
    """Today's séances of the viewer's own timetables: a pupil's, a teacher's, each child's.

    One query for all of them (and one per many-to-many), however many children.
    """
    kinds = {r.role for r in rights.roles_of(viewer)}
    targets = []
    if Role.Kind.ELEVE in kinds:
        targets.append((Target("eleve", viewer.display_name, viewer.pk), "Mes cours du jour"))
    if Role.Kind.ENSEIGNANT in kinds:
        targets.append((Target("enseignant", viewer.display_name, viewer.pk),
                        "Mes cours du jour"))
    if Role.Kind.PARENT in kinds:
        for child in rights.timetable_children(viewer):
            targets.append((Target("eleve", child.display_name, child.pk),
                            f"Cours du jour {de(child.first_name or child.display_name)}"))
    if not targets:
        return []
    q = Q(pk__in=[])
    for target, _ in targets:
        q |= target.seances_q()
    seances = list(_seances_query(q & Q(date=day)))
    if len(targets) == 1:
        return [TodayBlock(targets[0][0], targets[0][1], [_present(s) for s in seances])]
    # Several timetables read at once: tell whose each séance is.
    pupils = [t.pk for t, _ in targets if t.kind == "eleve"]
    regs_of: dict[int, set[int]] = {pk: set() for pk in pupils}
    for eleve_id, reg_id in Inscription.objects.filter(eleve_id__in=pupils).values_list(
            "eleve_id", "regroupement_id"):
        regs_of[eleve_id].add(reg_id)
    blocks = []
    for target, title in targets:
        if target.kind == "eleve":
            mine = [s for s in seances
                    if {r.pk for r in s.cours.shown_regroupements}  # type: ignore[attr-defined]
                    & regs_of[target.pk]]
        else:
            mine = [s for s in seances if s.remplacant_id == target.pk
                    or any(p.pk == target.pk
                           for p in s.cours.shown_enseignants)]  # type: ignore[attr-defined]
        blocks.append(TodayBlock(target, title, [_present(s) for s in mine]))
    return blocks


# --- The index: which timetables the viewer may open ---
@dataclass
class TimetableIndex:
    me: list
    children: list
    etabs: list
    etab: object
    regroupements: list
    teachers: list
    rooms: list


def timetable_index(*, viewer: Person, etab_id: int | str | None = None) -> TimetableIndex:
    kinds = {r.role for r in rights.roles_of(viewer)}
    me = []
    if Role.Kind.ELEVE in kinds:
        me.append(Target("eleve", viewer.display_name, viewer.pk))
    if Role.Kind.ENSEIGNANT in kinds:
        me.append(Target("enseignant", viewer.display_name, viewer.pk))
    children = [Target("eleve", c.display_name, c.pk)
                for c in rights.timetable_children(viewer)]
    full = rights.timetable_full_etab_ids(viewer)
    # A semi-join: the académie's establishments with courses, not a row per course to DISTINCT.
    etabs = list(Etablissement.objects.filter(
        Exists(Cours.objects.filter(etablissement=OuterRef("pk"))) if full is None
        else Q(id__in=full)).order_by("name"))
    etab = next((e for e in etabs if str(e.pk) == str(etab_id)), None)
    if etab is None and len(etabs) == 1:
        etab = etabs[0]
    regs = Regroupement.objects.filter(rights.timetable_regroupements_q(viewer))
    if full is None or full:
        regs = regs.filter(etablissement=etab) if etab else regs.none()
    regroupements = [Target(r.nature, r.code, r.pk, r.etablissement)
                     for r in regs.select_related("etablissement").order_by("nature", "code")]
    teachers, rooms = [], []
    if etab is not None:
        teaching = Q(pk__in=Role.objects.filter(
            etablissement=etab, role=Role.Kind.ENSEIGNANT).values("person_id")) | Q(
            pk__in=Cours.enseignants.through.objects.filter(
                cours__etablissement=etab).values("person_id"))
        teachers = [Target("enseignant", p.display_name, p.pk) for p in Person.objects.filter(
            teaching).order_by(*Person.NAME_ORDER)]
        rooms = [Target("salle", name, etab.pk, etab, name) for name in timetable_rooms(etab=etab)]
    return TimetableIndex(me, children, etabs, etab, regroupements, teachers, rooms)


PUPIL_SEARCH_LIMIT = 30


def timetable_pupil_search(*, viewer: Viewer, etab: Etablissement, query: str,
                           ) -> tuple[list[Target], bool]:
    """Pupils of ``etab`` whose timetable the viewer may open, matching ``query`` (name words,
    without accents or case): the first ``PUPIL_SEARCH_LIMIT`` and whether there are more."""
    terms = search_terms(query)
    if etab is None or not terms:
        return [], False
    people = Person.objects.filter(
        rights.timetable_pupils_q(viewer), deactivated_at__isnull=True,
        pk__in=Role.objects.filter(etablissement=etab, role=Role.Kind.ELEVE).values("person_id"))
    # As the directory searches: also without the key's spaces (« lefloch » finds LE FLOCH).
    people = people.annotate(search_compact=Replace("search_name", Value(" "), Value("")))
    for term in terms:
        people = people.filter(search_compact__contains=term)
    found = list(people.order_by(*Person.NAME_ORDER)[:PUPIL_SEARCH_LIMIT + 1])
    return ([Target("eleve", p.display_name, p.pk, etab) for p in found[:PUPIL_SEARCH_LIMIT]],
            len(found) > PUPIL_SEARCH_LIMIT)


def timetable_person_url(*, viewer: Viewer, person: Person) -> str:
    """The week of a pupil or teacher, when the viewer may open it (a person card's link):
    one query, none for other profiles."""
    found = {
        str(Profile.ELEVE): ("eleve", rights.timetable_pupils_q),
        str(Profile.ENSEIGNANT): ("enseignant", rights.timetable_teachers_q),
    }.get(person.profile)
    if found is None:
        return ""
    kind, allowed = found
    if not Person.objects.filter(allowed(viewer), pk=person.pk).exists():
        return ""
    return reverse(f"viescolaire:week_{kind}", args=[person.pk])


def timetable_index_children(*, viewer: Viewer) -> list[Target]:
    """A parent's children, to switch from one's week to another's."""
    return [Target("eleve", c.display_name, c.pk) for c in rights.timetable_children(viewer)]


# --- For the timetable import: what is in force ---
def cours_ids_by_key(*, etablissement_id: int) -> dict[str, int]:
    """The establishment's courses, active or not: key -> pk."""
    return dict(Cours.objects.filter(etablissement_id=etablissement_id).values_list(
        "key", "pk"))


def seances_between(*, etablissement_id: int, start: datetime.date,
                    end: datetime.date | None) -> list[tuple]:
    """The establishment's séances from ``start`` to ``end`` (None: no end) as tuples
    ``(pk, cours_id, date, cancelled, superseded, start, end, remplacant_id, salle)``:
    tuples, not model instances, a lycée has some 50,000 séances to come."""
    found = Seance.objects.filter(cours__etablissement_id=etablissement_id, date__gte=start)
    if end is not None:
        found = found.filter(date__lte=end)
    return list(found.values_list("pk", "cours_id", "date", "cancelled", "superseded",
                                  "start", "end", "remplacant_id", "salle"))


# --- What hangs on séances ------------------------------------------------------------------
def seance_carriers() -> list[tuple[type[Model], str]]:
    """Every model with rows that point at a séance, and the column that does: ``(model,
    attname)``. Read from ``Seance``'s reverse relations, hidden ones (``related_name="+"``)
    and many-to-many tables included, so that a model added later (roll call, homework) is
    protected without anyone touching the importer. Seance's relations to itself are not
    something it carries."""
    carriers: list[tuple[type[Model], str]] = []
    for rel in Seance._meta.get_fields(include_hidden=True):
        if not rel.auto_created or rel.concrete:
            continue  # a field of Seance itself, not a relation pointing at it
        if rel.many_to_many:
            # Its table's rows (the auto-created ones reached below as hidden relations
            # already; an explicit ``through`` is a model of its own, reached likewise).
            continue
        model = rel.related_model
        if model is Seance:
            continue
        carriers.append((model, rel.field.attname))  # type: ignore[union-attr,arg-type]
    return carriers


def seances_carrying_ids(*, seance_ids: Collection[int]) -> set[int]:
    """Of ``seance_ids``, those some row points at. One query whatever their number: one
    EXISTS per model that may point at a séance (none today without such a model)."""
    carriers = seance_carriers()
    if not seance_ids or not carriers:
        return set()
    carried = Q()
    for model, attname in carriers:
        carried |= Q(Exists(model._base_manager.filter(**{attname: OuterRef("pk")})))
    return set(Seance.objects.filter(carried, pk__in=list(seance_ids)).values_list(
        "pk", flat=True))

"""Reads for activation and distribution letters: who gets a letter, what it says, the board
of activated accounts and the records to fix before printing."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from annuaire.aaf.logins import several_people_reason
from annuaire.models import (
    Enseignement,
    Etablissement,
    Inscription,
    LetterBatch,
    Parente,
    Person,
    ProfPrincipal,
    Regroupement,
    Role,
)
from ent import rights
from ent.errors import NotFound

R = Role.Kind
STAFF_KINDS = [R.DIRECTION, R.VIE_SCOLAIRE, R.DOCUMENTALISTE, R.PERSONNEL, R.ADMIN_ETAB]


class Audience:
    """Who a printing covers; the values travel in URLs and forms."""

    ELEVES = "eleves"
    PARENTS = "parents"
    FAMILLES = "familles"
    ENSEIGNANTS = "enseignants"
    PERSONNELS = "personnels"
    PERSONNE = "personne"
    LABELS = {
        ELEVES: "Élèves",
        PARENTS: "Parents",
        FAMILLES: "Élèves et parents",
        ENSEIGNANTS: "Enseignants",
        PERSONNELS: "Personnels",
        PERSONNE: "Une personne",
    }
    CHOICES = [(ELEVES, "Élèves"), (PARENTS, "Parents"), (FAMILLES, "Élèves et parents"),
               (ENSEIGNANTS, "Enseignants"), (PERSONNELS, "Personnels")]


@dataclass
class Letter:
    person: Person
    etab_name: str
    profile_label: str
    division: str = ""
    children: list = field(default_factory=list)
    code: str = ""
    expires_at: object = None


def activation_person_get(*, pk: int) -> Person | None:
    """The person an activation in progress names (its code already checked), or None."""
    return Person.objects.filter(pk=pk).first()


def letter_etabs(*, viewer):
    """Establishments where the viewer prints letters and reissues codes."""
    return Etablissement.objects.filter(rights.account_admin_etabs_q(viewer)).order_by("name")


def letter_etab_get(*, viewer, etab_id):
    etab = letter_etabs(viewer=viewer).filter(pk=etab_id).first()
    if etab is None:
        raise NotFound
    return etab


def letter_batches_list(*, etab: Etablissement) -> QuerySet[LetterBatch]:
    """The establishment's printings, newest first, with who printed them."""
    return LetterBatch.objects.filter(etablissement=etab).select_related("created_by")


def letter_batch_get(*, viewer, etab_id: int, pk: int) -> LetterBatch:
    """One printing of an establishment whose letters the viewer manages, or NotFound."""
    etab = letter_etab_get(viewer=viewer, etab_id=etab_id)
    batch = letter_batches_list(etab=etab).filter(pk=pk).first()
    if batch is None:
        raise NotFound
    batch.etablissement = etab
    return batch


def letter_batch_persons(*, batch: LetterBatch) -> QuerySet[Person]:
    """The accounts of one printing, in the order of the letters."""
    return batch.persons.order_by(*Person.NAME_ORDER).only(
        "pk", "login", "last_name", "first_name")


def code_reissue_etabs_for(*, viewer, person):
    """The establishments of ``person`` where ``viewer`` may give them a new code."""
    allowed = rights.code_reissue_etabs(viewer)
    etabs = Etablissement.objects.filter(roles__person=person).distinct().order_by("name")
    if allowed is not None:
        etabs = etabs.filter(pk__in=allowed)
    return [etab for etab in etabs if rights.can_reissue_code(viewer, person, etab)]


def divisions_of(*, etab):
    return list(Regroupement.objects.filter(
        etablissement=etab, nature=Regroupement.Nature.DIVISION).order_by("code"))


def division_get(*, etab, division_id):
    division = Regroupement.objects.filter(
        etablissement=etab, nature=Regroupement.Nature.DIVISION, pk=division_id).first()
    if division is None:
        raise NotFound
    return division


def _with_role(etab, kinds):
    return Exists(Role.objects.filter(
        person=OuterRef("pk"), etablissement=etab, role__in=kinds))


def audience_persons(*, etab, audience, division=None, person_id=None, only_not_activated=True):
    """The accounts one printing covers, ordered as the letters are handed out."""
    people = Person.objects.filter(deactivated_at__isnull=True, suspended_at__isnull=True)
    if audience == Audience.FAMILLES:
        ids = [audience_persons(etab=etab, audience=part, division=division,
                                only_not_activated=only_not_activated).order_by().values("pk")
               for part in (Audience.ELEVES, Audience.PARENTS)]
        people = people.filter(Q(pk__in=ids[0]) | Q(pk__in=ids[1]))
    elif audience == Audience.ELEVES:
        people = people.filter(_with_role(etab, [R.ELEVE]))
        if division is not None:
            people = people.filter(inscriptions__regroupement=division)
    elif audience == Audience.PARENTS:
        pupils = Inscription.objects.filter(
            regroupement__etablissement=etab, regroupement__nature=Regroupement.Nature.DIVISION)
        if division is not None:
            pupils = pupils.filter(regroupement=division)
        people = people.filter(_with_role(etab, [R.PARENT]), pk__in=Parente.objects.filter(
            representant_legal=True, eleve_id__in=pupils.values("eleve_id"),
        ).values("responsable_id"))
    elif audience == Audience.ENSEIGNANTS:
        people = people.filter(_with_role(etab, [R.ENSEIGNANT]))
    elif audience == Audience.PERSONNELS:
        people = people.filter(_with_role(etab, STAFF_KINDS)).exclude(
            _with_role(etab, [R.ENSEIGNANT]))
    elif audience == Audience.PERSONNE:
        people = people.filter(pk=person_id).filter(
            Exists(Role.objects.filter(person=OuterRef("pk"), etablissement=etab)))
    else:
        raise NotFound
    if only_not_activated:
        people = people.filter(activated_at__isnull=True)
    # An establishment never prints the académie's administrators' codes.
    people = people.exclude(is_superuser=True).exclude(
        roles__role=R.ADMIN_ACADEMIQUE)
    return people.distinct().order_by(*Person.NAME_ORDER)


def letters_build(*, etab, persons):
    """What each letter prints besides its code: establishment, division, children.

    Three queries whatever the number of letters: the persons' divisions and the children of
    the parents among them, with the children's divisions and establishments.
    """
    persons = list(persons)
    ids = [p.pk for p in persons]
    divisions = defaultdict(list)
    for eleve_id, code in Inscription.objects.filter(
            eleve_id__in=ids, regroupement__etablissement=etab,
            regroupement__nature=Regroupement.Nature.DIVISION,
    ).values_list("eleve_id", "regroupement__code"):
        divisions[eleve_id].append(code)
    links = list(Parente.objects.filter(
        responsable_id__in=ids, representant_legal=True, eleve__deactivated_at__isnull=True,
    ).select_related("eleve").order_by("eleve__birth_date", "eleve__first_name"))
    child_ids = {link.eleve_id for link in links}
    child_place = defaultdict(list)
    for eleve_id, code, etab_name in Inscription.objects.filter(
            eleve_id__in=child_ids, regroupement__nature=Regroupement.Nature.DIVISION,
    ).values_list("eleve_id", "regroupement__code", "regroupement__etablissement__name"):
        child_place[eleve_id].append((code, etab_name))
    children = defaultdict(list)
    for link in links:
        places = child_place.get(link.eleve_id) or [("", "")]
        for code, etab_name in places:
            children[link.responsable_id].append({
                "name": f"{link.eleve.first_name} {link.eleve.last_name.upper()}".strip(),
                "division": code, "etab": etab_name,
            })
    letters = []
    for person in persons:
        letters.append(Letter(
            person=person, etab_name=etab.name, profile_label=person.get_profile_display(),
            division=", ".join(sorted(divisions.get(person.pk, []))),
            children=children.get(person.pk, []),
        ))
    return letters


# --- Activation board -----------------------------------------------------------------------

@dataclass
class BoardLine:
    label: str
    audience: str
    division: Regroupement | None
    total: int
    activated: int

    @property
    def waiting(self):
        return self.total - self.activated

    @property
    def percent(self):
        return round(100 * self.activated / self.total) if self.total else 0


def _counts(people):
    return people.aggregate(
        total=Count("pk", distinct=True),
        activated=Count("pk", distinct=True, filter=Q(activated_at__isnull=False)))


def activation_board(*, etab):
    """Per profile, then per division for pupils and parents: accounts and activated ones.

    Two grouped queries for the divisions and one per profile, whatever the establishment's size.
    """
    active = Person.objects.filter(deactivated_at__isnull=True, suspended_at__isnull=True)
    profiles = []
    for audience in (Audience.ELEVES, Audience.PARENTS, Audience.ENSEIGNANTS,
                     Audience.PERSONNELS):
        counts = _counts(audience_persons(
            etab=etab, audience=audience, only_not_activated=False).order_by())
        profiles.append(BoardLine(Audience.LABELS[audience], audience, None, **counts))
    divisions = {d.pk: d for d in divisions_of(etab=etab)}
    pupils = Inscription.objects.filter(
        regroupement_id__in=divisions, eleve__in=active,
        eleve__roles__etablissement=etab, eleve__roles__role=R.ELEVE,
    ).values("regroupement_id").annotate(
        total=Count("eleve_id", distinct=True),
        activated=Count("eleve_id", distinct=True, filter=Q(eleve__activated_at__isnull=False)))
    parents = Parente.objects.filter(
        representant_legal=True, responsable__in=active,
        responsable__roles__etablissement=etab, responsable__roles__role=R.PARENT,
        eleve__inscriptions__regroupement_id__in=divisions,
    ).values("eleve__inscriptions__regroupement_id").annotate(
        total=Count("responsable_id", distinct=True),
        activated=Count("responsable_id", distinct=True,
                        filter=Q(responsable__activated_at__isnull=False)))
    pupil_counts = {row["regroupement_id"]: row for row in pupils}
    parent_counts = {row["eleve__inscriptions__regroupement_id"]: row for row in parents}
    rows = []
    for pk, division in divisions.items():
        p = pupil_counts.get(pk, {"total": 0, "activated": 0})
        r = parent_counts.get(pk, {"total": 0, "activated": 0})
        rows.append((
            division,
            BoardLine("Élèves", Audience.ELEVES, division, p["total"], p["activated"]),
            BoardLine("Parents", Audience.PARENTS, division, r["total"], r["activated"]),
        ))
    return profiles, rows


def relance_preview(*, etab, audience, division=None, now=None):
    """What a « relance » would change, for its confirmation: the accounts not yet activated
    that get a new code, and how many of them hold a code still valid (a letter already
    handed out, which stops working)."""
    now = now or timezone.now()
    persons = audience_persons(etab=etab, audience=audience, division=division).order_by()
    return persons.aggregate(
        total=Count("pk", distinct=True),
        with_code=Count("pk", distinct=True, filter=Q(
            activation_code__used_at__isnull=True, activation_code__expires_at__gt=now)))


# --- Contrôles avant distribution -----------------------------------------------------------

@dataclass
class Control:
    code: str
    title: str
    fix: str
    items: list = field(default_factory=list)


STAFF_DUPLICATE_FIX = (
    "Dans STS-web (personnels enseignants) ou dans la base des personnels du rectorat, "
    "vérifier s'il s'agit de la même personne saisie deux fois ; si oui, demander la fusion "
    "des fiches pour qu'un seul identifiant subsiste.")


def distribution_controls(*, etab):
    """The records to fix in SIECLE before printing letters, each with the fix to make."""
    members = Person.objects.filter(
        deactivated_at__isnull=True,
        pk__in=Role.objects.filter(etablissement=etab).values("person_id"))
    several = Control(
        "plusieurs_personnes", "Plusieurs personnes dans une fiche",
        "Dans SIECLE, séparer la fiche : une fiche par personne, chacune avec son prénom et "
        "son nom seuls, sans civilité.")
    for pk, first, last, profile in members.values_list(
            "pk", "first_name", "last_name", "profile").order_by(*Person.NAME_ORDER):
        reason = several_people_reason(first, last)
        if reason:
            several.items.append({"pk": pk, "name": f"{last.upper()} {first}", "detail": reason,
                                  "profile": profile})

    duplicates = Control(
        "doublon_probable", "Doublons probables (élèves et responsables)",
        "Dans SIECLE, vérifier s'il s'agit de la même personne saisie deux fois ; si oui, "
        "fusionner les fiches pour qu'un seul identifiant subsiste.")
    # Staff records come from STS-web and the rectorat's personnel base, not from SIECLE.
    staff_duplicates = Control(
        "doublon_probable_personnel", "Doublons probables (personnels)",
        STAFF_DUPLICATE_FIX)
    keys = members.exclude(birth_date__isnull=True).values(
        "population", "search_name", "birth_date").annotate(n=Count("pk")).filter(n__gt=1)
    key_q = Q(pk__in=[])
    for key in keys:
        key_q |= Q(population=key["population"], search_name=key["search_name"],
                   birth_date=key["birth_date"])
    for person in members.filter(key_q).order_by("search_name", "birth_date", "pk"):
        target = staff_duplicates if person.population == "PersEducNat" else duplicates
        target.items.append({
            "pk": person.pk, "name": person.display_name, "profile": person.profile,
            "detail": f"même nom et même date de naissance ({person.birth_date:%d/%m/%Y}) "
                      "qu'une autre fiche"})
    same_child = Parente.objects.filter(
        eleve__in=members, responsable__deactivated_at__isnull=True,
    ).values("eleve_id", "responsable__search_name").annotate(n=Count("pk")).filter(n__gt=1)
    pair_q = Q(pk__in=[])
    for row in same_child:
        pair_q |= Q(eleve_id=row["eleve_id"],
                    responsable__search_name=row["responsable__search_name"])
    for link in Parente.objects.filter(pair_q).select_related("responsable", "eleve").order_by(
            "eleve_id", "responsable_id"):
        duplicates.items.append({
            "pk": link.responsable_id, "name": link.responsable.display_name,
            "profile": link.responsable.profile,
            "detail": f"même nom qu'un autre responsable de {link.eleve.display_name}"})

    no_ine = Control(
        "eleve_sans_ine", "Élèves sans INE",
        "Dans SIECLE, faire immatriculer l'élève au répertoire national (RNIE) pour obtenir "
        "son INE, puis attendre le prochain import.")
    for person in members.filter(_with_role(etab, [R.ELEVE]), ine="").order_by(
            *Person.NAME_ORDER):
        no_ine.items.append({"pk": person.pk, "name": person.display_name,
                             "profile": person.profile, "detail": "INE absent"})

    orphan_parents = Control(
        "parent_sans_enfant", "Parents sans lien avec un enfant",
        "Dans SIECLE (Responsables), rattacher le responsable à son enfant comme représentant "
        "légal, ou supprimer la fiche si elle n'a plus lieu d'être.")
    legal_children = Parente.objects.filter(
        responsable=OuterRef("pk"), representant_legal=True,
        eleve__deactivated_at__isnull=True, eleve__roles__etablissement=etab)
    parents = Person.objects.filter(deactivated_at__isnull=True).filter(
        Q(_with_role(etab, [R.PARENT])) | Q(population="PersRelEleve",
                                             main_etab_aaf=etab.aaf_id or "-"))
    for person in parents.exclude(Exists(legal_children)).order_by(*Person.NAME_ORDER):
        orphan_parents.items.append({"pk": person.pk, "name": person.display_name,
                                     "profile": person.profile,
                                     "detail": "aucun enfant de l'établissement"})

    idle_teachers = Control(
        "enseignant_sans_service", "Enseignants sans service",
        "Dans STS-web, saisir le service de l'enseignant (divisions, groupes et matières), "
        "puis attendre le prochain import.")
    services = Enseignement.objects.filter(
        enseignant=OuterRef("pk"), regroupement__etablissement=etab)
    principal = ProfPrincipal.objects.filter(
        enseignant=OuterRef("pk"), regroupement__etablissement=etab)
    for person in members.filter(_with_role(etab, [R.ENSEIGNANT])).exclude(
            Exists(services)).exclude(Exists(principal)).order_by(*Person.NAME_ORDER):
        idle_teachers.items.append({"pk": person.pk, "name": person.display_name,
                                    "profile": person.profile,
                                    "detail": "aucune division ni aucun groupe"})
    return [several, duplicates, staff_duplicates, no_ine, orphan_parents, idle_teachers]


# The controls that make a letter doubtful: printing it asks for confirmation.
BLOCKING_CONTROLS = {"plusieurs_personnes", "doublon_probable", "doublon_probable_personnel"}


def flagged_person_ids(*, etab):
    return {item["pk"] for control in distribution_controls(etab=etab)
            if control.code in BLOCKING_CONTROLS for item in control.items}


def audience_flagged(*, etab, persons) -> list[Person]:
    """Those of a printing's accounts whose record a control flags (to fix before printing)."""
    return list(persons.filter(pk__in=flagged_person_ids(etab=etab)))


def audience_exists(*, persons) -> bool:
    return persons.exists()

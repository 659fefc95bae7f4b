"""Reads of the directory. Each takes the viewer and returns only what the viewer may see."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Exists, F, Min, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Coalesce, NullIf, Replace
from django.utils import timezone

from ent import rights
from ent.errors import NotFound
from ent.rights import catalogue as catalogue_rights

from .models import (
    AccountState,
    Enseignement,
    Etablissement,
    Fonction,
    ImportIssue,
    Inscription,
    MatiereEnseignee,
    Parente,
    Person,
    ProfPrincipal,
    PurgeRun,
    Regroupement,
    Role,
    Suspension,
)
from .text import search_terms


def _subject_label(matiere: str):
    """The subject as people read it: SIECLE / STS-web's edition label (« Mathématiques »), else
    AAF's uppercase one, as Matiere.shown_label does for a loaded subject."""
    return Coalesce(NullIf(F(f"{matiere}__libelle_edition"), Value("")), F(f"{matiere}__libelle"))


PROFILE_FILTERS = [
    ("eleve", "Élèves"), ("parent", "Parents"), ("enseignant", "Enseignants"),
    ("direction", "Direction"), ("vie_scolaire", "CPE / vie scolaire"),
    ("documentaliste", "Documentalistes"), ("sante", "Infirmière, service social"),
    ("psyen", "Psychologues de l'Éducation nationale"), ("personnel", "Autres personnels"),
    ("admin_etab", "Administrateurs d'établissement"),
]
# Profiles the feed gives no role of its own: found by their AAF function code.
FUNCTION_PROFILES = {"sante": "MDS", "psyen": "ORI"}
PROFILE_BY_FUNCTION = {code: key for key, code in FUNCTION_PROFILES.items()}


@dataclass
class DirectoryFilters:
    q: str = ""
    profile: str = ""
    division: int | None = None
    groupe: int | None = None
    matiere: str = ""
    state: str = ""


def directory_etabs(*, viewer):
    """Establishments whose whole directory the viewer browses, with filters."""
    return rights.full_directory_etabs(viewer).only("id", "name", "uai")


def directory_etab_get(*, viewer, etab_id):
    try:
        return directory_etabs(viewer=viewer).get(pk=etab_id)
    except (Etablissement.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("Établissement inconnu") from exc


def directory_filter_options(*, etab):
    regroupements = list(Regroupement.objects.filter(etablissement=etab).order_by("nature", "code"))
    subjects = set(
        Enseignement.objects.filter(regroupement__etablissement=etab, matiere__isnull=False)
        .values_list("matiere__libelle", flat=True).distinct())
    subjects |= set(MatiereEnseignee.objects.filter(etablissement=etab)
                    .values_list("libelle", flat=True).distinct())
    return {
        "divisions": [r for r in regroupements if r.nature == Regroupement.Nature.DIVISION],
        "groupes": [r for r in regroupements if r.nature == Regroupement.Nature.GROUPE],
        "matieres": sorted(subjects),
        "profiles": PROFILE_FILTERS,
        "states": AccountState.choices,
    }


def directory_profiles(*, viewer, etab=None):
    """The profile filter's choices that find someone: in ``etab``'s whole directory, or among
    the people the viewer sees (a pupil is offered the CPE only if their collège has one).

    One query: the roles and the contact functions present, as a UNION.
    """
    roles = Role.objects.all()
    fonctions = Fonction.objects.filter(code__in=PROFILE_BY_FUNCTION)
    if etab is not None:
        roles = roles.filter(etablissement=etab)
        fonctions = fonctions.filter(etablissement=etab)
    elif not rights.is_academy_admin(viewer):
        visible = rights.visible_ids(viewer)
        scope = rights.visible_etab_ids(viewer)
        roles = roles.filter(person_id__in=visible, etablissement_id__in=scope)
        fonctions = fonctions.filter(person_id__in=visible, etablissement_id__in=scope)
    found = set(roles.values_list("role", flat=True).distinct().union(
        fonctions.values_list("code", flat=True).distinct()))
    found |= {PROFILE_BY_FUNCTION[code] for code in found if code in PROFILE_BY_FUNCTION}
    return [(key, label) for key, label in PROFILE_FILTERS if key in found]


def teacher_regroupements(*, viewer):
    """The divisions and groups a teacher teaches, in the establishments where they teach:
    their directory filters and class lists."""
    teacher_etabs = rights.etab_ids_with(viewer, {Role.Kind.ENSEIGNANT})
    if not teacher_etabs:
        return []
    return list(Regroupement.objects.filter(
        pk__in=rights.taught_regroupement_ids(viewer, teacher_etabs),
    ).select_related("etablissement").order_by("etablissement__name", "nature", "code"))


def teacher_filter_options(*, regroupements):
    """The directory's division and group filters for a teacher: only those they teach."""
    return {
        "divisions": [r for r in regroupements if r.nature == Regroupement.Nature.DIVISION],
        "groupes": [r for r in regroupements if r.nature == Regroupement.Nature.GROUPE],
    }


def regroupement_matching(query, regroupements):
    """The division or group the search box names (« 4C », « 4 c », « 3latin »), if any."""
    wanted = "".join(search_terms(query))
    if not wanted:
        return None
    for regroupement in regroupements:
        if "".join(search_terms(regroupement.code)) == wanted:
            return regroupement
    return None


def class_list_get(*, viewer, regroupement_id):
    """A division or group whose class list the viewer may open; 404 otherwise."""
    try:
        return Regroupement.objects.filter(rights.class_list_regroupements_q(viewer)).select_related(
            "etablissement").get(pk=regroupement_id)
    except (Regroupement.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("Classe introuvable") from exc


@dataclass
class ClassList:
    regroupement: Regroupement
    pupils: list  # Person, with .divisions (codes of their divisions here) for a group
    teachers: list  # (Person, [subject labels], is professeur principal)


def class_list(*, regroupement):
    """The pupils of a division or group (active accounts, in French name order) and its
    teachers with their subjects, in four queries whatever the class's size."""
    pupils = list(Person.objects.filter(
        Exists(Inscription.objects.filter(eleve=OuterRef("pk"), regroupement=regroupement)),
        deactivated_at__isnull=True,
    ).order_by(*Person.NAME_ORDER).prefetch_related(Prefetch(
        "inscriptions", to_attr="division_inscriptions",
        queryset=Inscription.objects.filter(
            regroupement__etablissement_id=regroupement.etablissement_id,
            regroupement__nature=Regroupement.Nature.DIVISION,
        ).select_related("regroupement").order_by("regroupement__code"))))
    for pupil in pupils:
        pupil.divisions = [  # type: ignore[attr-defined]  # an attribute for the template
            i.regroupement.code for i in pupil.division_inscriptions]
    subjects: dict[int, list[str]] = {}
    for enseignant, libelle in Enseignement.objects.filter(
            regroupement=regroupement, enseignant__deactivated_at__isnull=True,
    ).values_list("enseignant", _subject_label("matiere")):
        labels = subjects.setdefault(enseignant, [])
        if libelle and libelle not in labels:
            labels.append(libelle)
    principals = set(ProfPrincipal.objects.filter(regroupement=regroupement).values_list(
        "enseignant_id", flat=True))
    people = Person.objects.filter(pk__in=set(subjects) | principals,
                                   deactivated_at__isnull=True).order_by(*Person.NAME_ORDER)
    teachers = [(p, sorted(subjects.get(p.pk, [])), p.pk in principals) for p in people]
    return ClassList(regroupement=regroupement, pupils=pupils, teachers=teachers)


def directory_search(*, viewer, etab=None, filters=None):
    """People matching the filters, among those the viewer may see (in ``etab`` when given)."""
    filters = filters or DirectoryFilters()
    people = Person.objects.filter(rights.persons_visible_q(viewer))
    if etab is not None:
        people = people.filter(Exists(Role.objects.filter(person=OuterRef("pk"), etablissement=etab)))
    if filters.state:
        people = people.filter(Person.objects.state_filter(filters.state))
    else:
        people = people.filter(deactivated_at__isnull=True)
    terms = search_terms(filters.q)
    if terms:
        # Also without the key's spaces: « dellaquila » (as the login spells it), « lefloch »
        # and « ndiaye » find DELL'AQUILA, LE FLOCH and N'DIAYE.
        people = people.annotate(search_compact=Replace("search_name", Value(" "), Value("")))
    for term in terms:
        # The annotation above is not followed through the reassignment by django-stubs.
        people = people.filter(search_compact__contains=term)  # type: ignore[misc]
    if filters.profile in FUNCTION_PROFILES:
        fonctions = Fonction.objects.filter(person=OuterRef("pk"),
                                            code=FUNCTION_PROFILES[filters.profile])
        if etab is not None:
            fonctions = fonctions.filter(etablissement=etab)
        people = people.filter(Exists(fonctions))
    elif filters.profile:
        roles = Role.objects.filter(person=OuterRef("pk"), role=filters.profile)
        if etab is not None:
            roles = roles.filter(etablissement=etab)
        people = people.filter(Exists(roles))
    # A division and a group together: the people of both (the 3A pupils of the Latin group).
    for regroupement in (filters.division, filters.groupe):
        if not regroupement:
            continue
        regs = Regroupement.objects.filter(pk=regroupement)
        if etab is not None:
            regs = regs.filter(etablissement=etab)
        people = people.filter(
            Exists(Inscription.objects.filter(eleve=OuterRef("pk"), regroupement__in=regs))
            | Exists(Enseignement.objects.filter(enseignant=OuterRef("pk"), regroupement__in=regs)))
    if filters.matiere:
        taught = Enseignement.objects.filter(enseignant=OuterRef("pk"), matiere__libelle=filters.matiere)
        local = MatiereEnseignee.objects.filter(enseignant=OuterRef("pk"), libelle=filters.matiere)
        if etab is not None:
            taught = taught.filter(regroupement__etablissement=etab)
            local = local.filter(etablissement=etab)
        people = people.filter(Exists(taught) | Exists(local))
    # The folded name, not last_name: the feed mixes « BLANC » and « Baron », and byte order
    # (SQLite, PostgreSQL's C collation) would put « ÉTIENNE » and « d'Aubigné » after « ZOLA ».
    return people.order_by(*Person.NAME_ORDER)


def directory_page_prefetch(people, *, viewer, etab=None):
    """What a directory row shows: roles and divisions, in one query each for the page.

    Only those of ``etab``, or of the viewer's establishments as on the person's card: a
    teacher's colleague who also teaches elsewhere is not shown with the other collège.
    """
    roles = Role.objects.select_related("etablissement")
    regs = Inscription.objects.select_related("regroupement").order_by("regroupement__code")
    fonctions = Fonction.objects.filter(code__in=PROFILE_BY_FUNCTION).order_by("libelle")
    scope = {etab.pk} if etab is not None else rights.visible_etab_ids(viewer)
    if scope is not None:
        roles = roles.filter(etablissement_id__in=scope)
        regs = regs.filter(regroupement__etablissement_id__in=scope)
        fonctions = fonctions.filter(etablissement_id__in=scope)
    return people.prefetch_related(
        Prefetch("roles", queryset=roles, to_attr="shown_roles"),
        Prefetch("inscriptions", queryset=regs, to_attr="shown_inscriptions"),
        Prefetch("fonctions", queryset=fonctions, to_attr="shown_fonctions"),
    )


def _de(name):
    """« de Samuel », « d'Emma », « d'Hugo »."""
    return f"d'{name}" if name[:1].upper() in "AEIOUYHÂÀÉÈÊËÎÏÔÛÜ" else f"de {name}"


def family_teacher_labels(*, viewer, person_ids):
    """For a parent's directory page: each teacher of their children with the subject and the
    child they teach (« MATHEMATIQUES — professeur de Samuel »), in two queries for the page.

    ``{teacher id: [label, …]}``; empty for anyone who is not a parent.
    """
    if not person_ids or not rights.etab_ids_with(viewer, {Role.Kind.PARENT}):
        return {}
    children = rights.legal_children_ids(viewer)
    pupil = "regroupement__inscriptions__eleve"
    taught = Enseignement.objects.filter(
        enseignant_id__in=person_ids, **{f"{pupil}_id__in": children},
    ).values_list("enseignant_id", _subject_label("matiere"), f"{pupil}__first_name", f"{pupil}_id")
    principal = ProfPrincipal.objects.filter(
        enseignant_id__in=person_ids, **{f"{pupil}_id__in": children},
    ).values_list("enseignant_id", f"{pupil}__first_name", f"{pupil}_id")
    # (teacher, child) → subjects, then one label per subject with the children it is taught to.
    by_subject: dict[tuple[int, str | None], dict[int, str]] = {}
    for teacher, subject, first_name, child in taught:
        key = (teacher, subject or "")
        names = by_subject.setdefault(key, {})
        names[child] = first_name
    # A course without a subject says nothing more for a child the teacher has a subject for.
    with_subject = {(teacher, child) for (teacher, subject), names in by_subject.items()
                    if subject for child in names}
    for (teacher, subject), names in list(by_subject.items()):
        if not subject:
            for child in [c for c in names if (teacher, c) in with_subject]:
                del names[child]
            if not names:
                del by_subject[(teacher, subject)]
    for teacher, first_name, child in principal:
        by_subject.setdefault((teacher, None), {})[child] = first_name
    labels: dict[int, list[str]] = {}
    for (teacher, subject), names in sorted(by_subject.items(),
                                            key=lambda kv: (kv[0][1] is None, kv[0][1] or "")):
        children_text = " et ".join(_de(n) for n in sorted(names.values()))
        if subject is None:
            label = f"Professeur principal {children_text}"
        elif subject:
            label = f"{subject} — professeur {children_text}"
        else:
            label = f"Professeur {children_text}"
        labels.setdefault(teacher, []).append(label)
    return labels


def directory_row_labels(person, *, etab=None):
    """What a row says the person is: their roles, where a contact function (« Infirmière »,
    « Psychologue de l'Éducation nationale ») replaces the bare « Personnel »."""
    functions = [f.contact_label for f in getattr(person, "shown_fonctions", [])]
    labels = []
    for role in person.shown_roles:
        if role.role == Role.Kind.PERSONNEL and functions:
            continue
        label = role.get_role_display()
        if etab is None:
            label += f" — {role.etablissement.name if role.etablissement else 'académie'}"
        labels.append(label)
    for label in functions:
        if label not in labels:
            labels.append(label)
    return labels


@dataclass
class PersonCard:
    person: Person
    roles: list
    divisions: list
    groupes: list
    enseignements: list
    principal_of: list
    matieres_locales: list
    fonctions: list
    enfants: list
    responsables: list
    show_account: bool
    # A pupil's schooling details (birth date, INE, formation, régime, options).
    show_pupil_details: bool = False


def person_card(*, viewer, person_id):
    """A person's card, with the rattachements the viewer may see; 404 outside their reach."""
    try:
        person = Person.objects.filter(rights.persons_visible_q(viewer)).get(pk=person_id)
    except (Person.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("Personne introuvable") from exc
    scope = rights.visible_etab_ids(viewer)

    def in_scope(qs, field):
        return qs if scope is None else qs.filter(**{f"{field}__in": scope})

    roles = list(in_scope(Role.objects.filter(person=person), "etablissement_id")
                 .select_related("etablissement").order_by("etablissement__name", "role"))
    inscriptions = list(in_scope(
        Inscription.objects.filter(eleve=person), "regroupement__etablissement_id")
        .select_related("regroupement__etablissement").order_by("regroupement__code"))
    enseignements = list(in_scope(
        Enseignement.objects.filter(enseignant=person), "regroupement__etablissement_id")
        .select_related("regroupement__etablissement", "matiere")
        .order_by("regroupement__code", "matiere__libelle"))
    principal_of = list(in_scope(
        ProfPrincipal.objects.filter(enseignant=person), "regroupement__etablissement_id")
        .select_related("regroupement"))
    matieres_locales = list(in_scope(
        MatiereEnseignee.objects.filter(enseignant=person), "etablissement_id")
        .select_related("etablissement").order_by("libelle"))
    fonctions = list(in_scope(Fonction.objects.filter(person=person), "etablissement_id")
                     .select_related("etablissement").order_by("libelle"))
    visible = rights.persons_visible_q(viewer)
    visible_people = Person.objects.filter(visible).values("pk")
    enfants = list(Parente.objects.filter(responsable=person, eleve__in=visible_people)
                   .select_related("eleve").order_by("eleve__last_name", "eleve__first_name"))
    responsables = list(Parente.objects.filter(eleve=person, responsable__in=visible_people)
                        .select_related("responsable")
                        .order_by("-representant_legal", "responsable__last_name"))
    etab_ids = {r.etablissement_id for r in roles}
    show_account = rights.can_see_account_details(viewer, etab_ids)
    is_pupil = any(r.role == Role.Kind.ELEVE for r in roles)
    return PersonCard(
        person=person, roles=roles,
        divisions=[i.regroupement for i in inscriptions
                   if i.regroupement.nature == Regroupement.Nature.DIVISION],
        groupes=[i.regroupement for i in inscriptions
                 if i.regroupement.nature == Regroupement.Nature.GROUPE],
        enseignements=enseignements, principal_of=[p.regroupement for p in principal_of],
        matieres_locales=matieres_locales, fonctions=fonctions, enfants=enfants,
        responsables=responsables,
        show_account=show_account,
        show_pupil_details=show_account or (
            is_pupil and catalogue_rights.can_see_pupil_details(viewer, etab_ids)),
    )


def home_summary(*, viewer):
    """Who the viewer is, for the home page: roles by establishment."""
    by_etab: dict[str, list[str]] = {}
    for role in rights.roles_of(viewer):
        key = role.etablissement.name if role.etablissement else "Toute l'académie"
        by_etab.setdefault(key, []).append(role.get_role_display())
    return sorted(by_etab.items())


# --- AAF imports ----------------------------------------------------------------------------
def aaf_imports_list(*, viewer):
    from .models import AafImport

    if not rights.can_import_aaf(viewer):
        return AafImport.objects.none()
    return AafImport.objects.select_related("created_by", "decided_by")


def aaf_import_get(*, viewer, pk):
    try:
        return aaf_imports_list(viewer=viewer).get(pk=pk)
    except Exception as exc:
        raise NotFound("Import introuvable") from exc


def aaf_import_issues(*, aaf_import, level, code=""):
    issues = ImportIssue.objects.filter(aaf_import=aaf_import, level=level)
    if code:
        issues = issues.filter(code=code)
    return issues.order_by("id")


def aaf_import_issue_counts(*, aaf_import):
    from django.db.models import Count

    counts: dict[str, dict[str, int]] = {}
    for level, code, n in (ImportIssue.objects.filter(aaf_import=aaf_import)
                           .values_list("level", "code").annotate(n=Count("id"))):
        counts.setdefault(level, {})[code] = n
    return counts


# --- Account states -------------------------------------------------------------------------
def account_etabs(*, viewer):
    """Establishments whose accounts the viewer administers (filter of the account lists)."""
    if not rights.can_manage_accounts(viewer):
        return Etablissement.objects.none()
    return Etablissement.objects.filter(rights.login_block_etabs_q(viewer)).only("id", "name", "uai")


def _in_etab(people, etab):
    if etab is None:
        return people
    return people.filter(
        Exists(Role.objects.filter(person=OuterRef("pk"), etablissement=etab))
        | Exists(Parente.objects.filter(responsable=OuterRef("pk"),
                                        eleve__roles__etablissement=etab)))


def accounts_in_state(*, viewer, state, etab=None):
    """Suspended or deactivated accounts the viewer administers, in ``etab`` when given."""
    if not rights.can_manage_accounts(viewer):
        raise NotFound
    people = Person.objects.filter(rights.managed_accounts_q(viewer))
    if state == AccountState.SUSPENDU:
        from .suspensions import suspended_accounts_in

        return suspended_accounts_in(people=_in_etab(people, etab), viewer=viewer)
    people = people.filter(Person.objects.state_filter(state))
    return _in_etab(people, etab).order_by("deactivated_at", *Person.NAME_ORDER)


def accounts_page_prefetch(people):
    roles = Role.objects.select_related("etablissement").order_by("etablissement__name")
    return people.prefetch_related(Prefetch("roles", queryset=roles, to_attr="shown_roles"))


def managed_account_get(*, viewer, person_id):
    """A person whose account the viewer administers; 404 otherwise."""
    if not rights.can_manage_accounts(viewer):
        raise NotFound
    try:
        return Person.objects.filter(rights.managed_accounts_q(viewer)).get(pk=person_id)
    except (Person.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("Personne introuvable") from exc


# --- Purge ----------------------------------------------------------------------------------
def purge_cutoff(*, now=None):
    """Accounts deactivated at or before this moment have waited out the purge delay."""
    return (now or timezone.now()) - timedelta(days=settings.ENT_PURGE_DELAY_DAYS)


def accounts_due_for_purge(*, cutoff):
    return Person.objects.filter(deactivated_at__isnull=False, deactivated_at__lte=cutoff)


@dataclass(frozen=True)
class PurgeOverview:
    deactivated: int
    due: int
    delay: int
    next_due_on: date | None  # when the first deactivated account not yet due will be


def person_is_suspended(*, person) -> bool:
    """Whether some establishment (or the académie) still suspends this account."""
    return Suspension.objects.filter(person=person).exists()


def purge_runs_recent(*, viewer, limit: int = 50):
    """The latest purges, newest first, with who triggered them."""
    if not rights.can_purge_accounts(viewer):
        raise NotFound
    return PurgeRun.objects.select_related("triggered_by")[:limit]


def purge_overview(*, viewer, now=None):
    """What the purge page shows: deactivated accounts, those due now, the next due date."""
    if not rights.can_purge_accounts(viewer):
        raise NotFound
    cutoff = purge_cutoff(now=now)
    figures = Person.objects.filter(deactivated_at__isnull=False).aggregate(
        deactivated=Count("id"), due=Count("id", filter=Q(deactivated_at__lte=cutoff)),
        first_waiting=Min("deactivated_at", filter=Q(deactivated_at__gt=cutoff)))
    delay = settings.ENT_PURGE_DELAY_DAYS
    first = figures["first_waiting"]
    return PurgeOverview(
        deactivated=figures["deactivated"], due=figures["due"], delay=delay,
        next_due_on=timezone.localtime(first + timedelta(days=delay)).date() if first else None)

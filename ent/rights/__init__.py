"""Who may see and change what. Every view and selector asks here; nothing else decides.

Rights come from ``Role`` rows (per establishment) and, for the technical superuser, from
Django's flag. Each function takes the viewer first; the ``*_q`` functions return the Q object a
selector filters with, so a page's listing and its 404s follow the same rule.
"""

from django.db.models import Exists, OuterRef, Q

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

R = Role.Kind
# Roles that see the whole directory of their establishment.
FULL_DIRECTORY_ROLES = {R.DIRECTION, R.ADMIN_ETAB, R.VIE_SCOLAIRE, R.DOCUMENTALISTE}
# Roles that administer their establishment (accounts, states, logins).
ETAB_ADMIN_ROLES = {R.DIRECTION, R.ADMIN_ETAB}
STAFF_ROLES = {R.ENSEIGNANT, R.DIRECTION, R.VIE_SCOLAIRE, R.DOCUMENTALISTE, R.PERSONNEL,
               R.ADMIN_ETAB}


def roles_of(viewer):
    """The viewer's roles, read once per request (cached on the object)."""
    if not getattr(viewer, "is_authenticated", False):
        return []
    cached = getattr(viewer, "_roles_cache", None)
    if cached is None:
        cached = list(Role.objects.filter(person=viewer).select_related("etablissement"))
        viewer._roles_cache = cached
    return cached


def is_academy_admin(viewer):
    return bool(getattr(viewer, "is_superuser", False)) or any(
        r.role == R.ADMIN_ACADEMIQUE for r in roles_of(viewer))


def etab_ids_with(viewer, kinds):
    return {r.etablissement_id for r in roles_of(viewer) if r.role in kinds and r.etablissement_id}


def administered_etabs_q(viewer):
    """Establishments the viewer administers: every one for the académie's administrators,
    those where they are direction or admin_etab for the others."""
    if is_academy_admin(viewer):
        return Q()
    return Q(id__in=etab_ids_with(viewer, ETAB_ADMIN_ROLES))


def administers(viewer, etab=None):
    """Whether the viewer administers ``etab`` (an establishment or its id), or at least one
    establishment when None."""
    if not getattr(viewer, "is_authenticated", False):
        return False
    if is_academy_admin(viewer):
        return True
    mine = etab_ids_with(viewer, ETAB_ADMIN_ROLES)
    return bool(mine) if etab is None else getattr(etab, "pk", etab) in mine


def can_import_aaf(viewer):
    return is_academy_admin(viewer)


def can_use_django_admin(viewer):
    """Django's admin site, when ENT_DJANGO_ADMIN mounts it: the académie's administrators."""
    return bool(getattr(viewer, "is_active", False)) and is_academy_admin(viewer)


def can_purge_accounts(viewer):
    return is_academy_admin(viewer)


def can_browse_directory(viewer):
    return getattr(viewer, "is_authenticated", False) and bool(
        is_academy_admin(viewer) or roles_of(viewer))


def full_directory_etab_ids(viewer):
    """Establishments whose whole directory the viewer may browse (empty for the académie's
    administrators, who see every establishment through ``full_directory_etabs_q``): those of
    their roles that see it all, and those whose secretariat they are."""
    if is_academy_admin(viewer):
        return set()
    return etab_ids_with(viewer, FULL_DIRECTORY_ROLES) | secretariat_etab_ids(viewer)


# --- The establishment's secretariat --------------------------------------------------------
# ENTPersonFonctions codes of the administrative staff (secrétariat de direction, gestion).
SECRETARIAT_FUNCTIONS = {"ADF"}
SECRETARIAT_RIGHTS = ("imports_siecle", "prints_letters")


def secretariat_etab_ids(viewer):
    """Establishments whose secretariat the viewer is: personnel there whose AAF function is
    administrative, or whom the principal designated. Read once per request, and only for
    people with the personnel role (the only ones who may be designated)."""
    cached = getattr(viewer, "_secretariat_cache", None)
    if cached is None:
        cached = set()
        candidates = etab_ids_with(viewer, {R.PERSONNEL})
        if candidates:
            from annuaire.models import SecretariatMember

            by_function = Fonction.objects.filter(
                person=viewer, etablissement_id__in=candidates, code__in=SECRETARIAT_FUNCTIONS)
            designated = SecretariatMember.objects.filter(
                person=viewer, etablissement_id__in=candidates)
            cached = set(_ids(by_function, "etablissement_id").union(
                _ids(designated, "etablissement_id")))
        viewer._secretariat_cache = cached
    return cached


def secretariat_right_etab_ids(viewer, right):
    """Establishments whose secretariat the viewer is and keeps ``right`` (one of
    SECRETARIAT_RIGHTS) in: granted unless the principal withdrew it."""
    from annuaire.models import SecretariatSettings

    mine = secretariat_etab_ids(viewer)
    if not mine:
        return set()
    cache = viewer.__dict__.setdefault("_secretariat_rights_cache", {})
    if right not in cache:
        withdrawn = SecretariatSettings.objects.filter(
            etablissement_id__in=mine, **{right: False}).values_list("etablissement_id", flat=True)
        cache[right] = mine - set(withdrawn)
    return cache[right]


def can_manage_secretariat(viewer, etab):
    """Designate the secretariat and withdraw its rights: the establishment's administrators."""
    return administers(viewer, etab)


def full_directory_etabs_q(viewer):
    """Establishments whose whole directory the viewer may browse and filter."""
    if is_academy_admin(viewer):
        return Q()
    return Q(id__in=full_directory_etab_ids(viewer))


def full_directory_etabs(viewer):
    return Etablissement.objects.filter(full_directory_etabs_q(viewer))


def can_see_account_details(viewer, etab_ids):
    """Logins and account states: the establishment's administrators and the académie's."""
    return is_academy_admin(viewer) or bool(set(etab_ids) & etab_ids_with(viewer, ETAB_ADMIN_ROLES))


def can_manage_account(viewer, person):
    """Rename a login: see ``account_action_refusal``."""
    return can_act_on_account(viewer, person)


# --- Actions on one account (new code, login, suspension, reactivation, purge) ---------------
# An account is one person's in every establishment that holds them: a new code, a new login,
# a reactivation or a purge changes it everywhere. An establishment's administrator acts on it
# only when they administer every one of those establishments; a parent with a child in
# another collège, or a teacher shared by two, is the académie's (or both directions' together)
# to change. An establishment's administrators themselves (direction, admin_etab) are the
# académie's: a principal cannot take over the account of the other administrator of his
# collège with a new code, nor rename it.
SHARED_ACCOUNT_REFUSAL = (
    "Ce compte est aussi rattaché à un établissement que vous n'administrez pas : seule "
    "l'académie peut le modifier (nouveau code, identifiant, réactivation, purge).")
ADMIN_ACCOUNT_REFUSAL = (
    "Le compte d'un administrateur d'établissement ou de l'académie ne peut être modifié que "
    "par l'académie.")


def person_etab_ids(person):
    """The establishments that hold a person: those of their roles, and for a relative those
    of the pupils they are linked to (a relative who is not a legal guardian has no role).
    Read once per object."""
    cached = getattr(person, "_held_etab_ids_cache", None)
    if cached is None:
        children = Parente.objects.filter(responsable=person).values("eleve_id")
        cached = frozenset(Role.objects.filter(
            Q(person=person) | Q(person__in=children, role=R.ELEVE),
            etablissement__isnull=False).values_list("etablissement_id", flat=True))
        person._held_etab_ids_cache = cached
    return cached


def is_etab_administrator(person):
    return Role.objects.filter(person=person, role__in=ETAB_ADMIN_ROLES).exists()


def account_action_refusal(viewer, person, *, allowed_etabs=None):
    """Why ``viewer`` may not change ``person``'s account as a whole (a French sentence),
    or None when they may.

    ``allowed_etabs`` are the establishments where the viewer's role lets them act (by
    default those they administer; the académie's administrators act everywhere).
    """
    if not getattr(viewer, "is_authenticated", False) or person.pk == viewer.pk:
        return ADMIN_ACCOUNT_REFUSAL
    if person.is_superuser and not viewer.is_superuser:
        return ADMIN_ACCOUNT_REFUSAL
    if is_academy_admin(viewer):
        return None
    if is_academy_admin(person) or is_etab_administrator(person):
        return ADMIN_ACCOUNT_REFUSAL
    held = person_etab_ids(person)
    allowed = etab_ids_with(viewer, ETAB_ADMIN_ROLES) if allowed_etabs is None else allowed_etabs
    if not held or not held <= set(allowed):
        return SHARED_ACCOUNT_REFUSAL
    return None


def can_act_on_account(viewer, person, *, allowed_etabs=None):
    return account_action_refusal(viewer, person, allowed_etabs=allowed_etabs) is None


def visible_etab_ids(viewer):
    """Establishments the viewer belongs to in any role (None: all of them)."""
    if is_academy_admin(viewer):
        return None
    return {r.etablissement_id for r in roles_of(viewer) if r.etablissement_id}


def _has_role(etab_ids, kinds=None):
    roles = Role.objects.filter(person=OuterRef("pk"), etablissement_id__in=etab_ids)
    if kinds is not None:
        roles = roles.filter(role__in=kinds)
    return Exists(roles)


def legal_children_ids(viewer):
    """The children a parent answers for, as a subquery of their ids: a legal link only, to
    an active account. The directory and the timetable both follow it."""
    return Parente.objects.filter(
        responsable=viewer, representant_legal=True, eleve__deactivated_at__isnull=True,
    ).values("eleve_id")


# Staff every pupil and family may reach in their establishment: by role, and by AAF function
# for those the feed gives no role of their own (the school nurse, the PsyEN).
CONTACT_ROLES = {R.DIRECTION, R.VIE_SCOLAIRE, R.DOCUMENTALISTE}
# ENTPersonFonctions codes: MDS is the médico-social staff (infirmière, assistante sociale),
# ORI the psychologues de l'Éducation nationale (orientation).
CONTACT_FUNCTIONS = {"MDS", "ORI"}


def _active(qs, field):
    """Only the rows whose ``field`` is an account still in the feed."""
    return qs.filter(**{f"{field}__deactivated_at__isnull": True})


def _ids(qs, field):
    return qs.values_list(field, flat=True)


def contact_ids(etab_ids):
    """Ids of the staff contacts of these establishments (active accounts), as subqueries."""
    return [
        _ids(_active(Role.objects.filter(etablissement_id__in=etab_ids, role__in=CONTACT_ROLES),
                     "person"), "person_id"),
        _ids(_active(Fonction.objects.filter(etablissement_id__in=etab_ids,
                                             code__in=CONTACT_FUNCTIONS), "person"), "person_id"),
    ]


def visible_id_parts(viewer):
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
        pupils = Inscription.objects.filter(regroupement_id__in=taught).values("eleve_id")
        parts.append(_ids(_active(Inscription.objects.filter(regroupement_id__in=taught),
                                  "eleve"), "eleve_id"))
        parts.append(_ids(_active(Parente.objects.filter(
            eleve_id__in=pupils, representant_legal=True), "responsable"), "responsable_id"))
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


def visible_ids(viewer):
    """The ids of the people the viewer may see, as one subquery (a UNION)."""
    first, *rest = visible_id_parts(viewer)
    return first.union(*rest) if rest else first


def persons_visible_q(viewer):
    """The people the viewer may see in the directory."""
    if not getattr(viewer, "is_authenticated", False):
        return Q(pk__in=[])
    if is_academy_admin(viewer):
        return Q()
    return Q(pk__in=visible_ids(viewer))


def taught_regroupement_ids(viewer, etab_ids=None):
    """The divisions and groups a teacher teaches or is professeur principal of (ids)."""
    taught = Enseignement.objects.filter(enseignant=viewer)
    principal = ProfPrincipal.objects.filter(enseignant=viewer)
    if etab_ids is not None:
        taught = taught.filter(regroupement__etablissement_id__in=etab_ids)
        principal = principal.filter(regroupement__etablissement_id__in=etab_ids)
    return _ids(taught, "regroupement_id").union(_ids(principal, "regroupement_id"))


def class_list_regroupements_q(viewer):
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


def persons_visible(viewer):
    return Person.objects.filter(persons_visible_q(viewer))


def person_visible(viewer, person_id):
    return persons_visible(viewer).filter(pk=person_id).exists()


# --- Login blocks, suspension, deactivated accounts ---
def login_block_etabs_q(viewer):
    """Establishments whose login blocks the viewer lists and changes."""
    return administered_etabs_q(viewer)


def can_block_logins(viewer, etab=None):
    """Block profiles or divisions of ``etab`` (of some establishment when None)."""
    return administers(viewer, etab)


def can_block_whole_etab(viewer):
    """Closing a whole establishment, its direction included, is the académie's decision."""
    return is_academy_admin(viewer)


def is_never_blocked(person):
    """Académie administrators and superusers log in whatever an establishment decides."""
    return is_academy_admin(person)


def managed_accounts_q(viewer):
    """People whose account the viewer administers (suspend, reactivate, purge).

    An establishment's direction manages whoever has a role there, and the relatives of its
    pupils (those who are not legal guardians have no role of their own).
    """
    if is_academy_admin(viewer):
        return Q()
    mine = etab_ids_with(viewer, ETAB_ADMIN_ROLES)
    if not mine:
        return Q(pk__in=[])
    return _has_role(mine) | Q(pk__in=Parente.objects.filter(
        eleve__roles__etablissement_id__in=mine).values("responsable_id"))


def can_manage_accounts(viewer):
    """Reach the lists of suspended and deactivated accounts."""
    return administers(viewer)


def can_manage_account_state(viewer, person):
    return can_manage_accounts(viewer) and Person.objects.filter(
        managed_accounts_q(viewer), pk=person.pk).exists()


def can_change_account_state(viewer, person):
    """Reactivate or purge one account (everywhere at once): the rule of
    ``account_action_refusal`` (every establishment that holds the person, administrators
    left to the académie)."""
    return can_manage_account_state(viewer, person) and can_act_on_account(viewer, person)


# A suspension is an establishment's refusal (the académie's: everyone's). The README's rule
# for blocks holds: a person is refused only where every establishment that holds them has
# refused them, so a direction suspends a shared parent in its own collège only. It records its
# level, and only that level or above lifts it.
def suspension_levels(viewer, person):
    """Where the viewer's suspension of ``person`` applies: [None] for the académie's (every
    establishment), else the ids of the person's establishments the viewer administers
    ([] when they may not suspend them: themselves, an administrator, a superuser)."""
    if not getattr(viewer, "is_authenticated", False) or person.pk == viewer.pk:
        return []
    if person.is_superuser and not viewer.is_superuser:
        return []
    if is_academy_admin(viewer):
        return [None]
    if is_academy_admin(person) or is_etab_administrator(person):
        return []
    return sorted(person_etab_ids(person) & etab_ids_with(viewer, ETAB_ADMIN_ROLES))


def can_suspend(viewer, person):
    """Suspend one account where the viewer administers it, or lift such suspensions."""
    return can_manage_account_state(viewer, person) and bool(suspension_levels(viewer, person))


def can_lift_suspension(viewer, suspension):
    """The level that decided a suspension, or the académie, lifts it."""
    if is_academy_admin(viewer):
        return True
    return (suspension.etablissement_id is not None
            and suspension.etablissement_id in etab_ids_with(viewer, ETAB_ADMIN_ROLES))


# --- Activation codes and distribution letters ----------------------------------------------

def account_admin_etabs_q(viewer):
    """Establishments whose letters and activation board the viewer manages: those they
    administer, and those whose secretariat prints the letters."""
    if is_academy_admin(viewer):
        return Q()
    return Q(id__in=etab_ids_with(viewer, ETAB_ADMIN_ROLES)
             | secretariat_right_etab_ids(viewer, "prints_letters"))


def can_manage_letters(viewer, etab=None):
    """Print letters for ``etab`` (for at least one establishment when None)."""
    if administers(viewer, etab):
        return True
    mine = secretariat_right_etab_ids(viewer, "prints_letters")
    return bool(mine) if etab is None else getattr(etab, "pk", etab) in mine


def can_manage_account_settings(viewer, etab):
    """The charte and who reissues codes: the establishment's administrators only."""
    return administers(viewer, etab)


def code_reissue_etabs(viewer):
    """Establishments where the viewer may give one person a new code: their administrators,
    and vie scolaire where the principal allowed it (EtabAccountSettings)."""
    from annuaire.models import EtabAccountSettings

    if is_academy_admin(viewer):
        return None
    mine = etab_ids_with(viewer, ETAB_ADMIN_ROLES)
    vie_scolaire = etab_ids_with(viewer, {R.VIE_SCOLAIRE}) - mine
    if vie_scolaire:
        mine |= set(EtabAccountSettings.objects.filter(
            etablissement_id__in=vie_scolaire, vie_scolaire_reissues_codes=True,
        ).values_list("etablissement_id", flat=True))
    return mine


def can_reissue_code(viewer, person, etab):
    """A new code for one person of ``etab``: the person must belong to it, and the code
    opens their account to whoever prints it — so the rule of ``account_action_refusal``
    (never one's own account, every establishment that holds the person, administrators left
    to the académie), and for vie scolaire (by the principal's leave) only pupils' and
    parents'."""
    allowed = code_reissue_etabs(viewer)
    if allowed is not None and etab.pk not in allowed:
        return False
    if not can_act_on_account(viewer, person, allowed_etabs=allowed):
        return False
    roles = set(Role.objects.filter(person=person, etablissement=etab).values_list(
        "role", flat=True))
    if not roles:
        return False
    by_grant_only = not is_academy_admin(viewer) and etab.pk not in etab_ids_with(
        viewer, ETAB_ADMIN_ROLES)
    return not (by_grant_only and roles - {R.ELEVE, R.PARENT})


# --- SIECLE / STS-web completion ------------------------------------------------------------
# The establishment's direction and administrators upload its own exports, and its
# secretariat unless the principal withdrew it; the académie's administrators may do it for any
# establishment.
def siecle_etabs(viewer):
    """Establishments whose SIECLE and STS-web exports the viewer may import."""
    if is_academy_admin(viewer):
        return Etablissement.objects.all()
    return Etablissement.objects.filter(id__in=etab_ids_with(viewer, ETAB_ADMIN_ROLES)
                                        | secretariat_right_etab_ids(viewer, "imports_siecle"))


def can_import_siecle(viewer, etab=None):
    """With ``etab``: for that establishment; without: for at least one."""
    if administers(viewer, etab):
        return True
    mine = secretariat_right_etab_ids(viewer, "imports_siecle")
    return bool(mine) if etab is None else getattr(etab, "pk", etab) in mine


# --- Emploi du temps ---
# A pupil sees their own timetable and their divisions' and groups'; a parent their children's
# (legal link only); a teacher their own and the divisions and groups they teach; direction,
# vie scolaire, admin_etab and documentaliste every timetable of their establishment (pupils,
# teachers, divisions and groups, rooms); the académie's administrators all of them.
TIMETABLE_ALL_ROLES = FULL_DIRECTORY_ROLES


def _cours_model():
    from viescolaire.models import Cours

    return Cours


def timetable_full_etab_ids(viewer):
    """Establishments whose every timetable the viewer sees (None: all of them)."""
    if is_academy_admin(viewer):
        return None
    return etab_ids_with(viewer, TIMETABLE_ALL_ROLES)


def can_use_timetable(viewer):
    """Whether the viewer has some timetable to look at (the service and its index)."""
    if not getattr(viewer, "is_authenticated", False):
        return False
    if is_academy_admin(viewer):
        return True
    kinds = {r.role for r in roles_of(viewer)}
    if kinds & (TIMETABLE_ALL_ROLES | {R.ELEVE, R.ENSEIGNANT}):
        return True
    return R.PARENT in kinds and bool(timetable_children(viewer))


def timetable_children(viewer):
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


def timetable_pupils_q(viewer):
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
        q |= _has_role(full, {R.ELEVE})
    return q


def timetable_teachers_q(viewer):
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
        q |= _has_role(full, {R.ENSEIGNANT})
        q |= Q(pk__in=Cours.objects.filter(etablissement_id__in=full).values("enseignants"))
    return q


def timetable_regroupements_q(viewer):
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


def timetable_teacher_etab_ids(viewer, teacher_pk):
    """Establishments whose courses of a teacher the viewer sees (None: all of them).

    A teacher sees their whole week; staff who open a colleague's only the courses of their
    own establishments, not those the colleague gives elsewhere.
    """
    if getattr(viewer, "pk", None) == teacher_pk:
        return None
    return timetable_full_etab_ids(viewer)


def timetable_room_etabs_q(viewer):
    """Establishments whose rooms' timetables the viewer may see."""
    # A timetable right of its own name, granted as the whole directory is (TIMETABLE_ALL_ROLES).
    return full_directory_etabs_q(viewer)


# --- Timetable imports ---
# The establishment's administrators and principal upload its timetable exports, match their
# names to the directory and validate; the académie's administrators may do it for any.
def timetable_import_etabs_q(viewer):
    """Establishments whose timetable imports the viewer runs and reads."""
    return administered_etabs_q(viewer)


def can_import_timetable(viewer, etab=None):
    """With ``etab``: for that establishment; without: for at least one."""
    return administers(viewer, etab)


def notifications_visible_q(viewer):
    """A person's notifications are theirs alone: no role sees anyone else's."""
    return Q(recipient_id=getattr(viewer, "pk", None) or 0)

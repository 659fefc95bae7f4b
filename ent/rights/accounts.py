"""Accounts: logins and their details, actions on one account (new code, login, suspension,
reactivation, purge), login blocks, activation codes and distribution letters."""

from collections.abc import Iterable

from django.db.models import Q

from annuaire.models import Etablissement, Parente, Person, Role, Suspension

from .core import (
    ETAB_ADMIN_ROLES,
    EtabRef,
    R,
    Viewer,
    _has_role,
    administered_etabs_q,
    administers,
    etab_ids_with,
    is_academy_admin,
)
from .secretariat import secretariat_right_etab_ids


def can_purge_accounts(viewer: Viewer) -> bool:
    return is_academy_admin(viewer)


def can_see_account_details(viewer: Viewer, etab_ids: Iterable[int]) -> bool:
    """Logins and account states: the establishment's administrators and the académie's."""
    return is_academy_admin(viewer) or bool(set(etab_ids) & etab_ids_with(viewer, ETAB_ADMIN_ROLES))


def can_manage_account(viewer: Viewer, person: Person) -> bool:
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


def person_etab_ids(person: Person) -> frozenset[int]:
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


def is_etab_administrator(person: Person) -> bool:
    return Role.objects.filter(person=person, role__in=ETAB_ADMIN_ROLES).exists()


def account_action_refusal(viewer: Viewer, person: Person, *,
                           allowed_etabs: Iterable[int] | None = None) -> str | None:
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


def can_act_on_account(viewer: Viewer, person: Person, *,
                       allowed_etabs: Iterable[int] | None = None) -> bool:
    return account_action_refusal(viewer, person, allowed_etabs=allowed_etabs) is None


# --- Login blocks, suspension, deactivated accounts ---
def login_block_etabs_q(viewer: Viewer) -> Q:
    """Establishments whose login blocks the viewer lists and changes."""
    return administered_etabs_q(viewer)


def can_block_logins(viewer: Viewer, etab: EtabRef | None = None) -> bool:
    """Block profiles or divisions of ``etab`` (of some establishment when None)."""
    return administers(viewer, etab)


def can_block_whole_etab(viewer: Viewer) -> bool:
    """Closing a whole establishment, its direction included, is the académie's decision."""
    return is_academy_admin(viewer)


def is_never_blocked(person: Viewer) -> bool:
    """Académie administrators and superusers log in whatever an establishment decides."""
    return is_academy_admin(person)


def managed_accounts_q(viewer: Viewer) -> Q:
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


def can_manage_accounts(viewer: Viewer) -> bool:
    """Reach the lists of suspended and deactivated accounts."""
    return administers(viewer)


def can_manage_account_state(viewer: Viewer, person: Person) -> bool:
    return can_manage_accounts(viewer) and Person.objects.filter(
        managed_accounts_q(viewer), pk=person.pk).exists()


def can_change_account_state(viewer: Viewer, person: Person) -> bool:
    """Reactivate or purge one account (everywhere at once): the rule of
    ``account_action_refusal`` (every establishment that holds the person, administrators
    left to the académie)."""
    return can_manage_account_state(viewer, person) and can_act_on_account(viewer, person)


# A suspension is an establishment's refusal (the académie's: everyone's). The README's rule
# for blocks holds: a person is refused only where every establishment that holds them has
# refused them, so a direction suspends a shared parent in its own collège only. It records its
# level, and only that level or above lifts it.
def suspension_levels(viewer: Viewer, person: Person) -> list[int | None]:
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
    return list(sorted(person_etab_ids(person) & etab_ids_with(viewer, ETAB_ADMIN_ROLES)))


def can_suspend(viewer: Viewer, person: Person) -> bool:
    """Suspend one account where the viewer administers it, or lift such suspensions."""
    return can_manage_account_state(viewer, person) and bool(suspension_levels(viewer, person))


def can_lift_suspension(viewer: Viewer, suspension: Suspension) -> bool:
    """The level that decided a suspension, or the académie, lifts it."""
    if is_academy_admin(viewer):
        return True
    return (suspension.etablissement_id is not None
            and suspension.etablissement_id in etab_ids_with(viewer, ETAB_ADMIN_ROLES))


# --- Activation codes and distribution letters ----------------------------------------------

def account_admin_etabs_q(viewer: Viewer) -> Q:
    """Establishments whose letters and activation board the viewer manages: those they
    administer, and those whose secretariat prints the letters."""
    if is_academy_admin(viewer):
        return Q()
    return Q(id__in=etab_ids_with(viewer, ETAB_ADMIN_ROLES)
             | secretariat_right_etab_ids(viewer, "prints_letters"))


def can_manage_letters(viewer: Viewer, etab: EtabRef | None = None) -> bool:
    """Print letters for ``etab`` (for at least one establishment when None)."""
    if administers(viewer, etab):
        return True
    mine = secretariat_right_etab_ids(viewer, "prints_letters")
    return bool(mine) if etab is None else getattr(etab, "pk", etab) in mine


def can_manage_account_settings(viewer: Viewer, etab: EtabRef) -> bool:
    """The charte and who reissues codes: the establishment's administrators only."""
    return administers(viewer, etab)


def code_reissue_etabs(viewer: Viewer) -> set[int] | None:
    """Establishments where the viewer may give one person a new code: their administrators,
    and vie scolaire where the principal allowed it (a toggle of the Services page, stored in
    EtabAccountSettings)."""
    from .catalogue import CODE_REISSUE_TOGGLE, toggle_etab_ids

    if is_academy_admin(viewer):
        return None
    mine = etab_ids_with(viewer, ETAB_ADMIN_ROLES)
    vie_scolaire = etab_ids_with(viewer, {R.VIE_SCOLAIRE}) - mine
    if vie_scolaire:
        mine |= toggle_etab_ids(CODE_REISSUE_TOGGLE, vie_scolaire)
    return mine


def can_reissue_code(viewer: Viewer, person: Person, etab: Etablissement) -> bool:
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



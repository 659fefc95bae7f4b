"""Login blocks: who they reach, the cheap per-request check, and their writes and reads.

Who is blocked
--------------
A person's « units » are the (establishment, role) pairs they hold; a relative with no role of
their own (not a legal guardian) counts as a parent in each of their children's establishments.
A unit is blocked by a current block of its establishment that targets the whole
establishment, the unit's profile, or (pupils) a division the pupil is in.

A person is refused when **every** unit they hold is blocked. An establishment's suspension
of the person (``annuaire.suspensions``) refuses their units there the same way. A parent with children in two
collèges, one of which closes to parents during its exams, still logs in for the other; a
teacher who is also a parent in the same collège is not locked out by a block of parents. A
division block targets its pupils directly: a pupil belongs to one establishment, so their only
unit is blocked. Académie administrators and superusers are never blocked (``rights``).

Cost
----
Current and future blocks of the whole académie are few: they are cached as one list under a
version key that every write replaces, so a change reaches every process at its next request.
Each process keeps the list it decoded, indexed by establishment, until the version changes:
a request reads one small cache key and makes no query while no block is running. While one
is, a person's units are read once (two or three indexed queries) and cached a few minutes,
so a change of roles or divisions by an import reaches the check within ``UNITS_TTL``.
``bench/login_blocks.py`` prints the figures.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone

from ent import rights
from ent.audit.services import audit_date, audit_record
from ent.errors import ApplicationError, NotFound

from .models import (
    Etablissement,
    Inscription,
    LoginBlock,
    Parente,
    Regroupement,
    Role,
    Suspension,
)

VERSION_KEY = "loginblocks:version"
LIST_TTL = 3600
UNITS_TTL = 300


class BlockError(ApplicationError):
    """A block that cannot be saved, with the reason in French."""


# --- Cache ----------------------------------------------------------------------------------
def _version():
    version = cache.get(VERSION_KEY)
    if version is None:
        # A fresh random version, never a counter: a lost key must not bring back old lists.
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY) or "none"
    return version


def blocks_version_bump():
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def _changed():
    # Now, for this process's next read; and again at commit, in case another process cached
    # the old list in between.
    blocks_version_bump()
    transaction.on_commit(blocks_version_bump)


@dataclass(frozen=True)
class CachedBlock:
    pk: int
    etab_id: int
    etab_name: str
    target: str
    profile: str
    regroupement_id: int | None
    target_label: str
    starts_at: datetime
    ends_at: datetime
    message: str
    announce: bool
    # Defaults: a list cached before these fields existed still reads.
    by_academie: bool = False
    etab_uai: str = ""

    def running(self, now):
        return self.starts_at <= now < self.ends_at


class _Memo:
    """This process's copy of the list for one version, and the blocks running at a moment.

    Decoding the list from the cache on every request would cost more than the check itself:
    only the version is read from the cache each time; the running blocks, indexed by
    establishment, stay valid until the next start or end among them.
    """

    def __init__(self, version, pending):
        self.version = version
        self.pending = pending
        self.index = None  # (valid_from, valid_until, running, by_etab)

    def running_at(self, now):
        index = self.index
        if index is None or not index[0] <= now < index[1]:
            running = [b for b in self.pending if b.running(now)]
            boundaries = [b.starts_at for b in self.pending if b.starts_at > now]
            boundaries += [b.ends_at for b in running]
            by_etab = {}
            for block in running:
                by_etab.setdefault(block.etab_id, []).append(block)
            index = (now, min(boundaries, default=datetime.max.replace(tzinfo=UTC)),
                     running, by_etab)
            self.index = index
        return index[2], index[3]


_memo = _Memo(None, [])


def _current_memo():
    global _memo
    version = _version()
    memo = _memo
    if memo.version != version:
        memo = _Memo(version, _pending_read(version))
        _memo = memo
    return memo


def _pending_read(version):
    key = f"loginblocks:list:{version}"
    blocks = cache.get(key)
    if blocks is None:
        blocks = [
            CachedBlock(
                pk=b.pk, etab_id=b.etablissement_id, etab_name=b.etablissement.name,
                target=b.target, profile=b.profile, regroupement_id=b.regroupement_id,
                target_label=b.target_label, starts_at=b.starts_at, ends_at=b.ends_at,
                message=b.message, announce=b.announce, by_academie=b.by_academie,
                etab_uai=b.etablissement.uai)
            for b in LoginBlock.objects.filter(ends_at__gt=timezone.now())
            .select_related("etablissement", "regroupement").order_by("starts_at", "pk")
        ]
        cache.set(key, blocks, LIST_TTL)
    return blocks


def blocks_pending():
    """Every block not yet over, in the whole académie (cached until the next change)."""
    return _current_memo().pending


def blocks_running(*, now=None):
    return _current_memo().running_at(now or timezone.now())[0]


# --- Who a block reaches --------------------------------------------------------------------
@dataclass(frozen=True)
class Units:
    exempt: bool
    units: frozenset  # {(etab_id, role)}
    divisions: frozenset  # regroupement ids the person is a pupil of
    # Establishments that suspended the person (annuaire.suspensions): refused units there.
    suspended: frozenset = frozenset()


def person_units(*, person):
    key = f"loginblocks:units:{person.pk}"
    units = cache.get(key)
    if units is None:
        units = _read_units(person)
        cache.set(key, units, UNITS_TTL)
    return units


def _read_units(person):
    if rights.is_never_blocked(person):
        return Units(exempt=True, units=frozenset(), divisions=frozenset())
    units = {(r.etablissement_id, r.role) for r in rights.roles_of(person) if r.etablissement_id}
    if not units:
        children = Parente.objects.filter(responsable=person).values("eleve_id")
        units = {(etab_id, Role.Kind.PARENT) for etab_id in Role.objects.filter(
            person__in=children, role=Role.Kind.ELEVE).values_list("etablissement_id", flat=True)}
    divisions = set()
    if any(role == Role.Kind.ELEVE for _, role in units):
        divisions = set(Inscription.objects.filter(
            eleve=person, regroupement__nature=Regroupement.Nature.DIVISION,
        ).values_list("regroupement_id", flat=True))
    # Held by one establishment only, its suspension is a whole one (``suspended_at``): only
    # a person of several establishments costs the query.
    suspended = frozenset()
    if len({etab_id for etab_id, _ in units}) > 1:
        suspended = frozenset(Suspension.objects.filter(
            person=person, etablissement__isnull=False,
        ).values_list("etablissement_id", flat=True))
    return Units(exempt=False, units=frozenset(units), divisions=frozenset(divisions),
                 suspended=suspended)


def _reaches(block, etab_id, role, divisions):
    if block.etab_id != etab_id:
        return False
    if block.target == LoginBlock.Target.ETABLISSEMENT:
        return True
    if block.target == LoginBlock.Target.PROFILE:
        return role in LoginBlock.PROFILE_ROLES.get(block.profile, ())
    return role == Role.Kind.ELEVE and block.regroupement_id in divisions


def blocks_applying_to(*, person, now=None):
    """The running blocks that refuse this person, or [] when they may log in."""
    running, by_etab = _current_memo().running_at(now or timezone.now())
    if not running:
        return []
    units = person_units(person=person)
    if units.exempt or not units.units:
        return []
    applying = []
    for etab_id, role in sorted(units.units):
        if etab_id in units.suspended:
            continue  # refused there by a suspension: the other units decide
        hits = [b for b in by_etab.get(etab_id, ()) if _reaches(b, etab_id, role, units.divisions)]
        if not hits:
            return []
        applying.extend(b for b in hits if b not in applying)
    return applying


def _until(moment):
    return formats.date_format(timezone.localtime(moment), "j F Y à H:i")


def block_message(blocks):
    """What the login page says to someone these blocks refuse."""
    messages = []
    for block in blocks:
        if block.message not in messages:
            messages.append(block.message)
    until = max(b.ends_at for b in blocks)
    return (f"Connexion impossible pour le moment : {' — '.join(messages)} "
            f"(jusqu'au {_until(until)}).")


SUSPENDED_MESSAGE = ("Votre compte est suspendu. Pour en savoir plus, adressez-vous à la "
                     "direction de votre établissement.")
DEACTIVATED_MESSAGE = ("Votre compte est désactivé : il ne figure plus dans l'annuaire "
                       "académique. Adressez-vous à votre établissement s'il s'agit d'une erreur.")


def login_refusal(*, person, now=None):
    """Why this person may not use the portal now (a French sentence), or None."""
    if person.deactivated_at:
        return DEACTIVATED_MESSAGE
    if person.suspended_at:
        return SUSPENDED_MESSAGE
    blocks = blocks_applying_to(person=person, now=now)
    if blocks:
        return block_message(blocks)
    return None


# Announcements on the login page. The académie's (blocks it decided) are shown to everyone,
# with their establishment's name: only the académie speaks to the whole académie. An
# establishment's are shown only where it applies: on the login page opened for that
# establishment (``?etab=<UAI>``, the address its letters and its site give) and on the home
# page of its members; at most ``ANNOUNCES_PER_ETAB`` of them, which its direction cannot
# exceed (``_check``). The person a block refuses reads its message when they log in anyway.
ACADEMIE_ANNOUNCES = 20
ANNOUNCES_PER_ETAB = 3


def login_announcements(*, now=None, etab_ids=(), limit=ACADEMIE_ANNOUNCES):
    """Running announced blocks for a page: the académie's, and those of ``etab_ids``.

    They say what was decided for a whole establishment, profile or division, never anything
    about one account.
    """
    shown, per_etab = [], {}
    for block in blocks_running(now=now):
        if not block.announce:
            continue
        if not block.by_academie:
            if block.etab_id not in etab_ids:
                continue
            if per_etab.get(block.etab_id, 0) >= ANNOUNCES_PER_ETAB:
                continue
            per_etab[block.etab_id] = per_etab.get(block.etab_id, 0) + 1
        shown.append(block)
    return shown[:limit]


def announced_etab_ids(*, uai):
    """The establishment a login page is opened for (``?etab=<UAI>``), read from the cached
    list of blocks: no query, and an unknown UAI shows nothing more."""
    uai = (uai or "").strip().upper()[:16]
    if not uai:
        return set()
    return {b.etab_id for b in blocks_pending() if b.etab_uai.upper() == uai}


# --- Reads ----------------------------------------------------------------------------------
def block_etabs(*, viewer):
    return Etablissement.objects.filter(rights.login_block_etabs_q(viewer)).only("id", "name", "uai")


def block_etab_get(*, viewer, etab_id):
    try:
        return block_etabs(viewer=viewer).get(pk=etab_id)
    except (Etablissement.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("Établissement inconnu") from exc


def blocks_list(*, viewer, etab, current=True):
    """An establishment's blocks: not yet over (``current``) or past."""
    if not rights.can_block_logins(viewer, etab):
        raise NotFound
    now = timezone.now()
    blocks = LoginBlock.objects.filter(etablissement=etab).select_related(
        "regroupement", "created_by", "updated_by")
    if current:
        return blocks.filter(ends_at__gt=now).order_by("starts_at", "pk")
    return blocks.filter(ends_at__lte=now).order_by("-ends_at", "-pk")


def block_get(*, viewer, pk):
    try:
        block = LoginBlock.objects.select_related("etablissement", "regroupement").get(
            Q(etablissement__in=block_etabs(viewer=viewer)), pk=pk)
    except (LoginBlock.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("Blocage introuvable") from exc
    return block


def blocks_pending_list(*, viewer):
    """Blocks not yet over in every establishment whose blocks the viewer lists, soonest
    first (the académie's overview)."""
    return LoginBlock.objects.filter(
        etablissement__in=block_etabs(viewer=viewer), ends_at__gt=timezone.now(),
    ).select_related("etablissement", "regroupement").order_by("starts_at", "pk")


def block_divisions(*, etab):
    return Regroupement.objects.filter(
        etablissement=etab, nature=Regroupement.Nature.DIVISION).order_by("code")


def block_division_get(*, etab, division_id):
    """One division of ``etab``, or None."""
    return block_divisions(etab=etab).filter(pk=division_id).first()


# --- Writes ---------------------------------------------------------------------------------
def _check(*, viewer, etab, target, profile, regroupement, starts_at, ends_at, message,
           announce=False, block=None):
    if not rights.can_block_logins(viewer, etab):
        raise NotFound
    if target == LoginBlock.Target.ETABLISSEMENT and not rights.can_block_whole_etab(viewer):
        raise BlockError("Seule l'académie peut bloquer tout un établissement : choisissez un "
                         "profil ou une division.")
    if target == LoginBlock.Target.PROFILE and profile not in LoginBlock.BlockedProfile.values:
        raise BlockError("Choisissez le profil à bloquer.")
    if target == LoginBlock.Target.DIVISION and (
            regroupement is None or regroupement.etablissement_id != etab.pk
            or regroupement.nature != Regroupement.Nature.DIVISION):
        raise BlockError("Choisissez une division de l'établissement.")
    if ends_at <= starts_at:
        raise BlockError("La fin du blocage doit venir après son début.")
    if ends_at <= timezone.now():
        raise BlockError("Ce blocage serait déjà terminé : choisissez une fin à venir.")
    if not (message or "").strip():
        raise BlockError("Écrivez le message que verront les personnes bloquées.")
    if announce and not rights.is_academy_admin(viewer):
        others = LoginBlock.objects.filter(etablissement=etab, announce=True, by_academie=False,
                                           ends_at__gt=timezone.now())
        if block is not None:
            others = others.exclude(pk=block.pk)
        if others.count() >= ANNOUNCES_PER_ETAB:
            raise BlockError(
                f"L'établissement a déjà {ANNOUNCES_PER_ETAB} messages affichés sur la page de "
                "connexion : décochez « Afficher aussi ce message », ou retirez-en un.")


def _fields(target, profile, regroupement):
    return {
        "target": target,
        "profile": profile if target == LoginBlock.Target.PROFILE else "",
        "regroupement": regroupement if target == LoginBlock.Target.DIVISION else None,
    }


def _audit(acting_user, action, block):
    details = {"target": block.get_target_display(), "profile": block.get_profile_display(),
               "division": block.regroupement.code if block.regroupement_id else "",
               "starts_at": audit_date(block.starts_at), "ends_at": audit_date(block.ends_at),
               "message": block.message[:200]}
    audit_record(acting_user=acting_user, action=action, etab=block.etablissement_id,
                 details=details)


def login_block_create(*, acting_user, etab, target, starts_at, ends_at, message, profile="",
                       regroupement=None, announce=True):
    _check(viewer=acting_user, etab=etab, target=target, profile=profile, regroupement=regroupement,
           starts_at=starts_at, ends_at=ends_at, message=message, announce=announce)
    with transaction.atomic():
        block = LoginBlock.objects.create(
            etablissement=etab, starts_at=starts_at, ends_at=ends_at, message=message.strip(),
            announce=announce, created_by=acting_user, updated_by=acting_user,
            by_academie=rights.is_academy_admin(acting_user),
            **_fields(target, profile, regroupement))
        _audit(acting_user, "login_block_create", block)
        _changed()
    return block


def login_block_update(*, acting_user, block, target, starts_at, ends_at, message, profile="",
                       regroupement=None, announce=True):
    if (block.target == LoginBlock.Target.ETABLISSEMENT
            and not rights.can_block_whole_etab(acting_user)):
        raise BlockError("Ce blocage de tout l'établissement a été décidé par l'académie : "
                         "seule l'académie peut le modifier.")
    _check(viewer=acting_user, etab=block.etablissement, target=target, profile=profile,
           regroupement=regroupement, starts_at=starts_at, ends_at=ends_at, message=message,
           announce=announce, block=block)
    for name, value in {**_fields(target, profile, regroupement), "starts_at": starts_at,
                        "ends_at": ends_at, "message": message.strip(),
                        "announce": announce, "updated_by": acting_user,
                        "by_academie": rights.is_academy_admin(acting_user)}.items():
        setattr(block, name, value)
    with transaction.atomic():
        block.save()
        _audit(acting_user, "login_block_update", block)
        _changed()
    return block


def login_block_delete(*, acting_user, block):
    if not rights.can_block_logins(acting_user, block.etablissement):
        raise NotFound
    if (block.target == LoginBlock.Target.ETABLISSEMENT
            and not rights.can_block_whole_etab(acting_user)):
        raise BlockError("Ce blocage de tout l'établissement a été décidé par l'académie : "
                         "seule l'académie peut le lever.")
    with transaction.atomic():
        _audit(acting_user, "login_block_delete", block)
        block.delete()
        _changed()

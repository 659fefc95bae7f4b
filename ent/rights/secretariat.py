"""The establishment's secretariat: administrative staff (by AAF function or the principal's
designation) who import SIECLE exports and print letters unless the principal withdrew it."""

from annuaire.models import Fonction

from .core import EtabRef, R, Viewer, _ids, administers, etab_ids_with

# ENTPersonFonctions codes of the administrative staff (secrétariat de direction, gestion).
SECRETARIAT_FUNCTIONS = {"ADF"}
SECRETARIAT_RIGHTS = ("imports_siecle", "prints_letters")


def secretariat_etab_ids(viewer: Viewer) -> set[int]:
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


def secretariat_right_etab_ids(viewer: Viewer, right: str) -> set[int]:
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


def can_manage_secretariat(viewer: Viewer, etab: EtabRef) -> bool:
    """Designate the secretariat and withdraw its rights: the establishment's administrators."""
    return administers(viewer, etab)



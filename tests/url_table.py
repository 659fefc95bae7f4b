"""Which roles may reach each URL of the portal: the table the URL sweep
(``tests/test_url_sweep.py``) holds the project to.

The sweep walks every pattern Django resolves; one missing from this table fails the suite,
naming it. Adding a URL means adding one line here.

Format
------
``URLS`` maps a URL's name, as given to ``reverse`` (``"namespace:name"``), to a ``Url``::

    "annuaire:person": Url(STAFF_A | {PUPIL, PARENT}, kwargs=lambda w: {"pk": w.pupil_a.pk}),

- first argument, ``reach``: the roles answered with success (by a GET; by a POST for a
  ``method=POST`` URL). Every other logged-in role must get 404 (what is outside one's reach
  does not exist for them); anonymous gets the login redirect unless ``ANONYMOUS`` is in
  ``reach``.
- ``kwargs``: a function of the sweep world (``tests/url_sweep_world.py``: ``tests.conftest``'s
  ``World`` plus one object of each kind a URL names) giving ``reverse``'s kwargs. Point it at
  collège A's objects: the other collège's principal is then the outsider who must get 404.
- ``query``: a query string the GET needs (``"audience=eleves"``), without its ``?``.
- ``ok``: the success status of a GET (default 200; 302 for a page that redirects).
- ``method``: ``GET`` (default: a page; a POST is only checked for its CSRF refusal),
  ``FORM`` (GET shows a form, POST sends it: POSTs are swept by role too) or ``POST``
  (``require_POST``: a GET answers 405 to everyone; POSTs are swept by role).
  A swept POST sends ``data`` (a function of the world, default no data) with a valid CSRF
  token, inside a savepoint rolled back afterwards; reaching roles may get 200 or 400 (a form
  shown again with its errors) or 302, the others 404.
- ``post_reach``: for a ``FORM``, the roles its POST succeeds for, when they differ from the
  GET's ``reach``.
- ``status``: ``{role: code}`` for the exceptions to the rule above, each with a comment
  saying why (e.g. a public page that sends the logged-in elsewhere).

Every URL, whatever its method, must refuse a POST without a CSRF token (403).

Roles (``tests/url_sweep_world.ROLE_PEOPLE`` says who plays each): ANONYMOUS, PUPIL, PARENT,
TEACHER, CPE (vie scolaire), PRINCIPAL, ADMIN_ETAB (the collège's administrator), all of
collège A; OTHER_PRINCIPAL (collège B's principal); ACADEMY (the académie's administrator).

URLs that are not ours
----------------------
``FOREIGN`` lists by name the URLs of a library (allauth's account pages) with the reason we
trust them; the sweep still GETs the ones without arguments anonymously (no server error) and
checks their CSRF refusal. ``FOREIGN_NAMESPACES`` does the same for a whole namespace (Django's
admin, mounted only with ENT_DJANGO_ADMIN and guarded by ``ent/admin_site.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

ANONYMOUS = "anonymous"
PUPIL = "pupil"
PARENT = "parent"
TEACHER = "teacher"
CPE = "cpe"
PRINCIPAL = "principal"
ADMIN_ETAB = "admin_etab"
OTHER_PRINCIPAL = "other_principal"
ACADEMY = "academy"

ROLES = (ANONYMOUS, PUPIL, PARENT, TEACHER, CPE, PRINCIPAL, ADMIN_ETAB, OTHER_PRINCIPAL, ACADEMY)
LOGGED_IN = frozenset(ROLES) - {ANONYMOUS}
EVERYONE = frozenset(ROLES)
#: Collège A's direction: its principal and its administrator.
DIRECTION_A = frozenset({PRINCIPAL, ADMIN_ETAB})
#: Who administers collège A: its direction and the académie.
ADMINS_A = DIRECTION_A | {ACADEMY}
#: Collège A's staff seen in the sweep.
STAFF_A = DIRECTION_A | {TEACHER, CPE}

#: Roles with one establishment, sent from a list of establishments straight to theirs.
ONE_ETAB_REDIRECT = {PRINCIPAL: 302, ADMIN_ETAB: 302, OTHER_PRINCIPAL: 302}

GET, FORM, POST = "GET", "FORM", "POST"

World = Any
Kwargs = Callable[[World], Mapping[str, Any]]


@dataclass(frozen=True)
class Url:
    reach: frozenset[str] | set[str]
    kwargs: Kwargs | None = None
    query: str = ""
    ok: int = 200
    method: str = GET
    data: Callable[[World], Mapping[str, Any]] | None = None
    post_reach: frozenset[str] | None = None
    status: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = (set(self.reach) | set(self.post_reach or ()) | set(self.status)) - set(ROLES)
        if unknown:
            raise ValueError(f"rôles inconnus : {sorted(unknown)}")
        if self.method not in (GET, FORM, POST):
            raise ValueError(f"méthode inconnue : {self.method}")


def etab(w: World) -> dict[str, int]:
    return {"etab_id": w.etab_a.pk}


def pk(attr: str) -> Kwargs:
    """The kwargs ``{"pk": world.<attr>.pk}``."""
    return lambda w: {"pk": getattr(w, attr).pk}


def etab_pk(attr: str) -> Kwargs:
    """The kwargs ``{"etab_id": collège A, "pk": world.<attr>.pk}``."""
    return lambda w: {"etab_id": w.etab_a.pk, "pk": getattr(w, attr).pk}


URLS: dict[str, Url] = {
    # --- ent ---------------------------------------------------------------------------------
    "home": Url(LOGGED_IN),
    "health": Url(EVERYONE),
    # Activation is for those not yet logged in; the logged-in are sent home.
    "activation_start": Url(EVERYONE),
    # Without a code entered first (in the session), back to the activation's start.
    "activation_finish": Url(EVERYONE, ok=302, method=FORM),
    "notifications:list": Url(LOGGED_IN),
    "notifications:open": Url({PARENT}, kwargs=pk("notification"), method=POST),
    "notifications:read_all": Url(LOGGED_IN, method=POST),
    "notifications:preferences": Url(LOGGED_IN, method=FORM),
    # The journal of actions: each administrator reads their establishment's (collège B's
    # principal theirs, an empty page), the académie every one.
    "audit:journal": Url({PRINCIPAL, ADMIN_ETAB, OTHER_PRINCIPAL, ACADEMY}),
    # --- ent: Administration > Services ------------------------------------------------------
    "catalogue:index": Url(ADMINS_A | {OTHER_PRINCIPAL}),
    "catalogue:academie_services": Url({ACADEMY}, method=FORM),
    "catalogue:etab_services": Url(ADMINS_A, kwargs=etab, method=FORM),
    # The responsabilities are the principal's: not the administrator's, not a delegate's.
    "catalogue:responsibilities": Url({PRINCIPAL, ACADEMY}, kwargs=etab, method=FORM),
    "catalogue:publication": Url({PRINCIPAL, ACADEMY}, kwargs=etab, method=POST),
    "catalogue:delegation_end": Url({PRINCIPAL, ACADEMY},
                                    kwargs=lambda w: {"etab_id": w.etab_a.pk,
                                                      "pk": w.delegation.pk}, method=POST),
    # --- annuaire: directory -------------------------------------------------------------------
    "annuaire:directory": Url(LOGGED_IN),
    "annuaire:person": Url(STAFF_A | {PUPIL, PARENT, ACADEMY}, kwargs=pk("pupil_a")),
    "annuaire:class_list": Url(STAFF_A | {ACADEMY}, kwargs=pk("div_3a")),
    "annuaire:person_login": Url(ADMINS_A, kwargs=pk("pupil_a"), method=POST),
    # --- annuaire: AAF imports and purges -----------------------------------------------------
    "annuaire:imports": Url({ACADEMY}, method=FORM),
    "annuaire:import": Url({ACADEMY}, kwargs=pk("aaf_import")),
    "annuaire:import_progress": Url({ACADEMY}, kwargs=pk("aaf_import")),
    "annuaire:import_confirm": Url({ACADEMY}, kwargs=pk("aaf_import"), method=POST),
    "annuaire:import_cancel": Url({ACADEMY}, kwargs=pk("aaf_import"), method=POST),
    "annuaire:import_retry": Url({ACADEMY}, kwargs=pk("aaf_import"), method=POST),
    "annuaire:import_issues": Url({ACADEMY}, kwargs=lambda w: {"pk": w.aaf_import.pk, "level": "rejet"}),
    "annuaire:purges": Url({ACADEMY}),
    "annuaire:purge_now": Url({ACADEMY}, method=POST),
    # --- annuaire: accounts, activation letters, secretariat ---------------------------------
    "annuaire:person_code": Url(ADMINS_A, kwargs=pk("pupil_a"), method=POST),
    # A principal has one establishment: sent straight to its board.
    "annuaire:accounts": Url(ADMINS_A | {OTHER_PRINCIPAL}, status=ONE_ETAB_REDIRECT),
    "annuaire:accounts_etab": Url(ADMINS_A, kwargs=etab),
    "annuaire:letters": Url(ADMINS_A, kwargs=etab, method=FORM),
    # Every pupil of the world has activated their account: nothing to print, back to the board.
    "annuaire:relance": Url(ADMINS_A, kwargs=etab, query="audience=eleves", ok=302, method=FORM,
                            data=lambda w: {"audience": "eleves"}),
    "annuaire:letter_history": Url(ADMINS_A, kwargs=etab),
    "annuaire:letter_batch": Url(ADMINS_A, kwargs=etab_pk("letter_batch")),
    "annuaire:letter_batch_progress": Url(ADMINS_A, kwargs=etab_pk("letter_batch")),
    # An e-mailed batch has no file to download: back to the batch's page.
    "annuaire:letter_batch_download": Url(ADMINS_A, kwargs=etab_pk("letter_batch"), ok=302,
                                          method=POST),
    "annuaire:controls": Url(ADMINS_A, kwargs=etab),
    "annuaire:account_settings": Url(ADMINS_A, kwargs=etab, method=FORM),
    "annuaire:secretariat": Url(ADMINS_A, kwargs=etab, method=FORM,
                                data=lambda w: {"action": "rights"}),
    # --- annuaire: login blocks, suspension, deactivated accounts ------------------------------
    "annuaire:blocks": Url(ADMINS_A | {OTHER_PRINCIPAL}, status=ONE_ETAB_REDIRECT),
    "annuaire:blocks_etab": Url(ADMINS_A, kwargs=etab, method=FORM),
    "annuaire:block_edit": Url(ADMINS_A, kwargs=pk("block"), method=FORM),
    "annuaire:block_delete": Url(ADMINS_A, kwargs=pk("block"), method=POST),
    # Lists: each administrator sees those of their own establishments.
    "annuaire:suspended_accounts": Url(ADMINS_A | {OTHER_PRINCIPAL}),
    "annuaire:deactivated_accounts": Url(ADMINS_A | {OTHER_PRINCIPAL}),
    "annuaire:person_suspend": Url(ADMINS_A, kwargs=pk("pupil_a"), method=POST),
    "annuaire:person_reinstate": Url(ADMINS_A, kwargs=pk("pupil_a"), method=POST),
    "annuaire:person_reactivate": Url(ADMINS_A, kwargs=pk("deactivated"), method=POST),
    "annuaire:person_purge": Url(ADMINS_A, kwargs=pk("deactivated"), method=FORM),
    # --- annuaire: SIECLE ---------------------------------------------------------------------
    "annuaire:siecle_imports": Url(ADMINS_A | {OTHER_PRINCIPAL}, method=FORM),
    "annuaire:siecle_import": Url(ADMINS_A, kwargs=pk("siecle_import")),
    "annuaire:siecle_import_progress": Url(ADMINS_A, kwargs=pk("siecle_import")),
    # --- imports: the timetable import --------------------------------------------------------
    "imports:home": Url(ADMINS_A | {OTHER_PRINCIPAL}, status=ONE_ETAB_REDIRECT),
    "imports:etab": Url(ADMINS_A, kwargs=etab, method=FORM),
    "imports:rapprochements": Url(ADMINS_A, kwargs=etab, method=FORM),
    "imports:settings": Url(ADMINS_A, kwargs=etab, method=FORM),
    "imports:rapprochement_edit": Url(ADMINS_A, kwargs=etab_pk("rapprochement"), method=POST),
    "imports:rapprochement_delete": Url(ADMINS_A, kwargs=etab_pk("rapprochement"), method=POST),
    "imports:detail": Url(ADMINS_A, kwargs=etab_pk("timetable_import")),
    "imports:progress": Url(ADMINS_A, kwargs=etab_pk("timetable_import")),
    "imports:validate": Url(ADMINS_A, kwargs=etab_pk("timetable_import"), method=POST),
    "imports:cancel": Url(ADMINS_A, kwargs=etab_pk("timetable_import"), method=POST),
    "imports:csv": Url(ADMINS_A, kwargs=etab_pk("timetable_import")),
    "imports:pdf": Url(ADMINS_A, kwargs=etab_pk("timetable_import")),
    # --- viescolaire: the timetable ------------------------------------------------------------
    # Pupils and parents go straight to a week (their own, their child's).
    "viescolaire:timetable": Url(LOGGED_IN, status={PUPIL: 302, PARENT: 302}),
    # Teachers see their classes' and their own weeks, not a pupil's.
    "viescolaire:week_eleve": Url({PUPIL, PARENT, CPE, PRINCIPAL, ADMIN_ETAB, ACADEMY}, kwargs=pk("pupil_a")),
    "viescolaire:week_enseignant": Url(STAFF_A | {ACADEMY}, kwargs=pk("teacher_a")),
    # A parent sees their child's week, not the whole class's.
    "viescolaire:week_regroupement": Url(STAFF_A | {PUPIL, ACADEMY}, kwargs=pk("div_3a")),
    "viescolaire:week_room": Url({CPE, PRINCIPAL, ADMIN_ETAB, ACADEMY},
                                 kwargs=lambda w: {"pk": w.etab_a.pk, "room": "LABO 1/2"}),
    # --- viescolaire: the cahier de textes ------------------------------------------------------
    # Each profile is sent to its own page (teacher's week, visas, Travail à faire).
    "cahier:home": Url({PUPIL, PARENT, TEACHER, CPE, PRINCIPAL, OTHER_PRINCIPAL}, ok=302),
    # A class's published cahier: the direction, and the vie scolaire (its toggle is on by
    # default; the teachers' « tous les enseignants » is off).
    "cahier:classe": Url({CPE, PRINCIPAL, OTHER_PRINCIPAL}),
    "cahier:teacher_week": Url({TEACHER}),
    # Its teacher writes it; the direction, the vie scolaire and the division's families read it.
    "cahier:seance": Url({TEACHER, CPE, PRINCIPAL, PUPIL, PARENT}, kwargs=pk("seance"), method=FORM,
                         post_reach=frozenset({TEACHER}),
                         data=lambda w: {"title": "T", "body": "B", "publish": "brouillon"}),
    "cahier:seance_copy": Url({TEACHER}, kwargs=pk("seance"), method=POST),
    "cahier:devoir_add": Url({TEACHER}, kwargs=pk("seance"), method=POST),
    "cahier:devoir_edit": Url({TEACHER}, kwargs=pk("devoir"), method=FORM),
    "cahier:devoir_delete": Url({TEACHER}, kwargs=pk("devoir"), method=POST),
    "cahier:devoir_done": Url({PUPIL}, kwargs=pk("devoir"), method=POST,
                              data=lambda w: {"fait": "1"}),
    "cahier:travail": Url({PUPIL, PARENT}),
    "cahier:contenus": Url({PUPIL, PARENT}),
    "cahier:piece": Url({TEACHER, CPE, PRINCIPAL, PUPIL, PARENT}, kwargs=pk("piece")),
    "cahier:piece_delete": Url({TEACHER}, kwargs=pk("piece"), method=POST),
    # Each principal visas the cahiers of their own establishment.
    "cahier:visas": Url({PRINCIPAL, OTHER_PRINCIPAL}),
    "cahier:visa_cahier": Url({PRINCIPAL}, method=FORM, query="matiere=MATHEMATIQUES",
                              kwargs=lambda w: {"etab_pk": w.etab_a.pk,
                                                "enseignant_pk": w.teacher_a.pk,
                                                "regroupement_pk": w.div_3a.pk},
                              data=lambda w: {"up_to": "2025-09-30", "comment": "Vu"}),
    "cahier:visa_pdf": Url({PRINCIPAL}, query="matiere=MATHEMATIQUES",
                           kwargs=lambda w: {"etab_pk": w.etab_a.pk,
                                             "enseignant_pk": w.teacher_a.pk,
                                             "regroupement_pk": w.div_3a.pk}),
    # --- viescolaire.appel: roll call and absences ------------------------------------------
    # A pupil with no child, séance or board of their own goes straight to their absences.
    "appel:home": Url(LOGGED_IN, status={PUPIL: 302}),
    # The séance's teacher and collège A's vie scolaire write; direction and académie read
    # (their POST is refused with a message: 302).
    "appel:sheet": Url(STAFF_A | {ACADEMY}, kwargs=pk("seance"), method=FORM,
                       data=lambda w: {"version": "0", "valider": "1"}),
    "appel:pupil_save": Url(STAFF_A | {ACADEMY}, method=POST,
                            kwargs=lambda w: {"pk": w.seance.pk, "eleve": w.pupil_a.pk},
                            data=lambda w: {"version": "0", f"absent-{w.pupil_a.pk}": "1"}),
    "appel:remind": Url(STAFF_A | {ACADEMY}, kwargs=pk("seance"), method=POST),
    "appel:pupil_absences": Url(STAFF_A | {PUPIL, PARENT, ACADEMY}, kwargs=pk("pupil_a")),
    # Only a legal guardian declares and justifies.
    "appel:absence_declare": Url({PARENT}, kwargs=pk("pupil_a"), method=FORM),
    "appel:absence_justify": Url({PARENT}, kwargs=pk("absence"), method=FORM),
    # The sweep's absence has no file: 404 for all; the download is tested with one in
    # tests/viescolaire/appel/test_justification.py (the parent 200, the other collège's 404).
    "appel:absence_attachment": Url(set(), kwargs=pk("absence")),
    "appel:absence_detail": Url({CPE, PRINCIPAL, ADMIN_ETAB, ACADEMY}, kwargs=pk("absence"),
                                method=FORM, post_reach=frozenset({CPE})),
    "appel:board": Url({CPE, PRINCIPAL, ADMIN_ETAB, ACADEMY}, kwargs=pk("etab_a")),
    "appel:board_grid": Url({CPE, PRINCIPAL, ADMIN_ETAB, ACADEMY}, kwargs=pk("etab_a")),
    "appel:absences": Url({CPE, PRINCIPAL, ADMIN_ETAB, ACADEMY}, kwargs=pk("etab_a")),
    "appel:absence_enter": Url({CPE}, kwargs=pk("etab_a"), method=FORM),
    "appel:signalements": Url({CPE, PRINCIPAL, ADMIN_ETAB, ACADEMY}, kwargs=pk("etab_a")),
    "appel:statistics": Url({CPE, PRINCIPAL, ADMIN_ETAB, ACADEMY}, kwargs=pk("etab_a")),
    "appel:registre": Url({CPE, PRINCIPAL, ADMIN_ETAB, ACADEMY}, kwargs=pk("etab_a")),
    "appel:motifs": Url({CPE, PRINCIPAL, ADMIN_ETAB}, kwargs=pk("etab_a"), method=FORM),
}

#: Library URLs, by name, with the reason we do not sweep them by role.
ALLAUTH = "django-allauth's account pages, configured in ent/settings.py and tested in tests/ent"
FOREIGN: dict[str, str] = {name: ALLAUTH for name in (
    "account_login", "account_logout", "account_inactive", "account_signup",
    "account_reauthenticate", "account_request_reauthentication_code",
    "account_confirm_reauthentication_code", "account_email", "account_email_verification_sent",
    "account_change_password", "account_set_password", "account_reset_password",
    "account_confirm_login_code", "account_confirm_email", "account_reset_password_from_key_done",
    "account_reset_password_from_key", "account_reset_password_done",
)}

#: Whole namespaces that are not ours.
FOREIGN_NAMESPACES: dict[str, str] = {
    "admin": "Django's admin, mounted only with ENT_DJANGO_ADMIN; its guard is tested in "
             "tests/ent/test_django_admin.py",
}

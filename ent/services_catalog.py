"""The services of the portal and who may use each: the home page's cards and the header's
menu list those allowed, the menu marking the one the page belongs to. Each card belongs to a
service of the catalogue (``ent.catalogue.registry``, declared by the apps): a profile whose
establishment switched that service off does not see it."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.urls import reverse

from . import rights
from .rights import appel as rights_appel
from .rights import cahier as cahier_rights
from .rights import catalogue as catalogue_rights


@dataclass(frozen=True)
class Service:
    key: str
    label: str
    description: str | Callable[[Any], str]
    url_name: str
    allowed: Callable[[Any], bool]
    # The header's menu names it shortly; pages under other addresses may belong to it.
    nav_label: str = ""
    also_under: tuple[str, ...] = field(default=())
    # The catalogue's service the card belongs to (None: not switched per profile).
    service: str | None = None

    @property
    def url(self):
        return reverse(self.url_name)

    def describe(self, viewer):
        """The card's text, naming the viewer's own people (a pupil has no children)."""
        return self.description(viewer) if callable(self.description) else self.description


def _timetable_description(viewer):
    kinds = {r.role for r in rights.roles_of(viewer)}
    whose = []
    if kinds & {rights.R.ELEVE, rights.R.ENSEIGNANT}:
        whose.append("les vôtres")
    if rights.R.PARENT in kinds:
        children = rights.timetable_children(viewer)
        whose.append("ceux de votre enfant" if len(children) == 1 else "ceux de vos enfants")
    if rights.R.ELEVE in kinds:
        whose.append("ceux de votre classe et de vos groupes")
    elif rights.R.ENSEIGNANT in kinds:
        whose.append("ceux de vos classes et groupes")
    if rights.is_academy_admin(viewer) or kinds & rights.TIMETABLE_ALL_ROLES:
        whose.append("ceux d'un élève, d'une division, d'un enseignant ou d'une salle")
    listed = ", ".join(whose[:-1]) + (" et " if len(whose) > 1 else "") + whose[-1] if whose \
        else "les vôtres"
    return (f"Les cours de la semaine : {listed} ; changements et annulations signalés.")


SERVICES = [
    Service("annuaire", "Annuaire", "Rechercher les personnes de vos établissements et classes.",
            "annuaire:directory", rights.can_browse_directory, service="annuaire"),
    Service("emploi_du_temps", "Emploi du temps", _timetable_description,
            "viescolaire:timetable", rights.can_use_timetable, service="emploi_du_temps"),
    Service("cahier", "Cahier de textes",
            "Contenu des séances et travail à faire ; visas de la direction.",
            "cahier:home", cahier_rights.can_use_cahier, service="cahier"),
    Service("appel", "Appel et absences",
            "Appel des séances, absences et retards, justifications des familles, suivi de la "
            "vie scolaire.", "appel:home", rights_appel.can_use_appel, nav_label="Appel",
            service="appel"),
    Service("comptes", "Comptes et activation",
            "Fiches de connexion, suivi des activations, contrôles avant distribution, charte.",
            "annuaire:accounts", rights.can_manage_letters, nav_label="Comptes", service="comptes"),
    Service("comptes_suspendus", "Comptes suspendus",
            "Suspendre un compte depuis la fiche d'une personne ; rétablir les comptes suspendus.",
            "annuaire:suspended_accounts", rights.can_manage_accounts, nav_label="Suspendus",
            service="comptes"),
    # One card for the accounts gone from the directory: their list leads to the purges'
    # history for those who may purge them all.
    Service("comptes_desactives", "Comptes désactivés",
            "Comptes sortis de l'annuaire : date de purge, réactivation, purge immédiate.",
            "annuaire:deactivated_accounts", rights.can_manage_accounts, nav_label="Désactivés",
            also_under=("annuaire:purges",), service="comptes"),
    Service("blocages", "Blocages de connexion",
            "Fermer les connexions d'un profil ou d'une division pour une période, avec un message.",
            "annuaire:blocks", rights.can_block_logins, nav_label="Blocages", service="comptes"),
    Service("siecle", "Compléments SIECLE et STS-web",
            "Compléter l'annuaire de l'établissement avec ses exports SIECLE (INE, régime, "
            "options, groupes, sorties, responsables) et STS-web (services des enseignants).",
            "annuaire:siecle_imports", rights.can_import_siecle, nav_label="SIECLE et STS-web",
            service="imports"),
    Service("imports_edt", "Imports d'emploi du temps",
            "Importer l'emploi du temps (EDT / PRONOTE, UnDeuxTemps, STS-web) : bilan "
            "préliminaire, validation ou annulation, rapprochements avec l'annuaire.",
            "imports:home", rights.can_import_timetable, nav_label="Imports EDT", service="imports"),
    Service("imports_aaf", "Imports de l'annuaire (AAF)",
            "Importer les fichiers de l'annuaire académique et consulter les rapports.",
            "annuaire:imports", rights.can_import_aaf, nav_label="Imports AAF", service="imports"),
    Service("administration_etab", "Administration",
            "Services ouverts à chaque profil et droits particuliers, délégation de "
            "l'administration, responsable de publication.",
            "catalogue:index", catalogue_rights.can_reach_administration,
            nav_label="Administration"),
    Service("journal", "Journal des actions",
            "Qui a fait quoi : comptes, droits, blocages, réglages et imports, avec leur auteur.",
            "audit:journal", rights.can_read_audit, nav_label="Journal"),
    Service("administration", "Administration technique", "Interface d'administration Django.",
            "admin:index", lambda viewer: settings.ENT_DJANGO_ADMIN
            and rights.can_use_django_admin(viewer), nav_label="Administration technique"),
]


def services_for(viewer):
    enabled = catalogue_rights.enabled_services(viewer)
    return [service for service in SERVICES
            if (service.service is None or enabled is None or service.service in enabled)
            and service.allowed(viewer)]


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    # aria-current: "page" on the section's own page, "true" on a page under it.
    current: str


def nav_for(viewer, path):
    """The header's menu: home, then each service the viewer has; the one whose address is
    the longest start of ``path`` is the current section (home only on the home page)."""
    services = services_for(viewer)
    prefixes: list[tuple[str, str]] = []
    for service in services:
        urls = [service.url] + [reverse(name) for name in service.also_under]
        prefixes.extend((url, service.key) for url in urls)
    home = reverse("home")
    under = [(url, key) for url, key in prefixes if path.startswith(url)]
    current = max(under, key=lambda pair: len(pair[0]))[1] if under else (
        "accueil" if path == home else None)

    def mark(key, url):
        return ("page" if path == url else "true") if key == current else ""

    return [NavItem("Accueil", home, mark("accueil", home))] + [
        NavItem(service.nav_label or service.label, service.url, mark(service.key, service.url))
        for service in services]

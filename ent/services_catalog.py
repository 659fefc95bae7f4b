"""The services of the portal and who may use each; the home page lists those allowed."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from . import rights


@dataclass(frozen=True)
class Service:
    key: str
    label: str
    description: str
    url_name: str
    allowed: object

    @property
    def url(self):
        return reverse(self.url_name)


SERVICES = [
    Service("annuaire", "Annuaire", "Rechercher les personnes de vos établissements et classes.",
            "annuaire:directory", rights.can_browse_directory),
    Service("comptes", "Comptes et activation",
            "Fiches de connexion, suivi des activations, contrôles avant distribution, charte.",
            "annuaire:accounts", rights.can_manage_letters),
    Service("imports_aaf", "Imports de l'annuaire (AAF)",
            "Importer les fichiers de l'annuaire académique et consulter les rapports.",
            "annuaire:imports", rights.can_import_aaf),
    Service("purges", "Comptes désactivés et purges",
            "Suivre les comptes sortis de l'annuaire et l'historique des purges.",
            "annuaire:purges", rights.can_purge_accounts),
    Service("blocages", "Blocages de connexion",
            "Fermer les connexions d'un profil ou d'une division pour une période, avec un message.",
            "annuaire:blocks", rights.can_block_logins),
    Service("comptes_suspendus", "Comptes suspendus",
            "Suspendre un compte depuis la fiche d'une personne ; rétablir les comptes suspendus.",
            "annuaire:suspended_accounts", rights.can_manage_accounts),
    Service("comptes_desactives", "Comptes désactivés",
            "Comptes sortis de l'annuaire : date de purge, réactivation, purge immédiate.",
            "annuaire:deactivated_accounts", rights.can_manage_accounts),
    Service("administration", "Administration technique", "Interface d'administration Django.",
            "admin:index", lambda viewer: settings.ENT_DJANGO_ADMIN
            and rights.can_use_django_admin(viewer)),
    Service("siecle", "Compléments SIECLE et STS-web",
            "Compléter l'annuaire de l'établissement avec ses exports SIECLE (INE, régime, "
            "options, groupes, sorties, responsables) et STS-web (services des enseignants).",
            "annuaire:siecle_imports", rights.can_import_siecle),
    Service("imports_edt", "Imports d'emploi du temps",
            "Importer l'emploi du temps (EDT / PRONOTE, UnDeuxTemps, STS-web) : bilan "
            "préliminaire, validation ou annulation, rapprochements avec l'annuaire.",
            "imports:home", rights.can_import_timetable),
    Service("emploi_du_temps", "Emploi du temps",
            "Les cours de la semaine : les vôtres, ceux de vos enfants, d'une division, "
            "d'un enseignant ou d'une salle ; changements et annulations signalés.",
            "viescolaire:timetable", rights.can_use_timetable),
]


def services_for(viewer):
    return [service for service in SERVICES if service.allowed(viewer)]

"""The actions the audit trail records: a stable key (stored) and its French label (shown).

A key is never renamed once written: the journal of past years still reads it. A new service
adds its keys here.
"""

# Grouped as the journal's action filter offers them.
ACTION_GROUPS: dict[str, dict[str, str]] = {
    "Comptes": {
        "account_suspend": "Suspension d'un compte",
        "account_reinstate": "Levée d'une suspension",
        "account_reactivate": "Réactivation d'un compte désactivé",
        "account_purge": "Purge d'un compte désactivé",
        "accounts_purge": "Purge des comptes désactivés",
        "login_rename": "Changement d'identifiant",
        "code_reissue": "Nouveau code d'activation",
        "letter_batch_create": "Fiches de connexion éditées",
    },
    "Droits": {
        "role_grant": "Attribution d'un rôle",
        "secretariat_designate": "Désignation au secrétariat",
        "secretariat_withdraw": "Fin d'une désignation au secrétariat",
        "secretariat_rights_update": "Droits du secrétariat modifiés",
        "service_access_update": "Accès aux services modifié",
        "right_toggle_update": "Droit particulier modifié",
        "delegation_grant": "Délégation de l'administration accordée",
        "delegation_revoke": "Délégation de l'administration retirée",
        "publication_responsible_set": "Responsable de publication désigné",
    },
    "Blocages de connexion": {
        "login_block_create": "Blocage de connexion créé",
        "login_block_update": "Blocage de connexion modifié",
        "login_block_delete": "Blocage de connexion levé",
    },
    "Réglages": {
        "account_settings_update": "Réglages des comptes modifiés",
        "timetable_settings_update": "Réglages de l'emploi du temps modifiés",
    },
    "Imports": {
        "aaf_import_start": "Import AAF lancé",
        "aaf_import_confirm": "Import AAF confirmé",
        "aaf_import_cancel": "Import AAF annulé",
        "aaf_import_retry": "Import AAF relancé",
        "siecle_import_start": "Import SIECLE / STS-web lancé",
        "timetable_import_validate": "Emploi du temps validé",
        "timetable_import_cancel": "Import d'emploi du temps annulé",
        "timetable_import_start": "Import d'emploi du temps déposé",
        "rapprochements_save": "Rapprochements enregistrés",
        "rapprochement_delete": "Rapprochement supprimé",
    },
}
ACTIONS: dict[str, str] = {key: label for group in ACTION_GROUPS.values()
                           for key, label in group.items()}


def action_label(key: str) -> str:
    return ACTIONS.get(key, key)


# The details' keys as the journal names them.
DETAIL_LABELS: dict[str, str] = {
    "reason": "Motif",
    "levels": "Niveaux",
    "lifted": "Suspensions levées",
    "old_login": "Ancien identifiant",
    "new_login": "Nouvel identifiant",
    "role": "Rôle",
    "scope": "Portée",
    "block": "Blocage",
    "target": "Cible",
    "profile": "Profil",
    "division": "Division",
    "starts_at": "Début",
    "ends_at": "Fin",
    "message": "Message",
    "import": "Import",
    "kind": "Type",
    "simulate": "Simulation",
    "total": "Comptes supprimés",
    "counts": "Détail",
    "origin": "Origine",
    "changes": "Modifications",
    "files": "Fichiers",
    "person": "Personne",
    "deactivated_at": "Désactivé le",
    "was_activated": "Compte déjà activé",
    "fiches": "Fiches",
    "comptes": "Comptes",
    "canal": "Canal",
    "noms": "Noms de l'emploi du temps",
    "nom": "Nom de l'emploi du temps",
    "changements": "Changements",
    "du": "Du",
    "au": "Au",
    "motif": "Motif",
}


def _value(value) -> str:
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dict):
        return ", ".join(f"{k} : {_value(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_value(v) for v in value)
    return str(value)


def details_lines(details: dict) -> list[tuple[str, str]]:
    return [(DETAIL_LABELS.get(key, key), _value(value)) for key, value in details.items()
            if value not in (None, "", [], {})]

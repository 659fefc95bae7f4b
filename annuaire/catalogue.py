"""The directory's services in the catalogue: the directory itself and the accounts' tools."""

from ent.catalogue.registry import K, ToggleStorage, service_register, toggle_register

service_register(
    key="annuaire", label="Annuaire",
    description="Rechercher les personnes de ses établissements et classes, ouvrir leur fiche.",
    profiles={K.ELEVE, K.PARENT, K.ENSEIGNANT, K.VIE_SCOLAIRE, K.DOCUMENTALISTE, K.PERSONNEL,
              K.DIRECTION, K.ADMIN_ETAB},
    url_names=("annuaire:directory", "annuaire:person", "annuaire:class_list"),
)
toggle_register(
    service="annuaire", key="annuaire.fiches_eleves",
    label="Consultation des fiches élèves",
    help="Les enseignants voient la fiche complète de leurs élèves : date de naissance, INE, "
         "formation, régime et options.",
    default=False,
)

service_register(
    key="comptes", label="Comptes",
    description="Fiches de connexion et activation, comptes suspendus et désactivés, blocages.",
    # The secretariat (personnels) prints letters, vie scolaire may reissue codes; the
    # administrators always keep their own tools.
    profiles={K.VIE_SCOLAIRE, K.PERSONNEL},
    always={K.DIRECTION, K.ADMIN_ETAB},
    url_names=(
        "annuaire:person_login", "annuaire:person_code", "annuaire:accounts",
        "annuaire:accounts_etab", "annuaire:letters", "annuaire:relance",
        "annuaire:letter_history", "annuaire:letter_batch", "annuaire:letter_batch_progress",
        "annuaire:letter_batch_download", "annuaire:controls", "annuaire:account_settings",
        "annuaire:secretariat", "annuaire:blocks", "annuaire:blocks_etab",
        "annuaire:block_edit", "annuaire:block_delete", "annuaire:suspended_accounts",
        "annuaire:deactivated_accounts", "annuaire:person_suspend", "annuaire:person_reinstate",
        "annuaire:person_reactivate", "annuaire:person_purge", "annuaire:purges",
        "annuaire:purge_now"),
)


def _reissue_read(etab_ids):
    from annuaire.models import EtabAccountSettings

    return dict(EtabAccountSettings.objects.filter(etablissement_id__in=etab_ids).values_list(
        "etablissement_id", "vie_scolaire_reissues_codes"))


def _reissue_write(*, etab, enabled, acting_user):
    from annuaire.activation.services import account_settings_reissue_set

    account_settings_reissue_set(etab=etab, enabled=enabled, acting_user=acting_user)


toggle_register(
    service="comptes", key="comptes.vie_scolaire_codes",
    label="La vie scolaire peut réimprimer des codes",
    help="Les CPE et la vie scolaire impriment une fiche avec un nouveau code pour un élève "
         "ou un parent.",
    default=False,
    storage=ToggleStorage(read=_reissue_read, write=_reissue_write),
)

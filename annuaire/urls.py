from django.urls import path

from .views import directory, imports, letters, purges, siecle
from .views import secretariat as secretariat_views

app_name = "annuaire"
urlpatterns = [
    path("", directory.directory, name="directory"),
    path("personne/<int:pk>/", directory.person_detail, name="person"),
    path("classe/<int:pk>/", directory.class_list, name="class_list"),
    path("personne/<int:pk>/identifiant/", directory.person_login, name="person_login"),
    path("imports/", imports.imports, name="imports"),
    path("imports/<int:pk>/", imports.import_detail, name="import"),
    path("imports/<int:pk>/progression/", imports.import_progress, name="import_progress"),
    path("imports/<int:pk>/appliquer/", imports.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/annuler/", imports.import_cancel, name="import_cancel"),
    path("imports/<int:pk>/relancer/", imports.import_retry, name="import_retry"),
    path("imports/<int:pk>/<str:level>/", imports.import_issues, name="import_issues"),
    path("purges/", purges.purges, name="purges"),
    path("purges/lancer/", purges.purge_now, name="purge_now"),
    # Activation and distribution letters
    path("personne/<int:pk>/code/", letters.person_code, name="person_code"),
    path("comptes/", letters.accounts, name="accounts"),
    path("comptes/<int:etab_id>/", letters.accounts_etab, name="accounts_etab"),
    path("comptes/<int:etab_id>/fiches/", letters.letters, name="letters"),
    path("comptes/<int:etab_id>/relance/", letters.relance, name="relance"),
    path("comptes/<int:etab_id>/fiches/historique/", letters.letter_history,
         name="letter_history"),
    path("comptes/<int:etab_id>/fiches/<int:pk>/", letters.letter_batch, name="letter_batch"),
    path("comptes/<int:etab_id>/fiches/<int:pk>/progression/", letters.letter_batch_progress,
         name="letter_batch_progress"),
    path("comptes/<int:etab_id>/fiches/<int:pk>/telecharger/", letters.letter_batch_download,
         name="letter_batch_download"),
    path("comptes/<int:etab_id>/controles/", letters.controls, name="controls"),
    path("comptes/<int:etab_id>/parametres/", letters.account_settings, name="account_settings"),
    path("comptes/<int:etab_id>/secretariat/", secretariat_views.secretariat, name="secretariat"),
]

# --- Login blocks, suspension, deactivated accounts ---
from .views import accounts_state, blocking  # noqa: E402

urlpatterns += [
    path("blocages/", blocking.blocks_home, name="blocks"),
    path("etablissement/<int:etab_id>/blocages/", blocking.blocks_etab, name="blocks_etab"),
    path("blocages/<int:pk>/modifier/", blocking.block_edit, name="block_edit"),
    path("blocages/<int:pk>/supprimer/", blocking.block_delete, name="block_delete"),
    path("comptes/suspendus/", accounts_state.suspended_accounts, name="suspended_accounts"),
    path("comptes/desactives/", accounts_state.deactivated_accounts, name="deactivated_accounts"),
    path("personne/<int:pk>/suspendre/", accounts_state.person_suspend, name="person_suspend"),
    path("personne/<int:pk>/retablir/", accounts_state.person_reinstate, name="person_reinstate"),
    path("personne/<int:pk>/reactiver/", accounts_state.person_reactivate,
         name="person_reactivate"),
    path("personne/<int:pk>/purger/", accounts_state.person_purge, name="person_purge"),
    path("siecle/", siecle.siecle_imports, name="siecle_imports"),
    path("siecle/<int:pk>/", siecle.siecle_import_detail, name="siecle_import"),
    path("siecle/<int:pk>/progression/", siecle.siecle_import_progress,
         name="siecle_import_progress"),
]

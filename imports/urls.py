from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:etab_id>/", views.etab_imports, name="etab"),
    path("<int:etab_id>/rapprochements/", views.rapprochements, name="rapprochements"),
    path("<int:etab_id>/parametres/", views.timetable_settings, name="settings"),
    path("<int:etab_id>/rapprochements/<int:pk>/modifier/", views.rapprochement_edit,
         name="rapprochement_edit"),
    path("<int:etab_id>/rapprochements/<int:pk>/supprimer/", views.rapprochement_delete,
         name="rapprochement_delete"),
    path("<int:etab_id>/<int:pk>/", views.import_detail, name="detail"),
    path("<int:etab_id>/<int:pk>/progression/", views.import_progress, name="progress"),
    path("<int:etab_id>/<int:pk>/valider/", views.import_validate, name="validate"),
    path("<int:etab_id>/<int:pk>/annuler/", views.import_cancel, name="cancel"),
    path("<int:etab_id>/<int:pk>/bilan.csv", views.import_csv, name="csv"),
    path("<int:etab_id>/<int:pk>/bilan.pdf", views.import_pdf, name="pdf"),
]

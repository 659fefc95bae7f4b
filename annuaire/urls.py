from django.urls import path

from .views import directory, imports, purges, siecle

app_name = "annuaire"
urlpatterns = [
    path("", directory.directory, name="directory"),
    path("personne/<int:pk>/", directory.person_detail, name="person"),
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
    path("siecle/", siecle.siecle_imports, name="siecle_imports"),
    path("siecle/<int:pk>/", siecle.siecle_import_detail, name="siecle_import"),
    path("siecle/<int:pk>/progression/", siecle.siecle_import_progress,
         name="siecle_import_progress"),
]

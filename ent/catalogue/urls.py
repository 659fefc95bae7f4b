from django.urls import path

from . import views

app_name = "catalogue"

urlpatterns = [
    path("", views.index, name="index"),
    path("academie/services/", views.academie_services, name="academie_services"),
    path("etablissement/<int:etab_id>/services/", views.etab_services, name="etab_services"),
    path("etablissement/<int:etab_id>/responsabilites/", views.responsibilities,
         name="responsibilities"),
    path("etablissement/<int:etab_id>/responsabilites/publication/", views.publication,
         name="publication"),
    path("etablissement/<int:etab_id>/responsabilites/delegation/<int:pk>/fin/",
         views.delegation_end, name="delegation_end"),
]

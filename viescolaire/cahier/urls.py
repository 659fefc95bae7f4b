from django.urls import path

from . import views

app_name = "cahier"
urlpatterns = [
    path("", views.cahier_home, name="home"),
    path("classe/", views.class_cahier, name="classe"),
    path("mon-cahier/", views.teacher_week, name="teacher_week"),
    path("seance/<int:pk>/", views.seance_page, name="seance"),
    path("seance/<int:pk>/copier/", views.seance_copy, name="seance_copy"),
    path("seance/<int:pk>/travail/", views.devoir_add, name="devoir_add"),
    path("travail/<int:pk>/modifier/", views.devoir_edit, name="devoir_edit"),
    path("travail/<int:pk>/supprimer/", views.devoir_delete, name="devoir_delete"),
    path("travail/<int:pk>/fait/", views.devoir_done, name="devoir_done"),
    path("travail-a-faire/", views.travail, name="travail"),
    path("contenus/", views.contenus, name="contenus"),
    path("fichier/<int:pk>/", views.piece_download, name="piece"),
    path("fichier/<int:pk>/supprimer/", views.piece_delete, name="piece_delete"),
    path("visas/", views.visas, name="visas"),
    path("visas/<int:etab_pk>/cahier/<int:enseignant_pk>/<int:regroupement_pk>/",
         views.visa_cahier, name="visa_cahier"),
    path("visas/<int:etab_pk>/cahier/<int:enseignant_pk>/<int:regroupement_pk>/pdf/",
         views.visa_pdf, name="visa_pdf"),
]

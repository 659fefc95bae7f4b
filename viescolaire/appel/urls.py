from django.urls import path

from . import views

app_name = "appel"
urlpatterns = [
    path("", views.appel_home, name="home"),
    path("seance/<int:pk>/", views.appel_sheet, name="sheet"),
    path("seance/<int:pk>/relancer/", views.appel_remind, name="remind"),
    path("seance/<int:pk>/eleve/<int:eleve>/", views.appel_pupil_save, name="pupil_save"),
    path("eleve/<int:pk>/", views.pupil_absences, name="pupil_absences"),
    path("eleve/<int:pk>/declarer/", views.absence_declare, name="absence_declare"),
    path("absence/<int:pk>/justifier/", views.absence_justify, name="absence_justify"),
    path("absence/<int:pk>/justificatif/", views.absence_attachment, name="absence_attachment"),
    path("absence/<int:pk>/", views.absence_detail, name="absence_detail"),
    path("etablissement/<int:pk>/tableau/", views.board, name="board"),
    path("etablissement/<int:pk>/tableau/grille/", views.board_grid, name="board_grid"),
    path("etablissement/<int:pk>/absences/", views.absences_list, name="absences"),
    path("etablissement/<int:pk>/absences/saisir/", views.absence_enter, name="absence_enter"),
    path("etablissement/<int:pk>/signalements/", views.signalements, name="signalements"),
    path("etablissement/<int:pk>/statistiques/", views.statistics, name="statistics"),
    path("etablissement/<int:pk>/registre/", views.registre, name="registre"),
    path("etablissement/<int:pk>/motifs/", views.motifs_settings, name="motifs"),
]

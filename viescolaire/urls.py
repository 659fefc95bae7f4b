from django.urls import path

from . import views

app_name = "viescolaire"
urlpatterns = [
    path("", views.timetable_index, name="timetable"),
    path("eleve/<int:pk>/", views.week_eleve, name="week_eleve"),
    path("enseignant/<int:pk>/", views.week_enseignant, name="week_enseignant"),
    path("regroupement/<int:pk>/", views.week_regroupement, name="week_regroupement"),
    # A room is named as the timetable names it, a « / » included (« LABO 1/2 »).
    path("salle/<int:pk>/<path:room>/", views.week_room, name="week_room"),
]

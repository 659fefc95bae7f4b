from django.urls import path

from . import views

app_name = "viescolaire"
urlpatterns = [
    path("", views.timetable_index, name="timetable"),
    path("eleve/<int:pk>/", views.week_eleve, name="week_eleve"),
    path("enseignant/<int:pk>/", views.week_enseignant, name="week_enseignant"),
    path("regroupement/<int:pk>/", views.week_regroupement, name="week_regroupement"),
    path("salle/<int:pk>/<str:room>/", views.week_room, name="week_room"),
]

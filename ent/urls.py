from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("sante/", views.health, name="health"),
    path("compte/", include("allauth.urls")),
    path("annuaire/", include("annuaire.urls")),
    path("django-admin/", admin.site.urls),
]

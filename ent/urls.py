from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("compte/", include("allauth.urls")),
    path("annuaire/", include("annuaire.urls")),
    path("django-admin/", admin.site.urls),
]

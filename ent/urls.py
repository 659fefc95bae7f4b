from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from annuaire.views import activation

from . import views

handler500 = "ent.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("sante/", views.health, name="health"),
    path("compte/activation/", activation.activation_start, name="activation_start"),
    path("compte/activation/mot-de-passe/", activation.activation_finish,
         name="activation_finish"),
    path("compte/", include("allauth.urls")),
    path("annuaire/", include("annuaire.urls")),
    path("emploi-du-temps/imports/", include("imports.urls")),
    path("emploi-du-temps/", include("viescolaire.urls")),
    path("cahier-de-textes/", include("viescolaire.cahier.urls")),
    path("appel/", include("viescolaire.appel.urls")),
    path("notifications/", include("ent.notifications.urls")),
    path("administration/", include("ent.catalogue.urls")),
    path("journal/", include("ent.audit.urls")),
]
if settings.ENT_DJANGO_ADMIN:
    urlpatterns.append(path("django-admin/", admin.site.urls))

"""Django's admin site, off unless ENT_DJANGO_ADMIN mounts it at /django-admin/.

Only the académie's administrators reach it (``rights.can_use_django_admin``); anyone else
signed in gets the portal's 404, as for any object out of reach. It has no login form of its
own: its login page sends to the portal's, whose failed-login limits (``ent.login_limits``)
apply. Which models it shows still follows Django's permissions of the account.
"""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from . import rights
from .errors import NotFound


class PortalAdminSite(admin.AdminSite):
    site_header = "Administration technique de l'ENT"
    site_title = "Administration technique"
    index_title = "Modèles"

    def has_permission(self, request):
        return rights.can_use_django_admin(request.user)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise NotFound
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, inner)

    def login(self, request, extra_context=None):
        index = reverse("admin:index", current_app=self.name)
        if not request.user.is_authenticated:
            return redirect_to_login(request.GET.get("next") or index, reverse("account_login"))
        if not self.has_permission(request):
            raise NotFound
        return redirect(index)

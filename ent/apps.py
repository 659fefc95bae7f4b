from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class EntConfig(AppConfig):
    default = True
    name = "ent"
    verbose_name = "Portail"

    def ready(self):
        from . import accounts  # noqa: F401  (connects its signal receivers)


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the portal's rules (ent/admin_site.py)."""

    default = False
    default_site = "ent.admin_site.PortalAdminSite"

from django.apps import AppConfig


class EntConfig(AppConfig):
    name = "ent"
    verbose_name = "Portail"

    def ready(self):
        from . import accounts  # noqa: F401  (connects its signal receivers)

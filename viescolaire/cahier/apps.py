from django.apps import AppConfig


class CahierConfig(AppConfig):
    # Its own label: its migrations never collide with viescolaire's.
    name = "viescolaire.cahier"
    label = "cahier"
    verbose_name = "Cahier de textes"

    def ready(self):
        from . import notifications  # noqa: F401 — registers its notification kind

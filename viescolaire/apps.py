from django.apps import AppConfig


class ViescolaireConfig(AppConfig):
    name = "viescolaire"
    verbose_name = "Vie scolaire"

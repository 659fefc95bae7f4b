from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "ent.catalogue"
    label = "catalogue"
    verbose_name = "Services et droits"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Each app declares its services and toggles in its own ``catalogue.py``.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("catalogue")

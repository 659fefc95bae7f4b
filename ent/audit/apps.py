from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ent.audit"
    label = "audit"
    verbose_name = "Journal des actions"
    default_auto_field = "django.db.models.BigAutoField"

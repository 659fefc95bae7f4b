from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "ent.notifications"
    label = "notifications"
    verbose_name = "Notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import jobs  # noqa: F401  (registers the kinds of the jobs' notifications)

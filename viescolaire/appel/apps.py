from django.apps import AppConfig


class AppelConfig(AppConfig):
    """Roll call and absences: a sub-package of ``viescolaire`` with an app label of its own, so
    that its migrations are numbered apart from the timetable's."""

    name = "viescolaire.appel"
    label = "appel"
    verbose_name = "Appel et absences"

    def ready(self):
        from . import kinds  # noqa: F401 - registers the notification kinds

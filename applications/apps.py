from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"

    def ready(self):
        from . import signals  # noqa: F401 - connects the receivers

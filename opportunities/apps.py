from django.apps import AppConfig


class OpportunitiesConfig(AppConfig):
    name = "opportunities"
    verbose_name = "Projects"

    def ready(self):
        from . import signals  # noqa: F401 - keeps search vectors current

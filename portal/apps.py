from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "People and accounts"

    def ready(self):
        from . import mfa, signals  # noqa: F401 - connects the receivers
        from .permissions import grant_career_center_permissions, grant_payment_files_permission

        post_migrate.connect(grant_career_center_permissions, dispatch_uid="portal-career-center-perms")
        post_migrate.connect(grant_payment_files_permission, dispatch_uid="portal-payment-files-perm")

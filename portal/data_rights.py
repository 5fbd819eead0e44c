"""'Download my data' and 'Delete my account' across apps.

Each app may have a ``privacy`` module with ``export(user) -> dict`` and ``erase(user)``. Export
runs in dependency order; erasure runs the other way, so that an app detaches what it keeps
(payout records for tax law, for example) before the apps below it remove the person.
"""

from django.db import transaction
from django.utils import timezone

from .apps_order import app_modules


def _privacy_modules():
    return app_modules("privacy")


def account_export(*, user):
    data = {"exported_at": timezone.now().isoformat()}
    for app, module in _privacy_modules():
        data[app] = module.export(user)
    return data


@transaction.atomic
def account_delete(*, user):
    from .models import User

    User.objects.select_for_update().get(pk=user.pk)
    for _app, module in reversed(list(_privacy_modules())):
        module.erase(user)

"""'Download my data' and 'Delete my account' across apps.

Each app may have a ``privacy`` module with ``export(user) -> dict`` and ``erase(user)``. Export
runs in dependency order; erasure runs the other way, so that an app detaches what it keeps
(payout records for tax law, for example) before the apps below it remove the person. A module
may also have ``erase_blocker(user) -> str | None``: what the person must do first (an
organization's only owner hands it over), said to them as it is.
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


class AccountDeletionBlocked(Exception):
    """Something the person must do before their account can go; the message says what."""


def account_delete_blockers(*, user):
    return [
        problem
        for _app, module in _privacy_modules()
        if hasattr(module, "erase_blocker") and (problem := module.erase_blocker(user))
    ]


@transaction.atomic
def account_delete(*, user):
    from .models import User

    User.objects.select_for_update().get(pk=user.pk)
    blockers = account_delete_blockers(user=user)
    if blockers:
        raise AccountDeletionBlocked(" ".join(blockers))
    for _app, module in reversed(list(_privacy_modules())):
        module.erase(user)

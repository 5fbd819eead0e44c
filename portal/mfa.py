"""A second factor for everyone who can open the admin.

allauth.mfa asks for the code at sign-in once an authenticator is set up and records it in the
session's list of authentication methods. The admin opens only for a session whose list holds a
second factor: staff without one are sent to set one up, and a session that has not used it
(signed in before it was set up) is asked for it again. Students and employers may turn it on
from their account pages; nothing requires it of them.
"""

from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from django.contrib import messages
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse

from portal.links import fixed_url

# Authenticators that are a device of their own; recovery codes only stand in for one.
DEVICE_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def needs_second_factor(user):
    """Whoever can open the admin: the career center group (staff) and superusers."""
    return user.is_authenticated and (user.is_staff or user.is_superuser)


def has_device(user):
    return Authenticator.objects.filter(user=user, type__in=DEVICE_TYPES).exists()


def second_factor_used(request):
    """True when this session's sign-in included a second factor (allauth's own record)."""
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


class AdminSecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            # The admin's address reversed once per process: this runs on every request.
            request.path.startswith(fixed_url("admin:index"))
            and needs_second_factor(request.user)
            and not second_factor_used(request)
        ):
            query = urlencode({"next": request.get_full_path()})
            if has_device(request.user):
                return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
            messages.info(request, "The admin needs a second factor: set up an authenticator app first.")
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


@receiver(authenticator_added)
def _first_device_counts_as_used(sender, request, user, authenticator, **kwargs):
    """Setting up the first device proves its possession (a valid code or key), so the session
    that did it may open the admin without typing a second code. A later device does not count:
    adding one never stands in for the device already there."""
    if authenticator.type not in DEVICE_TYPES:
        return
    if Authenticator.objects.filter(user=user, type__in=DEVICE_TYPES).exclude(pk=authenticator.pk).exists():
        return
    record_authentication(request, user, "mfa", type=authenticator.type, id=authenticator.pk)

"""Signing staff in as allauth does after a password and a second factor."""

import time

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.conf import settings
from django.test import RequestFactory


def give_totp(user, secret=None):
    """An authenticator app for USER (the demo secret unless told), as if set up on its page."""
    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return existing or TOTP.activate(user, secret or settings.DEMO_TOTP_SECRET).instance


def totp_code(secret=None, at=None):
    """The code an authenticator app shows now for SECRET. Near the end of a 30-second step it
    waits for the next one, as a person would, so the code is still valid when it arrives."""
    if at is None:
        left = 30 - time.time() % 30
        if left < 3:
            time.sleep(left + 0.05)
    counter = int(at if at is not None else time.time()) // 30
    return format_hotp_value(hotp_value(secret or settings.DEMO_TOTP_SECRET, counter))


def admin_login(client, user):
    """force_login, plus the record allauth keeps once the second factor was entered."""
    authenticator = give_totp(user)
    client.force_login(user)
    session = client.session
    request = RequestFactory().get("/")
    request.session = session
    record_authentication(request, user, "password")
    record_authentication(request, user, "mfa", type=authenticator.type, id=authenticator.pk)
    session.save()

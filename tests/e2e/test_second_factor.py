"""Staff set up an authenticator app in the browser before the admin opens."""

import re

import pytest

from tests.e2e.conftest import sign_in
from tests.signin import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_set_up_an_authenticator_app_then_open_the_admin(page, sid, password, axe_violations):
    sign_in(page, sid.email, password)
    page.goto("/admin/")
    # Sent to set one up; allauth asks for the password again first.
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Activate Authenticator App").wait_for()
    assert axe_violations(page) == []
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.get_by_role("heading", name="Recovery Codes").wait_for()
    assert axe_violations(page) == []
    page.goto("/admin/")
    page.get_by_role("heading", name="Career center tools").wait_for()

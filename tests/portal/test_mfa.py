"""A second factor before any admin page; optional for students and employers."""

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import admin
from django.urls import reverse

from portal.models import User
from tests.signin import admin_login, give_totp, totp_code

from .test_settings import PRODUCTION, manage


def admin_pages():
    """The index and every registered model's list: the whole admin, by construction."""
    yield reverse("admin:index")
    for model in admin.site._registry:
        yield reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def sign_in_with_password(client, user, password):
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302
    return response


def activate_totp(client, password):
    """The account page's flow: confirm the password (allauth asks again), scan, type the code."""
    response = client.get(reverse("mfa_activate_totp"))
    if response.status_code == 302 and response.url.startswith(reverse("account_reauthenticate")):
        client.post(response.url, {"password": password})
        response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    secret = client.session["mfa.totp.secret"]
    return client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})


def test_settings_put_the_admin_behind_a_second_factor():
    middleware = settings.MIDDLEWARE
    assert "portal.mfa.AdminSecondFactorMiddleware" in middleware
    # It needs the signed-in user and allauth's session records, so it runs after both.
    assert middleware.index("portal.mfa.AdminSecondFactorMiddleware") > middleware.index(
        "allauth.account.middleware.AccountMiddleware"
    )
    assert "allauth.mfa" in settings.INSTALLED_APPS


def test_production_settings_keep_the_second_factor():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print('portal.mfa.AdminSecondFactorMiddleware' in settings.MIDDLEWARE)",
        env=PRODUCTION,
    )
    assert result.stdout.strip().splitlines()[-1] == "True", result.stderr


@pytest.mark.parametrize("who", ["staff", "superuser"])
def test_no_admin_page_opens_with_a_password_alone(client, sid, who):
    user = sid if who == "staff" else User.objects.create_superuser("root@career.example.edu", "a-long-root-pw")
    client.force_login(user)
    for url in admin_pages():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == reverse("mfa_activate_totp"), url


def test_staff_with_an_authenticator_are_asked_for_it_before_the_admin(client, sid):
    give_totp(sid)
    client.force_login(sid)
    response = client.get("/admin/portal/user/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_reauthenticate"))
    response = client.post(response.url, {"code": totp_code()})
    assert response.status_code == 302 and response.url == "/admin/portal/user/"
    assert client.get("/admin/portal/user/").status_code == 200


def test_staff_sign_in_asks_for_the_code_then_opens_the_admin(client, sid, password):
    give_totp(sid)
    response = sign_in_with_password(client, sid, password)
    assert response.url == reverse("mfa_authenticate")
    assert client.get("/admin/").status_code == 302  # not signed in yet
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000" if totp_code() != "000000" else "111111"})
    assert wrong.status_code == 200 and "Incorrect code" in wrong.content.decode()
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert client.get("/admin/").status_code == 200


# Committed for real: allauth announces the new authenticator after commit, inside the request.
@pytest.mark.django_db(transaction=True)
def test_staff_without_a_second_factor_set_one_up_then_open_the_admin(client, sid, password):
    sign_in_with_password(client, sid, password)
    response = client.get("/admin/")
    assert response.url == reverse("mfa_activate_totp")
    page = client.get(reverse("mfa_activate_totp"), follow=True)
    assert "The admin needs a second factor" in page.content.decode()
    response = activate_totp(client, password)
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=sid, type=Authenticator.Type.TOTP).exists()
    # Recovery codes come with the app, for a lost phone.
    assert Authenticator.objects.filter(user=sid, type=Authenticator.Type.RECOVERY_CODES).exists()
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_opens_the_admin(client, sid, password):
    give_totp(sid)
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    code = RecoveryCodes.activate(sid).generate_codes()[0]
    sign_in_with_password(client, sid, password)
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert client.get("/admin/").status_code == 200


def test_the_test_helper_signs_in_as_allauth_does(client, sid):
    admin_login(client, sid)
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("person", ["alice", "carol"])
def test_students_and_employers_may_turn_it_on_and_need_not(client, request, person, password):
    user = request.getfixturevalue(person)
    client.force_login(user)
    assert client.get(reverse("portal:dashboard")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200
    activate_totp(client, password)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    # Still no admin for them, second factor or not.
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith("/admin/login/")


def test_account_pages_offer_two_factor_authentication(client, alice):
    client.force_login(alice)
    html = client.get(reverse("account_email")).content.decode()
    assert f'href="{reverse("mfa_index")}"' in html
    html = client.get(reverse("mfa_index")).content.decode()
    assert reverse("mfa_activate_totp") in html and reverse("mfa_add_webauthn") in html

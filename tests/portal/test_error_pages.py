"""The 400, 403 and 414 pages are ours, in the portal's layout, with its security headers."""

import pytest
from django.test import Client

from tests.portal.test_settings import PRODUCTION, manage
from tests.signin import admin_login

pytestmark = pytest.mark.django_db


def assert_secured(response):
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    html = response.content.decode()
    assert 'class="site-header"' in html and "Micro-Internships Portal" in html  # the layout


def test_an_unknown_host_gets_our_400_page(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "We could not read that request" in response.content.decode()
    assert_secured(response)


def test_a_page_the_account_may_not_open_gets_our_403_page(client, sid, alice):
    admin_login(client, sid)  # staff, not a superuser: passwords are not theirs to set
    response = client.get(f"/admin/portal/user/{alice.pk}/password/")
    assert response.status_code == 403
    assert "You cannot open this page" in response.content.decode()
    assert_secured(response)


def test_an_expired_form_says_so_plainly_with_the_way_back(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/profile/", {"first_name": "Alice"}, HTTP_REFERER="http://testserver/profile/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "This form expired" in html
    assert "reload the page, and send the form again" in html
    assert 'href="http://testserver/profile/"' in html
    assert "CSRF" not in html
    assert_secured(response)


def test_the_way_back_never_leads_to_another_site(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/profile/", {}, HTTP_REFERER="https://evil.example/phish")
    html = response.content.decode()
    assert "evil.example" not in html
    assert "Back to the home page" in html


def test_an_address_too_long_gets_our_414_page(client):
    response = client.get("/projects/?q=" + "a" * 5000)
    assert response.status_code == 414
    assert "That address is too long" in response.content.decode()
    assert_secured(response)
    assert client.get("/projects/?q=" + "a" * 100).status_code == 200


def _proxy_header(**extra):
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(getattr(settings, 'SECURE_PROXY_SSL_HEADER', None))",
        env={**PRODUCTION, **extra},
    )
    return result.stdout.strip().splitlines()[-1]


def test_x_forwarded_proto_is_trusted_only_behind_a_declared_proxy():
    assert _proxy_header() == "None"
    assert _proxy_header(TRUSTED_PROXY="true") == "('HTTP_X_FORWARDED_PROTO', 'https')"

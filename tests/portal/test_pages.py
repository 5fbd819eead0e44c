import json

import pytest
from django.db.utils import OperationalError
from django.test import Client
from django.urls import reverse

from tests.signin import admin_login

pytestmark = pytest.mark.django_db


def test_home_explains_micro_internships_with_two_ways_in(client):
    html = client.get("/").content.decode()
    assert "5 to 40 hours" in html
    assert "one week to one month" in html
    assert "short questions" in html
    assert 'href="/accounts/signup/?role=student"' in html
    assert 'href="/accounts/signup/?role=employer"' in html
    # Landmarks and a skip link on every page.
    assert 'href="#main"' in html and '<main id="main"' in html and '<nav aria-label="Main">' in html


def test_pages_use_no_asset_from_elsewhere(client):
    html = client.get("/").content.decode()
    assert "https://" not in html.split("<body")[0]
    assert "<script" not in html or 'src="/static/' in html


def test_responses_carry_a_strict_content_security_policy(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy


@pytest.mark.parametrize(
    ("person", "expected", "absent"),
    [
        ("alice", "Confirm your work eligibility", "Open the admin"),
        ("carol", "Create your organization", "Confirm your work eligibility"),
        ("sid", "Open the admin", "Create your organization"),
    ],
)
def test_dashboard_by_role(client, request, person, expected, absent):
    client.force_login(request.getfixturevalue(person))
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert expected in html
    assert absent not in html


def test_navigation_changes_by_role(client, alice, sid):
    assert "Sign in" in client.get("/").content.decode()
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert "Sign out" in html and 'href="/admin/"' not in html
    admin_login(client, sid)
    assert 'href="/admin/"' in client.get("/").content.decode()


def test_dashboard_needs_login(client):
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


def test_friendly_500(client, monkeypatch):
    def boom(request):
        raise RuntimeError("unexpected")

    monkeypatch.setattr("portal.views.render", boom)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_healthz_reports_database(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "checks": {"database": "ok", "redis": "not configured"}}


def test_healthz_fails_when_the_database_does_not_answer(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("down")

    monkeypatch.setattr("portal.views.connection.cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["database"] == "error"

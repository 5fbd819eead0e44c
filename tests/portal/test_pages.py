import json
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.db.utils import OperationalError
from django.test import Client
from django.urls import reverse

from tests.factories import ProjectFactory
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


ASSET_ATTRIBUTES = {
    "script": ["src"],
    "link": ["href"],
    "img": ["src", "srcset"],
    "source": ["src", "srcset"],
    "iframe": ["src"],
    "video": ["src", "poster"],
    "audio": ["src"],
    "embed": ["src"],
    "object": ["data"],
}


class AssetCollector(HTMLParser):
    """Every address a page makes the browser load: (tag, attribute, address)."""

    def __init__(self):
        super().__init__()
        self.assets = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ASSET_ATTRIBUTES.get(tag, []) and value is not None:
                addresses = [c.strip().split(" ")[0] for c in value.split(",")] if name == "srcset" else [value]
                self.assets += [(tag, name, address) for address in addresses]


def page_assets(html):
    collector = AssetCollector()
    collector.feed(html)
    return collector.assets


def foreign_assets(html):
    """The assets not served by the portal itself (the test server)."""
    foreign = []
    for tag, name, address in page_assets(html):
        parts = urlsplit(address)
        if (parts.scheme or parts.netloc) and (parts.scheme not in ("http", "https") or parts.netloc != "testserver"):
            foreign.append(f"<{tag} {name}={address}>")
    return foreign


def test_the_asset_check_finds_an_address_from_elsewhere():
    html = (
        '<link rel="stylesheet" href="/static/css/portal.css"><script src="/static/js/a.js"></script>'
        '<script src="https://cdn.example.com/x.js"></script><img src="//tracker.example/p.gif">'
        '<img srcset="/static/a.png 1x, https://img.example/b.png 2x"><iframe src="data:text/html,hi"></iframe>'
        '<link rel="icon" href="http://testserver/static/favicon.ico">'
    )
    assert foreign_assets(html) == [
        "<script src=https://cdn.example.com/x.js>",
        "<img src=//tracker.example/p.gif>",
        "<img srcset=https://img.example/b.png>",
        "<iframe src=data:text/html,hi>",
    ]


PAGES_BY_PERSON = {
    None: ["/", "/projects/", "project", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"],
    "alice": ["/dashboard/", "/profile/", "/eligibility/", "/payroll/", "/payroll/edit/", "/applications/", "apply"],
    "carol": ["/dashboard/", "/organization/", "/employer/projects/", "/employer/projects/new/", "employer"],
    "sid": ["/dashboard/", "/admin/", "/admin/opportunities/project/"],
}


@pytest.mark.parametrize("person", PAGES_BY_PERSON)
def test_pages_use_no_asset_from_elsewhere(client, request, person, carol):
    project = ProjectFactory(organization=carol.membership.organization, contact=carol)
    named = {
        "project": project.get_absolute_url(),
        "apply": reverse("applications:apply", args=[project.slug]),
        "employer": reverse("opportunities:employer-project-detail", args=[project.slug]),
    }
    if person:
        admin_login(client, request.getfixturevalue(person))
    checked = []
    for page in PAGES_BY_PERSON[person]:
        url = named.get(page, page)
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert foreign_assets(html) == [], url
        checked += page_assets(html)
    stylesheet = "/static/admin/css/base.css" if person == "sid" else "/static/css/portal.css"
    assert ("link", "href", stylesheet) in checked  # the check saw the page's assets


def test_responses_carry_a_strict_content_security_policy(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy


@pytest.mark.parametrize(
    ("person", "expected", "absent"),
    [
        ("alice", "Declare your work eligibility", "Open the admin"),
        ("carol", "Post a project", "Declare your work eligibility"),
        ("sid", "Open the admin", "Create your organization"),
    ],
)
def test_dashboard_by_role(client, request, person, expected, absent):
    admin_login(client, request.getfixturevalue(person))
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


NAV = {
    "anonymous": [
        ("Home", "/"),
        ("Projects", "/projects/"),
        ("Sign in", "/accounts/login/"),
        ("Sign up", "/accounts/signup/"),
    ],
    "alice": [
        ("Dashboard", "/dashboard/"),
        ("Projects", "/projects/"),
        ("Applications", "/applications/"),
        ("Profile", "/profile/"),
        ("Eligibility", "/eligibility/"),
        ("Payroll", "/payroll/"),
        ("Saved searches", "/projects/saved/"),
        ("Account", "/accounts/email/"),
        ("Time zone", "/profile/time-zone/"),
    ],
    "carol": [
        ("Dashboard", "/dashboard/"),
        ("Projects", "/projects/"),
        ("My projects", "/employer/projects/"),
        ("Organization", "/organization/"),
        ("Account", "/accounts/email/"),
        ("Time zone", "/profile/time-zone/"),
    ],
    "sid": [
        ("Dashboard", "/dashboard/"),
        ("Projects", "/projects/"),
        ("Admin", "/admin/"),
        ("Account", "/accounts/email/"),
        ("Time zone", "/profile/time-zone/"),
    ],
}


@pytest.mark.parametrize("who", NAV)
def test_the_navigation_has_each_roles_links_and_a_sign_out_form_once_signed_in(client, request, who):
    import re

    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    page = client.get("/projects/").content.decode()
    nav = re.search(r'<nav aria-label="Main">.*?</nav>', page, re.S).group(0)
    links = [
        (label, href) for href, label in re.findall(r'<li><a(?: class="[^"]+")? href="([^"]+)">([^<]+)</a></li>', nav)
    ]
    assert links == NAV[who]
    signs_out = re.search(
        r'<form method="post" action="/accounts/logout/".*?name="csrfmiddlewaretoken".*?Sign out', nav, re.S
    )
    assert bool(signs_out) == (who != "anonymous")
    assert ('<a class="button button-small" href="/accounts/signup/">Sign up</a>' in nav) == (who == "anonymous")

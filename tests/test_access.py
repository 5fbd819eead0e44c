"""Every URL of the portal refuses the wrong people, as ``tests/access_table.py`` says."""

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access_table import LOGIN, NOT_FOUND, OK, PERSONAS, ROWS, World

# Not the portal's own views: Django's admin (its own permission checks, tested per model),
# allauth's account pages, the health probe for the load balancer.
EXCLUDED_PREFIXES = ("admin/", "accounts/", "healthz", "static/", "media/")


def portal_url_names(patterns=None, prefix="", namespace=""):
    """``namespace:name`` of every URL pattern reachable from the root URLconf, outside the
    excluded prefixes (a pattern without a name is listed by its route)."""
    names = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(EXCLUDED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= portal_url_names(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            names.add(f"{namespace}{entry.name}" if entry.name else route)
    return names


def test_every_url_of_the_portal_is_in_the_access_table():
    listed = {row.name for row in ROWS}
    found = portal_url_names()
    assert sorted(found - listed) == [], "add these URLs to tests/access_table.py, saying who may use them"
    assert sorted(listed - found) == [], "these rows of tests/access_table.py name no URL"


def test_the_walk_finds_nested_apps_and_skips_the_admin():
    found = portal_url_names()
    assert {"portal:home", "organizations:invitation", "applications:applicant-assessment"} <= found
    assert not any(name.startswith(("admin:", "account_")) for name in found)


@pytest.fixture
def people(alice, bob, carol, dave, sid):
    return {"anonymous": None, "alice": alice, "bob": bob, "carol": carol, "dave": dave, "staff": sid}


def outcome(response):
    if response.status_code == 404:
        return NOT_FOUND
    if response.status_code == 302 and response.url.split("?")[0] == reverse(settings.LOGIN_URL):
        return LOGIN
    if response.status_code in (200, 302):
        return OK
    return f"status {response.status_code}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_each_url_serves_only_the_people_it_is_for(client, people, row, persona):
    world = World(**{name: user for name, user in people.items() if user is not None})
    url = reverse(row.name, kwargs=row.kwargs(world) if row.kwargs else None)
    if people[persona] is not None:
        client.force_login(people[persona])
    data = row.data(world) if callable(row.data) else row.data
    response = getattr(client, row.method)(url, data)
    if response.streaming:  # a download: reading it to the end closes the file, as a browser would
        b"".join(response.streaming_content)
    assert outcome(response) == row.expected(persona), f"{row.method.upper()} {url} as {persona}"

"""Property-based sweep: every form and query parameter of the portal's own pages, signed in as
the person the page is for, answers below 500 whatever is typed.

Forms are read from the pages themselves (every ``<form>`` and its fields), so a new form on one
of these pages is covered without being listed here; a new page is one line in ``PAGES``.
"""

import string
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications.models import Application
from opportunities.models import Project, SavedSearch
from tests.applications.conftest import make_ready
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    EmployerFactory,
    ProjectFactory,
    SkillFactory,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db

EXAMPLES_PER_FORM = 25

# Values that have broken forms before, or that break forms in general.
NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1e309",
    "NaN",
    "Infinity",
    "99999",
    "9" * 30,
    "-9" * 15,
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "99999-01-01",
    "１２",
    "\x00",
    "é" * 300,
    "a" * 5000,
    "https://www.linkedin.com/in/" + "a" * 300,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
    "\r\nSet-Cookie: x=y",
    "on",
]


# A valid value for fields a page leaves empty, so that a generated value in one field meets an
# otherwise valid form and reaches the service and the database, not only the first check.
VALID = {
    "first_name": "Alice",
    "last_name": "Adams",
    "program": "B.S. Biology",
    "graduation_year": "2027",
    "linkedin_url": "https://www.linkedin.com/in/alice",
    "bio": "I like data.",
    "title": "Survey analysis for our spring campaign",
    "summary": "Analyse survey answers.",
    "description": "The brief.",
    "deliverables": "A report.",
    "estimated_hours": "10",
    "fee": "250",
    "openings": "2",
    "apply_by": (timezone.localdate() + timedelta(days=10)).isoformat(),
    "duration_days": "14",
    "questions-0-text": "What would you look at first?",
    "name": "Initech",
    "website": "https://initech.example.com",
    "industry": "Software",
    "email": "someone@example.edu",
    "login": "alice@example.edu",
    "password": PASSWORD,
    "password1": "a-long-new-password-2026",
    "password2": "a-long-new-password-2026",
    "starts_on": (timezone.localdate() + timedelta(days=5)).isoformat(),
    "ends_on": (timezone.localdate() + timedelta(days=300)).isoformat(),
    "legal_name": "Alice Adams",
    "q": "data",
}


class FormParser(HTMLParser):
    """Every form of a page: method, action and fields, each with the options offered and the
    value the page shows (what a person sending it unchanged would send)."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action") or "", "fields": {}}
            )
            return
        if tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            self._select["options"].append(value)
            if "selected" in attrs:
                self._select["current"].append(value)
            return
        if not self.forms or not attrs.get("name"):
            return
        fields = self.forms[-1]["fields"]
        name = attrs["name"]
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            field = fields.setdefault(name, {"kind": kind, "options": [], "current": []})
            value = attrs.get("value", "on" if kind in ("checkbox", "radio") else "")
            field["options"].append(value)
            if kind not in ("checkbox", "radio", "submit", "file") or "checked" in attrs:
                field["current"].append(value)
        elif tag == "textarea":
            self._textarea = fields.setdefault(name, {"kind": "textarea", "options": [], "current": [""]})
        elif tag == "select":
            self._select = fields.setdefault(name, {"kind": "select", "options": [], "current": []})
        elif tag == "button" and attrs.get("value") is not None:
            fields.setdefault(name, {"kind": "submit", "options": [], "current": []})["options"].append(attrs["value"])

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["current"] = [self._textarea["current"][0] + data]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_of(html, page_url):
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        form["url"] = urljoin(page_url, form["action"]) if form["action"] else page_url
        form["fields"].pop("csrfmiddlewaretoken", None)
    # Signing out would end the session the rest of the sweep needs; it has no input anyway.
    return [f for f in parser.forms if urlsplit(f["url"]).path not in ("/accounts/logout/",)]


def as_sent(name, field):
    """What the page would send unchanged, with a valid value where it shows none."""
    current = [v for v in field["current"] if v != ""]
    if field["kind"] == "select" and not current:
        current = [o for o in field["options"] if o][:1]
    if field["kind"] == "radio" and not current:
        current = field["options"][:1]
    if field["kind"] in ("submit", "file"):
        current = field["options"][:1] if field["kind"] == "submit" else []
    if not current and name in VALID:
        current = [VALID[name]]
    if field["kind"] in ("checkbox", "select") and len(current) > 1:
        return current
    return current[0] if current else None


def value_for(field, base):
    offered = [o for o in field["options"] if o is not None]
    # The page's own value made longer than any column: it passes format checks (a LinkedIn
    # address stays one) and meets the length limits.
    longer = st.sampled_from([150, 256, 1100, 5000]).map(lambda n: (base if isinstance(base, str) else "") + "a" * n)
    anything = st.one_of(longer, st.sampled_from(NASTY), st.text(max_size=300), st.integers().map(str))
    if field["kind"] == "file":
        return st.one_of(
            st.none(),
            st.builds(
                lambda name, data: SimpleUploadedFile(name, data),
                st.sampled_from(["resume.pdf", "scan.png", "x.exe", ".pdf", "a" * 300 + ".pdf"]),
                st.one_of(st.binary(max_size=200), st.just(pdf_bytes())),
            ),
        )
    choices = [st.sampled_from(offered)] if offered else []
    if field["kind"] in ("checkbox", "select") and len(offered) > 1:
        choices.append(st.lists(st.sampled_from(offered), max_size=3))
    if field["kind"] == "date":
        choices.append(st.dates().map(lambda d: d.isoformat()))
    return st.one_of(anything, *choices, st.none())


def payload(draw, form):
    """The form as the page would send it, with one or two fields replaced by generated values
    (or left out), and now and then a field the form does not have."""
    names = sorted(form["fields"])
    data = {name: as_sent(name, form["fields"][name]) for name in names}
    if names:
        # Mostly one field, so that the rest of the form stays valid and the value gets through.
        count = min(draw(st.sampled_from([1, 1, 1, 2]), label="how many"), len(names))
        for name in draw(st.sets(st.sampled_from(names), min_size=count, max_size=count), label="fuzzed"):
            data[name] = draw(value_for(form["fields"][name], data[name]), label=name)
    if draw(st.booleans(), label="extra field"):
        data[draw(st.text(string.ascii_lowercase, min_size=1, max_size=10), label="extra name")] = draw(
            st.text(max_size=20)
        )
    return {name: value for name, value in data.items() if value is not None}


# Besides the random examples, every field gets each of these once, the rest of the form as the
# page would send it: a value longer than any column (it keeps the page's own value as its start,
# so a format check such as "a LinkedIn address" still passes), a date at the calendar's end, NUL.
EDGES = [
    lambda base: (base if isinstance(base, str) else "") + "a" * 1100,
    lambda base: "9999-12-31",
    lambda base: "\x00",
]


def _send(client, person, form, values):
    client.force_login(person) if person else client.logout()
    path = urlsplit(form["url"]).path
    if form["method"] == "post":
        response = client.post(path, values)
    else:
        response = client.get(path, {k: v for k, v in values.items() if not hasattr(v, "read")})
    assert response.status_code < 500, (form["method"], path, values)


def _edges(client, person, form):
    names = sorted(form["fields"])
    sent = {name: as_sent(name, form["fields"][name]) for name in names}
    for name in names:
        if form["fields"][name]["kind"] in ("file", "submit", "hidden"):
            continue
        for edge in EDGES:
            values = {**sent, name: edge(sent[name])}
            _send(client, person, form, {k: v for k, v in values.items() if v is not None})


def _sender(client, person, form):
    @settings(
        max_examples=EXAMPLES_PER_FORM,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.data())
    def send(data):
        _send(client, person, form, data.draw(st.composite(lambda draw: payload(draw, form))(), label="form"))

    return send


def sweep(client, person, page):
    client.force_login(person) if person else client.logout()
    response = client.get(page)
    assert response.status_code < 500, page
    forms = forms_of(response.content.decode(), page) if response.status_code == 200 else []
    assert forms, f"{page} has no form to sweep (status {response.status_code})"
    for form in forms:
        _edges(client, person, form)
        _sender(client, person, form)()


@pytest.fixture
def world(alice, bob, carol, sid):
    """A published project with questions, Bob's submitted application, Alice ready to apply,
    an employer without an organization yet, and one saved search."""
    SkillFactory(name="Python", slug="python")
    project = ProjectFactory(
        organization=carol.membership.organization,
        contact=carol,
        created_by=carol,
        title="Inventory clean-up",
        questions=["Why?", "How?"],
    )
    make_ready(alice)
    ApplicationFactory(project=project, student=make_ready(bob), status=Application.Status.SUBMITTED)
    SavedSearch.objects.create(user=alice, name="data", query="q=data", last_digest_at=timezone.now())
    draft = ProjectFactory(
        organization=carol.membership.organization,
        contact=carol,
        created_by=carol,
        status=Project.Status.DRAFT,
        published_at=None,
        title="Survey analysis",
    )
    erin = EmployerFactory(email="erin@initech.example", organization=False)
    return {"project": project, "draft": draft, "erin": erin}


PAGES = [
    # (who, page): None is someone not signed in.
    (None, "/projects/"),
    (None, "/accounts/login/"),
    (None, "/accounts/signup/"),
    (None, "/accounts/password/reset/"),
    ("alice", "/profile/"),
    ("alice", "/eligibility/"),
    ("alice", "/projects/{project}/apply/"),
    ("alice", "/projects/saved/"),
    ("alice", "/projects/"),
    ("alice", "/payroll/edit/"),
    ("alice", "/profile/delete/"),
    ("carol", "/employer/projects/new/"),
    ("carol", "/employer/projects/{draft}/edit/"),
    ("carol", "/employer/projects/{project}/applicants/"),
    ("carol", "/organization/"),
    ("erin", "/organization/new/"),
]


@pytest.mark.parametrize(("who", "page"), PAGES)
def test_no_input_gives_a_server_error(client, world, request, who, page):
    person = {"erin": world["erin"]}.get(who) or (request.getfixturevalue(who) if who else None)
    sweep(client, person, page.format(project=world["project"].slug, draft=world["draft"].slug))

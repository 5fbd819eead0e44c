"""What a keyboard or screen-reader user meets on a form that comes back with errors, and the
page titles and machine-readable dates the HTML carries."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from portal.templatetags.portal_tags import iso_datetime
from tests.factories import OrganizationFactory
from tests.opportunities.test_posting import valid_post
from tests.signin import admin_login

pytestmark = pytest.mark.django_db


def title(response):
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


def summary_links(response):
    html = response.content.decode()
    box = re.search(r'<div class="error-summary" tabindex="-1" data-error-summary>(.*?)</div>', html, re.S)
    assert box, "no error summary"
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', box.group(1))


def test_sign_up_with_errors_says_so_in_the_title_and_links_each_field(client):
    response = client.post(reverse("account_signup"), {"email": "not-an-email", "password1": "x", "role": "student"})
    assert title(response).startswith("Error: Sign up ·")
    anchors = [anchor for anchor, _ in summary_links(response)]
    assert "id_email" in anchors
    assert 'id="id_email"' in response.content.decode()


def test_sign_in_with_a_wrong_password_puts_the_reason_in_the_summary(client, alice):
    response = client.post(reverse("account_login"), {"login": alice.email, "password": "wrong"})
    assert title(response).startswith("Error: Sign in ·")
    assert "error-summary" in response.content.decode()


def test_pages_without_errors_have_no_summary_and_no_error_title(client):
    response = client.get(reverse("account_login"))
    assert title(response).startswith("Sign in ·")
    assert "error-summary" not in response.content.decode()


def test_account_deletion_with_a_wrong_password_links_to_the_password(client, alice):
    client.force_login(alice)
    response = client.post(reverse("portal:account-delete"), {"password": "wrong"})
    assert title(response).startswith("Error: Delete your account")
    assert [a for a, _ in summary_links(response)] == ["id_password"]


def test_organization_form_and_invitation_link_their_fields(client, carol):
    erin = carol.__class__.objects.create_user(email="erin@initech.example", password="x", role="employer")
    client.force_login(erin)
    response = client.post(reverse("organizations:new"), {"name": ""})
    assert title(response).startswith("Error: Create your organization")
    assert "id_name" in [a for a, _ in summary_links(response)]

    client.force_login(carol)
    response = client.post(reverse("organizations:invite"), {"email": "not-an-email"})
    assert title(response).startswith("Error: ")
    assert [(a, text.endswith("Enter a valid email address.")) for a, text in summary_links(response)] == [
        ("id_email", True)
    ]


def test_browse_with_a_bad_filter_links_to_it(client):
    response = client.get("/projects/?hours_min=abc")
    assert title(response).startswith("Error: Projects")
    assert "id_hours_min" in [a for a, _ in summary_links(response)]


def test_project_form_ties_the_skills_error_to_its_fieldset_and_links_the_first_box(client, carol):
    client.force_login(carol)
    response = client.post("/employer/projects/new/", valid_post(carol, [], skills=[]))
    html = response.content.decode()
    assert title(response).startswith("Error: Post a project")
    assert "id_skills_0" in [a for a, _ in summary_links(response)]
    fieldset = re.search(r"<fieldset([^>]*)>\s*<legend>Skills", html).group(1)
    assert "id_skills_error" in fieldset and 'class="fieldset-invalid"' in fieldset
    assert 'id="id_skills_error"' in html


def test_admin_reason_page_with_no_reason_shows_a_summary(client, sid):
    organization = OrganizationFactory()
    admin_login(client, sid)
    response = client.post(
        reverse("admin:portal_organization_changelist"),
        {"action": "suspend", "_selected_action": [organization.pk], "reason_given": "1", "reason": ""},
    )
    assert title(response).startswith("Error: Suspend organizations")
    assert [a for a, _ in summary_links(response)] == ["id_reason"]


def test_allauth_pages_have_titles_of_their_own(client, alice):
    titles = {title(client.get(reverse(name))) for name in ["account_reset_password", "account_reset_password_done"]}
    client.force_login(alice)
    titles |= {title(client.get(reverse(name))) for name in ["account_change_password", "account_email"]}
    client.logout()
    titles.add(title(client.get(reverse("account_signup"))))
    assert titles == {
        "Reset your password · Micro-Internships Portal",
        "Check your email for a reset link · Micro-Internships Portal",
        "Change your password · Micro-Internships Portal",
        "Email addresses · Micro-Internships Portal",
        "Sign up · Micro-Internships Portal",
    }


def test_time_datetime_carries_seconds_at_most():
    moment = datetime.datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=ZoneInfo("UTC"))
    assert re.fullmatch(r"2026-03-0\dT\d\d:06:07[+-]\d\d:\d\d", iso_datetime(moment))
    assert iso_datetime(datetime.date(2026, 3, 4)) == "2026-03-04"


def test_the_500_page_uses_the_portal_layout_without_a_request():
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert "<main" in html and "<header" in html and "<footer" in html
    assert 'href="/"' in html
    assert "Sign out" not in html

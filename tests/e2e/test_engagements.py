import io
import re
from datetime import timedelta

import icalendar
import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from applications import demo as applications_demo
from applications.engagements import services
from applications.models import Application, Engagement
from applications.services import application_accept
from opportunities import demo as opportunities_demo
from opportunities.models import Project
from portal import demo as portal_demo
from portal.models import OutboundEmail, User
from portal.outbox import attachment_bytes
from portal.permissions import CAREER_CENTER_GROUP, grant_career_center_permissions
from tests.e2e.conftest import sign_in
from tests.factories import ApplicationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROJECT = "Job description audit for inclusive language"  # the demo employer's organization's
Status = Engagement.Status


@pytest.fixture
def accepted(db):
    """The demo data without payroll (the student signs up in the test), and the demo student's
    accepted offer on a project the demo employer supervises."""
    Group.objects.get_or_create(name=CAREER_CENTER_GROUP)
    grant_career_center_permissions()
    out = io.StringIO()
    for module in (portal_demo, opportunities_demo, applications_demo):
        module.seed(out)
    student = User.objects.get(email="student@demo.test")
    employer = User.objects.get(email="employer@demo.test")
    project = Project.objects.get(title=PROJECT)
    Project.objects.filter(pk=project.pk).update(contact=employer)
    application = ApplicationFactory(project=project, student=student, status=Application.Status.OFFERED)
    application_accept(application=application, by=student)
    return Engagement.objects.get(application=application)


def check(page, axe_violations):
    """axe on the page with every <details> form opened."""
    page.locator("details").evaluate_all("all => all.forEach(d => { d.open = true; })")
    return axe_violations(page)


def fill_payroll(page):
    page.get_by_label("Legal first name").fill("Sam")
    page.get_by_label("Legal last name").fill("Rivera")
    page.get_by_label("Street address").fill("77 Example Avenue")
    page.get_by_label("City").fill("Cambridge")
    page.get_by_label(re.compile(r"^State:?$")).select_option("MA")
    page.get_by_label("ZIP code").fill("02139")
    page.get_by_label("Social Security number (SSN)").check()
    page.get_by_label("Taxpayer id (SSN or ITIN)").fill("123-45-6789")
    page.get_by_label("Direct deposit to a U.S. bank account").check()
    page.get_by_label("Bank routing number").fill("123456780")
    page.get_by_label("Account number").fill("000123456789")
    page.get_by_label("Checking").check()
    for statement in page.locator(".checkbox-row input[type=checkbox]").all():
        statement.check()
    page.get_by_label("Type your legal name to sign").fill("Sam Rivera")
    page.get_by_role("button", name="Sign and save").click()
    page.get_by_role("heading", name="Payroll sign-up: Complete").wait_for()


def test_kickoff_booked_with_payroll_then_work_submitted_twice_and_verified(page, axe_violations, accepted):
    url = accepted.get_absolute_url()
    today = timezone.localdate(timezone=accepted.project_zone)

    # The supervisor offers two times.
    sign_in(page, "employer@demo.test")
    page.goto(url)
    page.get_by_role("heading", name="Awaiting kick-off").wait_for()
    assert check(page, axe_violations) == []
    for i, days in enumerate((2, 3), start=1):
        page.get_by_label(re.compile(rf"^Time {i}\b")).fill(f"{today + timedelta(days=days):%Y-%m-%d}T10:00")
    page.get_by_label("Video link").fill("https://meet.example.com/kickoff")
    page.get_by_role("button", name="Offer these times").click()
    page.get_by_text("Times offered: the student is emailed").wait_for()
    assert check(page, axe_violations) == []
    assert OutboundEmail.objects.filter(kind="kickoff-times-offered", recipient="student@demo.test").exists()

    # The student must sign up for payroll before booking; the page says so and links there.
    sign_in(page, "student@demo.test")
    page.goto(url)
    page.get_by_role("button", name="Book this time").wait_for()
    assert check(page, axe_violations) == []
    page.get_by_role("radio").first.check()
    page.get_by_role("button", name="Book this time").click()
    page.get_by_text("Sign up for payroll before you book the kick-off").wait_for()
    assert check(page, axe_violations) == []
    page.get_by_role("link", name="Sign up for payroll").click()
    page.get_by_role("link", name="Start payroll sign-up").click()
    fill_payroll(page)
    page.goto(url)
    page.get_by_role("radio").first.check()
    page.get_by_role("button", name="Book this time").click()
    page.get_by_text("Kick-off booked.").wait_for()
    page.get_by_role("heading", name="Kick-off booked").wait_for()
    assert check(page, axe_violations) == []

    # Both invitations arrive, each with the calendar file.
    invitations = OutboundEmail.objects.filter(kind="kickoff-booked")
    assert {e.recipient for e in invitations} == {"student@demo.test", "employer@demo.test"}
    for email in invitations:
        calendar = icalendar.Calendar.from_ical(attachment_bytes(email.attachments[0]))
        assert calendar["METHOD"] == "REQUEST"
        assert str(calendar.walk("VEVENT")[0]["UID"]).startswith(str(accepted.invite_uid))
    page.get_by_role("link", name="Download the calendar invitation (.ics)").wait_for()

    sign_in(page, "employer@demo.test")
    page.goto(url)
    page.get_by_role("heading", name="Kick-off booked").wait_for()
    assert check(page, axe_violations) == []

    # The kick-off time comes (the beat job): in progress.
    accepted.refresh_from_db()
    services.engagements_start_due(now=accepted.kickoff_at + timedelta(minutes=1))

    sign_in(page, "student@demo.test")
    page.goto(url)
    page.get_by_role("heading", name="In progress").wait_for()
    assert check(page, axe_violations) == []
    page.get_by_label("Link to the work").fill("https://drive.example.com/audit")
    page.get_by_label("Note to the supervisor").fill("The audit is in the shared folder.")
    page.get_by_role("button", name="Submit the work").click()
    page.get_by_text("Work submitted: the supervisor is emailed").wait_for()
    assert check(page, axe_violations) == []

    sign_in(page, "employer@demo.test")
    page.goto(url)
    page.get_by_role("heading", name="Work submitted").wait_for()
    assert check(page, axe_violations) == []
    page.get_by_role("button", name="Ask for changes").click()  # empty: refused beside the field
    page.get_by_text("Nothing was changed yet").wait_for()
    assert check(page, axe_violations) == []
    page.locator("form", has=page.get_by_role("button", name="Ask for changes")).get_by_role("textbox").fill(
        "Add a summary of the five most common phrases."
    )
    page.get_by_role("button", name="Ask for changes").click()
    page.get_by_text("Changes requested: the student is emailed.").wait_for()
    assert check(page, axe_violations) == []

    sign_in(page, "student@demo.test")
    page.goto(url)
    page.get_by_role("heading", name="Changes requested").first.wait_for()
    assert page.get_by_text("Add a summary of the five most common phrases.", exact=True).is_visible()
    assert check(page, axe_violations) == []
    page.get_by_label("Link to the work").fill("https://drive.example.com/audit-2")
    page.get_by_role("button", name="Submit the work").click()
    page.get_by_text("Work submitted: the supervisor is emailed").wait_for()

    sign_in(page, "employer@demo.test")
    page.goto(url)
    page.get_by_role("heading", name="Round 2: Waiting for the supervisor").wait_for()
    page.get_by_role("button", name="Verify: the work is complete").click()
    page.get_by_text("Work verified: the engagement is completed.").wait_for()
    page.get_by_role("heading", name="Completed").wait_for()
    assert check(page, axe_violations) == []

    accepted.refresh_from_db()
    assert accepted.status == Status.COMPLETED
    assert list(accepted.submissions.values_list("round", "outcome")) == [(1, "changes_requested"), (2, "verified")]
    assert OutboundEmail.objects.filter(kind="work-verified", recipient="student@demo.test").exists()


def test_the_demo_engagements_pass_axe_in_every_state(page, axe_violations, accepted):
    demo = Engagement.objects.filter(application__student__email="student@demo.test").exclude(pk=accepted.pk)
    seen = set()
    for reader in ("student@demo.test", "employer@demo.test"):
        sign_in(page, reader)
        for engagement in demo.visible_to(User.objects.get(email=reader)).select_related("project"):
            page.goto(engagement.get_absolute_url())
            page.get_by_role("heading", name=engagement.project.title).wait_for()
            assert check(page, axe_violations) == [], (reader, engagement.status)
            seen.add(engagement.status)
    assert seen >= set(Status) - {Status.PAID}  # paid ones come with the payroll demo, left out here

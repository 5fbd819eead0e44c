import io
import re

import pytest
from django.contrib.auth.models import Group

from applications import demo as applications_demo
from applications.models import Application
from opportunities import demo as opportunities_demo
from opportunities.models import Project
from payroll import demo as payroll_demo
from portal import demo as portal_demo
from portal.models import OutboundEmail
from portal.permissions import CAREER_CENTER_GROUP, grant_career_center_permissions
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROJECT = "Job description audit for inclusive language"  # the demo employer's, not applied to yet


@pytest.fixture
def demo(db):
    # A transactional test flushes the tables, the data migration's staff group with them.
    Group.objects.get_or_create(name=CAREER_CENTER_GROUP)
    grant_career_center_permissions()
    out = io.StringIO()
    for module in (portal_demo, opportunities_demo, payroll_demo, applications_demo):
        module.seed(out)


def test_student_applies_employer_selects_student_accepts_from_the_email(page, axe_violations, demo):
    project = Project.objects.get(title=PROJECT)

    sign_in(page, "student@demo.test")
    page.goto(project.get_absolute_url())
    page.get_by_role("link", name="Apply to this project").click()
    page.get_by_role("heading", name=f"Apply to “{PROJECT}”").wait_for()
    assert axe_violations(page) == []
    first = page.get_by_label("Why does this project interest you?")
    answer = "I care about inclusive hiring and I edit job posts for my student club."
    first.fill(answer)
    page.get_by_text(f"{len(answer)} of 800 characters used").wait_for()  # counted live
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft saved.").wait_for()
    assert first.input_value().startswith("I care about inclusive hiring")
    page.get_by_label("Tell us about a time you learned a new tool quickly.").fill("I learned Figma in a week.")
    page.get_by_role("button", name="Submit application").click()
    page.get_by_text("Application submitted.").wait_for()
    application = Application.objects.get(project=project, student__email="student@demo.test")
    assert application.status == Application.Status.SUBMITTED
    page.get_by_role("link", name="Applications", exact=True).click()
    page.get_by_role("heading", name="Your applications").wait_for()
    assert axe_violations(page) == []

    sign_in(page, "employer@demo.test")
    page.get_by_role("link", name="My projects").click()
    page.get_by_role("link", name=f"Applicants to {PROJECT}").click()
    card = page.locator(f"#applicant-{application.pk}")
    card.get_by_role("heading", name=f"Applicant #{application.pk}").wait_for()
    assert "Sam Rivera" not in page.content()  # blind until shortlisted
    assert axe_violations(page) == []
    card.get_by_role("button", name="Shortlist").click()
    page.get_by_text(f"Applicant #{application.pk} is on the shortlist.").wait_for()
    assert card.get_by_role("heading", name="Sam Rivera").is_visible()
    card.get_by_role("button", name="Select (make an offer)").click()
    page.get_by_text(f"Offer made to applicant #{application.pk}").wait_for()
    assert axe_violations(page) == []

    offer = OutboundEmail.objects.get(kind="offer", recipient="student@demo.test")
    link = re.search(r"https?://\S+/applications/\d+/", offer.body_text).group(0)
    sign_in(page, "student@demo.test")
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    page.get_by_role("button", name="Accept the offer").click()
    page.get_by_text("Offer accepted.").wait_for()
    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED
    assert OutboundEmail.objects.filter(kind="offer-accepted", recipient=project.contact.email).exists()

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from opportunities import demo as opportunities_demo
from opportunities.models import Project
from portal import demo as portal_demo
from portal.permissions import CAREER_CENTER_GROUP, grant_career_center_permissions
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    # A transactional test flushes the tables, the data migration's staff group with them.
    Group.objects.get_or_create(name=CAREER_CENTER_GROUP)
    grant_career_center_permissions()
    out = io.StringIO()
    portal_demo.seed(out)
    opportunities_demo.seed(out)


def test_employer_posts_staff_publish_student_finds_it(page, demo):
    sign_in(page, "employer@demo.test")
    page.get_by_role("link", name="My projects").click()
    page.get_by_role("link", name="Post a project").click()
    page.get_by_label("Title").fill("Zeppelin fleet maintenance log")
    page.get_by_label("Summary").fill("Turn paper maintenance logs into a clean spreadsheet.")
    page.get_by_label("Description").fill("We have 300 pages of logs.\nDetails: https://example.com/logs")
    page.get_by_label("Deliverables").fill("A spreadsheet and a one-page summary.")
    page.get_by_label("Career path").select_option(label="Data and analytics")
    page.get_by_label("Microsoft Excel").check()
    page.get_by_label("Estimated hours of work").fill("15")
    page.get_by_label("Fee (USD)").fill("250")  # below the floor first
    page.get_by_label("Apply by").fill((timezone.localdate() + timedelta(days=20)).isoformat())
    page.get_by_label("Days from kick-off to due date").fill("14")
    page.locator("#id_questions-0-text").fill("How would you check the data for mistakes?")
    page.get_by_role("button", name="Save draft").click()
    page.locator("#id_fee_error").get_by_text("The fee must be at least $300 for 15 hours").wait_for()
    assert page.get_by_label("Title").input_value() == "Zeppelin fleet maintenance log"
    page.get_by_label("Fee (USD)").fill("450")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft saved.").wait_for()
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_text("Submitted: the career center reviews it").wait_for()
    project = Project.objects.get(title="Zeppelin fleet maintenance log")
    assert project.status == Project.Status.IN_REVIEW

    sign_in(page, "staff@demo.test")
    page.goto("/admin/opportunities/project/?queue=review")
    page.locator(f'input[name="_selected_action"][value="{project.pk}"]').check()
    page.locator('select[name="action"]').select_option("publish")
    page.get_by_role("button", name="Go").click()
    page.get_by_text("1 project(s) published.").wait_for()

    sign_in(page, "student@demo.test")
    page.get_by_role("link", name="Projects", exact=True).click()
    page.get_by_label("Search projects").fill("zeppelin")
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_role("heading", name="1 project").wait_for()
    page.get_by_role("link", name="Zeppelin fleet maintenance log").click()
    page.get_by_role("heading", name="Zeppelin fleet maintenance log").wait_for()
    assert page.get_by_text("about $30.00 per hour").is_visible()
    assert page.get_by_role("link", name="https://example.com/logs").is_visible()
    assert page.get_by_role("link", name="Apply to this project").is_visible()


def test_projects_pages_pass_axe(page, axe_violations, demo):
    page.goto("/projects/")
    assert axe_violations(page) == []
    page.goto("/projects/?q=zzzz&hours_min=abc")  # empty state and a note
    assert axe_violations(page) == []
    page.goto("/projects/")
    page.locator(".project-card h3 a").first.click()
    page.get_by_role("heading", name="About the project").wait_for()
    assert axe_violations(page) == []


def test_project_page_for_a_student_passes_axe(page, axe_violations, demo):
    sign_in(page, "student@demo.test")
    page.goto(Project.objects.filter(status="published").first().get_absolute_url())
    page.get_by_text("Skills you do not list yet").wait_for()
    assert axe_violations(page) == []


def test_posting_form_passes_axe_also_with_errors(page, axe_violations, demo):
    sign_in(page, "employer@demo.test")
    page.goto("/employer/projects/new/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("nothing was saved yet").wait_for()
    assert axe_violations(page) == []
    page.goto("/employer/projects/")
    assert axe_violations(page) == []
    page.goto("/organization/")
    assert axe_violations(page) == []

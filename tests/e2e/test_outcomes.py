import io

import pytest
from django.contrib.auth.models import Group

from applications import demo as applications_demo
from opportunities import demo as opportunities_demo
from payroll import demo as payroll_demo
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
    for module in (portal_demo, opportunities_demo, payroll_demo, applications_demo):
        module.seed(out)


def test_career_center_staff_open_outcomes_from_the_admin_and_filter(page, axe_violations, demo, tmp_path):
    sign_in(page, "staff@demo.test")
    page.goto("/admin/")
    page.get_by_role("link", name="Outcomes").click()
    page.get_by_role("heading", name="The funnel", exact=True).wait_for()
    assert page.get_by_role("img", name="Chart: Students at each step of the funnel").count() == 1
    assert page.get_by_text("fewer than 5 students shows").is_visible()
    assert axe_violations(page) == []
    page.screenshot(path="/tmp/h13/outcomes.png", full_page=True)

    page.get_by_label("Class year", exact=True).select_option(index=1)
    page.get_by_label("Eligibility basis", exact=True).select_option("citizen_resident")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("heading", name="By class year", exact=True).wait_for()
    assert "eligibility_group=citizen_resident" in page.url
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Download “The funnel” as CSV").click()
    assert download.value.suggested_filename.startswith("outcomes-funnel-")

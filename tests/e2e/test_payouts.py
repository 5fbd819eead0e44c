"""Staff approve payouts, make a run, export it and mark it paid; the student sees the earnings."""

import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from payroll import demo as payroll_demo
from payroll.models import Payout, PayrollExport
from portal import demo as portal_demo
from portal.models import User
from portal.permissions import (
    CAREER_CENTER_GROUP,
    PAYMENT_FILES_GROUP,
    grant_career_center_permissions,
    grant_payment_files_permission,
)
from tests.e2e.conftest import sign_in
from tests.payroll.conftest import save_record, verified_payout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def verified(db):
    """Like the demo: two students' work verified, their payouts waiting for approval."""
    Group.objects.get_or_create(name=CAREER_CENTER_GROUP)
    grant_career_center_permissions()
    grant_payment_files_permission()
    out = io.StringIO()
    portal_demo.seed(out)
    payroll_demo.seed(out)
    staff = User.objects.get(email="staff@demo.test")
    staff.groups.add(Group.objects.get(name=PAYMENT_FILES_GROUP))
    student = User.objects.get(email="student@demo.test")
    other = User.objects.get(email="opt@demo.test")
    save_record(other, taxpayer_id="219-87-6599")
    return [verified_payout(student, fee="450.00"), verified_payout(other, fee="300.00")]


def select_all(page):
    for box in page.locator('input[name="_selected_action"]').all():
        box.check()


def test_staff_pay_a_run_and_the_student_sees_the_earnings(page, verified, axe_violations):
    page.set_default_timeout(30_000)  # the machine running the suite may be busy
    sign_in(page, "staff@demo.test")
    page.goto("/admin/payroll/payout/?status__exact=awaiting_approval")
    select_all(page)
    page.locator('select[name="action"]').select_option("approve")
    page.get_by_role("button", name="Go").click()
    page.get_by_text("2 payouts approved.").wait_for()

    page.goto("/admin/payroll/payout/?status__exact=approved")
    select_all(page)
    page.locator('select[name="action"]').select_option("make_run")
    page.get_by_role("button", name="Go").click()
    page.get_by_text("made with 2 payouts").wait_for()

    with page.expect_download() as download:
        page.get_by_role("button", name="Export direct deposits (NACHA)").click()
    lines = Path(download.value.path()).read_text().splitlines()
    assert all(len(line) == 94 for line in lines) and len(lines) % 10 == 0
    assert [line[0] for line in lines[:5]] == ["1", "5", "6", "6", "8"]
    assert PayrollExport.objects.get().by.email == "staff@demo.test"

    page.reload()
    page.get_by_role("button", name="Mark the run paid (today)").click()
    page.get_by_text("marked paid.").wait_for()
    assert set(Payout.objects.values_list("status", flat=True)) == {"paid"}

    sign_in(page, "student@demo.test")
    page.goto("/payroll/")
    earnings = page.locator("#earnings")
    earnings.get_by_text("$450.00").wait_for()
    assert "Paid" in earnings.inner_text()
    assert "$450.00" in page.locator("#earnings-years").inner_text()
    assert axe_violations(page) == []
    page.get_by_role("link", name="yearly statement").click()
    page.get_by_role("heading", name="Earnings statement for").wait_for()
    assert "$450.00" in page.locator("#statement").inner_text()
    assert axe_violations(page) == []

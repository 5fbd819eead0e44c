import re

import pytest

from payroll.models import ContractorRecord
from portal.demo import demo_password, demo_user
from portal.models import User
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_student(db):
    return demo_user("student@demo.test", User.Role.STUDENT, "Sam", "Rivera")


def test_demo_student_completes_payroll_sign_up(page, demo_student, axe_violations):
    sign_in(page, "student@demo.test", demo_password())
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Payroll").click()
    page.get_by_role("heading", name="Payroll sign-up: Not started").wait_for()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Start payroll sign-up").click()

    page.get_by_label("Legal first name").fill("Sam")
    page.get_by_label("Legal last name").fill("Rivera")
    page.get_by_label("Street address").fill("77 Example Avenue")
    page.get_by_label("City").fill("Cambridge")
    page.get_by_label(re.compile(r"^State:?$")).select_option("MA")
    page.get_by_label("ZIP code").fill("02139")
    itin_year = page.get_by_label("Year your ITIN was issued or last renewed")
    page.get_by_label("Individual Taxpayer Identification Number (ITIN)").check()
    assert itin_year.is_visible()
    page.get_by_label("Social Security number (SSN)").check()
    assert not itin_year.is_visible()  # shown only for an ITIN
    page.get_by_label("Taxpayer id (SSN or ITIN)").fill("123-45-6789")
    page.get_by_label("Direct deposit to a U.S. bank account").check()
    page.get_by_label("Bank routing number").fill("123456789")  # fails the check digit
    page.get_by_label("Account number").fill("000123456789")
    page.get_by_label("Checking").check()
    for statement in page.locator(".checkbox-row input[type=checkbox]").all():
        statement.check()
    page.get_by_label("Type your legal name to sign").fill("Sam Rivera")
    page.get_by_role("button", name="Sign and save").click()

    # The mistake is explained beside the field; the numbers must be typed again.
    page.locator("#id_routing_number_error").get_by_text("fails the bank check digit").wait_for()
    # The summary at the top has focus and links to the field.
    page.wait_for_function("document.activeElement.matches('[data-error-summary]')")
    assert page.title().startswith("Error: ")
    page.get_by_role("link", name="Bank routing number: This routing number fails the bank check digit").click()
    assert page.evaluate("document.activeElement.id") == "id_routing_number"
    assert page.get_by_label("Legal last name").input_value() == "Rivera"
    assert page.get_by_label("Taxpayer id (SSN or ITIN)").input_value() == ""
    assert "123-45-6789" not in page.content()
    assert axe_violations(page) == []
    page.get_by_label("Taxpayer id (SSN or ITIN)").fill("123-45-6789")
    page.get_by_label("Bank routing number").fill("123456780")
    page.get_by_label("Account number").fill("000123456789")
    page.get_by_role("button", name="Sign and save").click()

    page.get_by_role("heading", name="Payroll sign-up: Complete").wait_for()
    assert page.get_by_text("Social Security number (SSN) ending in 6789").is_visible()
    assert "123456780" not in page.content() and "000123456789" not in page.content()
    assert axe_violations(page) == []
    record = ContractorRecord.objects.get(student=demo_student)
    assert record.is_complete and record.tin == "123456789"


def test_payroll_pages_pass_axe_with_a_record(page, demo_student, axe_violations):
    from payroll.demo import seed

    seed(type("Out", (), {"write": lambda self, text: None})())
    sign_in(page, "student@demo.test", demo_password())
    page.goto("/payroll/")
    page.get_by_role("heading", name="Payroll sign-up: Complete").wait_for()
    assert axe_violations(page) == []
    page.goto("/payroll/edit/")
    assert page.get_by_label("Taxpayer id (SSN or ITIN)").input_value() == ""
    assert axe_violations(page) == []

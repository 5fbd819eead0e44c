import re

import pytest
from django.core import mail

from portal.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_new_student_signs_up_verifies_and_lands_on_dashboard(page):
    page.goto("/")
    page.get_by_role("link", name="I'm a student: find a project").click()
    assert page.get_by_label("A student or recent graduate looking for projects").is_checked()
    page.get_by_label("Email").fill("new.student@example.edu")
    page.get_by_label(re.compile(r"^Password:?$")).fill("a-long-and-unusual-passphrase-42")
    page.get_by_label(re.compile(r"^Password \(again\)")).fill("a-long-and-unusual-passphrase-42")
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()

    assert User.objects.get(email="new.student@example.edu").role == User.Role.STUDENT
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", mail.outbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()

    page.get_by_role("heading", name="Welcome").wait_for()
    assert page.url.endswith("/dashboard/")
    assert page.get_by_role("link", name="Declare your work eligibility before you apply").is_visible()


@pytest.mark.parametrize("path", ["/", "/accounts/signup/", "/accounts/login/", "/accounts/password/reset/"])
def test_public_pages_pass_axe(page, axe_violations, path):
    page.goto(path)
    assert axe_violations(page) == []

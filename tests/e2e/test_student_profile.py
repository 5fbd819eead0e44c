import re
from datetime import timedelta

import pytest
from django.utils import timezone

from portal.models import StudentProfile, WorkEligibility
from tests.e2e.conftest import sign_in
from tests.factories import pdf_bytes
from tests.signin import give_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_student_builds_profile_declares_opt_and_staff_verify(page, browser, live_server, alice, sid, password):
    from tests.factories import SkillFactory

    SkillFactory(name="Communication", slug="communication", kind="core")
    SkillFactory(name="Python", slug="python", kind="technical")
    sign_in(page, alice.email, password)

    page.get_by_role("link", name="Profile", exact=True).click()
    page.get_by_role("heading", name="Your profile").wait_for()
    page.get_by_label("Program or major").fill("M.S. Computer Science")
    page.get_by_label("Graduation term").select_option("fall")
    page.get_by_label("Graduation year").fill("2026")
    page.get_by_label("Recent graduate").check()
    page.get_by_label("Résumé (PDF)").set_input_files(
        {"name": "my resume.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    page.get_by_label("LinkedIn URL").fill("https://www.linkedin.com/in/alice-adams")
    page.get_by_label("Communication").check()
    page.get_by_label("Python").check()
    page.get_by_label("Short bio").fill("Backend work in Python.")
    assert page.locator("#bio-count").inner_text() == "23 of 600 characters used"
    page.get_by_label("I am 18 or older").check()
    page.get_by_role("button", name="Save profile").click()
    page.get_by_text("Your profile is saved.").wait_for()
    assert page.get_by_role("heading", name="Profile 100% complete").is_visible()
    assert StudentProfile.objects.get(user=alice).resume

    page.get_by_role("link", name="Eligibility", exact=True).click()
    page.get_by_label(re.compile("Optional Practical Training")).check()
    today = timezone.localdate()
    page.get_by_label("Authorized from").fill(today.isoformat())
    page.get_by_label("Authorized until").fill((today + timedelta(days=200)).isoformat())
    page.get_by_label("Authorization document").set_input_files(
        {"name": "ead.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    page.get_by_role("button", name="Save my declaration").click()
    page.get_by_text("The career center will check your document").wait_for()
    assert "cannot apply until the career center confirms" in page.locator(".status-card").inner_text()

    staff = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    admin = staff.new_page()
    admin.set_default_timeout(10_000)
    give_totp(sid)
    sign_in(admin, sid.email, password)
    admin.goto("/admin/portal/workeligibility/?status__exact=pending")
    record = WorkEligibility.objects.get(student=alice)
    admin.locator(f'input[name="_selected_action"][value="{record.pk}"]').check()
    admin.locator('select[name="action"]').select_option("approve")
    admin.get_by_role("button", name="Go").click()
    admin.get_by_text("1 declaration(s) verified").wait_for()
    staff.close()

    page.reload()
    page.get_by_role("heading", name="You can apply to projects").wait_for()
    assert page.locator(".status-card .badge").inner_text() == "verified"


def test_bad_resume_keeps_the_rest_of_the_form(page, alice, password):
    sign_in(page, alice.email, password)
    page.goto("/profile/")
    page.get_by_label("Program or major").fill("B.A. History")
    page.get_by_label("Résumé (PDF)").set_input_files(
        {"name": "resume.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00 not a pdf"}
    )
    page.get_by_role("button", name="Save profile").click()
    page.locator("#id_resume_error").get_by_text("its content is not one").wait_for()
    assert page.get_by_label("Program or major").input_value() == "B.A. History"
    assert page.get_by_label("Résumé (PDF)").get_attribute("aria-invalid") == "true"


@pytest.mark.parametrize("path", ["/profile/", "/eligibility/", "/profile/delete/"])
def test_student_pages_pass_axe(page, axe_violations, alice, password, path):
    sign_in(page, alice.email, password)
    page.goto(path)
    assert axe_violations(page) == []


def test_eligibility_page_with_errors_and_history_passes_axe(page, axe_violations, alice, password):
    WorkEligibility.objects.create(student=alice, basis="citizen", status="attested", is_current=False)
    sign_in(page, alice.email, password)
    page.goto("/eligibility/")
    page.get_by_label(re.compile("Optional Practical Training")).check()
    page.get_by_role("button", name="Save my declaration").click()
    page.locator("#id_document_error").get_by_text("Upload your authorization document.").wait_for()
    assert axe_violations(page) == []


def test_profile_fits_a_360px_phone(page, alice, password):
    page.set_viewport_size({"width": 360, "height": 800})
    sign_in(page, alice.email, password)
    for path in ("/profile/", "/eligibility/"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

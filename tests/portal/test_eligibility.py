from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.models import OutboundEmail, WorkEligibility
from portal.services import (
    eligibility_approve,
    eligibility_declare,
    eligibility_expire_due,
    eligibility_reject,
    eligibility_remind_expiring,
)
from portal.tasks import eligibility_expiry_task
from portal.transitions import TransitionError
from tests.downloads import read_download
from tests.factories import StaffFactory, WorkEligibilityFactory, pdf_bytes, pdf_upload, png_bytes
from tests.signin import admin_login

pytestmark = pytest.mark.django_db

PAGE = "/eligibility/"
Basis = WorkEligibility.Basis
Status = WorkEligibility.Status


def in_days(n):
    return timezone.localdate() + timedelta(days=n)


def opt_form(**overrides):
    data = {
        "basis": Basis.F1_OPT,
        "starts_on": in_days(10).isoformat(),
        "ends_on": in_days(200).isoformat(),
        "document": SimpleUploadedFile("ead-card.png", png_bytes()),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def pending_opt(alice):
    return eligibility_declare(
        student=alice, basis=Basis.F1_OPT, starts_on=in_days(10), ends_on=in_days(200), document=pdf_upload("i20.pdf")
    )


def test_page_is_for_signed_in_students_only(client, carol, sid):
    assert client.get(PAGE).status_code == 302
    for person in (carol, sid):
        client.force_login(person)
        assert client.get(PAGE).status_code == 404


def test_undeclared_student_sees_what_to_do(client, alice):
    client.force_login(alice)
    html = client.get(PAGE).content.decode()
    assert "You cannot apply yet" in html
    assert "You have not told us about your work eligibility yet" in html
    assert "International Student Services" in html
    assert "https://www.irs.gov/individuals/individual-taxpayer-identification-number" in html


def test_citizen_attests_and_can_apply(client, alice):
    client.force_login(alice)
    response = client.post(PAGE, {"basis": Basis.CITIZEN})
    assert response.status_code == 302
    record = WorkEligibility.objects.get(student=alice)
    assert (record.status, record.is_current, record.document.name) == (Status.ATTESTED, True, "")
    assert "You can apply to projects" in client.get(PAGE).content.decode()


def test_f1_opt_declaration_waits_for_review(client, alice):
    client.force_login(alice)
    response = client.post(PAGE, opt_form())
    assert response.status_code == 302
    record = WorkEligibility.objects.get(student=alice)
    assert record.status == Status.PENDING
    assert record.document.name.startswith("eligibility/") and record.document.name.endswith(".png")
    assert "ead-card" not in record.document.name
    html = client.get(PAGE).content.decode()
    assert "cannot apply until the career center confirms" in html
    assert "pending review" in html


def test_new_declaration_supersedes_and_history_stays(client, alice, pending_opt):
    client.force_login(alice)
    client.post(PAGE, {"basis": Basis.CITIZEN})
    records = WorkEligibility.objects.filter(student=alice).order_by("created_at", "pk")
    assert [(r.basis, r.is_current) for r in records] == [(Basis.F1_OPT, False), (Basis.CITIZEN, True)]
    html = client.get(PAGE).content.decode()
    assert "Your declarations" in html and "Optional Practical Training" in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"starts_on": ""}, "starts_on", "Give the first day of your authorization."),
        ({"ends_on": ""}, "ends_on", "Give the last day of your authorization"),
        ({"ends_on": in_days(-1).isoformat()}, "ends_on", "This date has passed"),
        ({"starts_on": in_days(100).isoformat(), "ends_on": in_days(50).isoformat()}, "ends_on", "must be after"),
        ({"document": None}, "document", "Upload your authorization document."),
        ({"document": SimpleUploadedFile("card.exe", b"MZ\x90")}, "document", "Upload a PDF, JPEG or PNG file"),
        ({"document": SimpleUploadedFile("card.png", b"MZ\x90\x00 renamed")}, "document", "its content is not one"),
        ({"document": SimpleUploadedFile("card.jpg", b"\xff\xd8\xff broken")}, "document", "could not be opened"),
        ({"document": SimpleUploadedFile("card.pdf", b"")}, "document", "This file is empty"),
        ({"starts_on": "not a date"}, "starts_on", "Enter a valid date."),
    ],
)
def test_bad_declarations_are_explained_beside_the_field(client, alice, overrides, field, message):
    client.force_login(alice)
    response = client.post(PAGE, opt_form(**overrides))
    html = response.content.decode()
    assert response.status_code == 200
    start = html.index(f'for="id_{field}"')
    assert message in html[start : html.index(f'name="{field}"', start)]
    assert not WorkEligibility.objects.filter(student=alice).exists()


def test_too_large_document_is_refused(client, alice, settings):
    settings.ELIGIBILITY_DOCUMENT_MAX_BYTES = 100
    client.force_login(alice)
    html = client.post(PAGE, opt_form(document=SimpleUploadedFile("c.pdf", pdf_bytes()))).content.decode()
    assert "the limit is 100\xa0bytes" in html


def test_the_chosen_basis_is_kept_after_an_error(client, alice):
    client.force_login(alice)
    html = client.post(PAGE, opt_form(document=None)).content.decode()
    radio = html[html.index('value="f1_opt"') - 100 : html.index('value="f1_opt"') + 80]
    assert "checked" in radio


@pytest.mark.parametrize("person", [None, "bob", "carol"])
def test_document_is_404_to_everyone_else(client, request, pending_opt, person):
    if person:
        client.force_login(request.getfixturevalue(person))
    assert client.get(reverse("portal:eligibility-document", args=[pending_opt.pk])).status_code == 404


def test_document_is_served_to_owner_and_staff(client, alice, sid, pending_opt):
    url = reverse("portal:eligibility-document", args=[pending_opt.pk])
    for person in (alice, sid):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        read_download(response)


def test_staff_open_the_document_from_the_admin(client, sid, carol, pending_opt):
    url = reverse("admin:portal_workeligibility_document", args=[pending_opt.pk])
    admin_login(client, sid)
    assert url in client.get(reverse("admin:portal_workeligibility_change", args=[pending_opt.pk])).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    read_download(response)
    client.force_login(carol)
    assert client.get(url).status_code == 302  # to the admin login, never the file


def test_pending_queue_filters_by_basis_and_status(client, sid, pending_opt, bob):
    WorkEligibilityFactory(student=bob, basis=Basis.CITIZEN, status=Status.ATTESTED)
    admin_login(client, sid)
    html = client.get("/admin/portal/workeligibility/?status__exact=pending&basis__exact=f1_opt").content.decode()
    assert "alice@example.edu" in html and "bob@example.edu" not in html


def action(client, name, records, **extra):
    return client.post(
        "/admin/portal/workeligibility/",
        {"action": name, "_selected_action": [r.pk for r in records], **extra},
    )


def test_staff_approve_in_the_admin(client, sid, pending_opt, django_capture_on_commit_callbacks):
    admin_login(client, sid)
    with django_capture_on_commit_callbacks(execute=True):
        response = action(client, "approve", [pending_opt])
    assert response.status_code == 302
    pending_opt.refresh_from_db()
    assert pending_opt.status == Status.VERIFIED
    assert pending_opt.reviewed_by == sid and pending_opt.decided_at is not None
    latest = pending_opt.history.latest()
    assert (latest.status, latest.history_user) == (Status.VERIFIED, sid)
    assert [m.to for m in mail.outbox] == [["alice@example.edu"]]
    assert mail.outbox[0].subject == "Your work eligibility is verified"
    assert "http://testserver/eligibility/" in mail.outbox[0].body
    assert OutboundEmail.objects.get(kind="eligibility-verified").status == OutboundEmail.Status.SENT


def test_reject_asks_for_a_reason_first(client, sid, pending_opt, django_capture_on_commit_callbacks):
    admin_login(client, sid)
    response = action(client, "reject", [pending_opt])
    assert response.status_code == 200
    assert "Reject with this reason" in response.content.decode()
    pending_opt.refresh_from_db()
    assert pending_opt.status == Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        response = action(client, "reject", [pending_opt], reason="The document shows no OPT dates.")
    assert response.status_code == 302
    pending_opt.refresh_from_db()
    assert (pending_opt.status, pending_opt.reviewed_by, pending_opt.reason) == (
        Status.REJECTED,
        sid,
        "The document shows no OPT dates.",
    )
    assert pending_opt.history.latest().history_user == sid
    assert len(mail.outbox) == 1 and "The document shows no OPT dates." in mail.outbox[0].body


def test_staff_without_change_permission_cannot_approve(client, pending_opt):
    viewer = StaffFactory()
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_workeligibility"))
    client.force_login(viewer)
    action(client, "approve", [pending_opt])
    pending_opt.refresh_from_db()
    assert pending_opt.status == Status.PENDING


def test_only_pending_current_declarations_can_be_decided(alice, sid, pending_opt):
    eligibility_approve(record=pending_opt, by=sid)
    with pytest.raises(TransitionError, match="only a pending one"):
        eligibility_approve(record=pending_opt, by=sid)
    with pytest.raises(TransitionError, match="only a pending one"):
        eligibility_reject(record=pending_opt, by=sid, reason="late")
    second = eligibility_declare(student=alice, basis=Basis.EAD, ends_on=in_days(90), document=pdf_upload("card.pdf"))
    third = eligibility_declare(student=alice, basis=Basis.CITIZEN)
    with pytest.raises(TransitionError, match="declared again"):
        eligibility_approve(record=second, by=sid)
    assert third.status == Status.ATTESTED


def test_reject_needs_a_reason(sid, pending_opt):
    with pytest.raises(TransitionError, match="reason"):
        eligibility_reject(record=pending_opt, by=sid, reason="  ")


def test_reminder_job_run_twice_sends_one_email(alice, bob, django_capture_on_commit_callbacks):
    ending = WorkEligibilityFactory(student=alice, basis=Basis.F1_CPT, status=Status.VERIFIED, ends_on=in_days(30))
    WorkEligibilityFactory(student=bob, basis=Basis.EAD, status=Status.VERIFIED, ends_on=in_days(31))
    with django_capture_on_commit_callbacks(execute=True):
        assert eligibility_expiry_task.delay().get() == {"expired": 0, "reminded": 1}
    with django_capture_on_commit_callbacks(execute=True):
        assert eligibility_expiry_task.delay().get() == {"expired": 0, "reminded": 0}
    assert [m.to for m in mail.outbox] == [["alice@example.edu"]]
    assert "ends on" in mail.outbox[0].subject and "in 30 days" in mail.outbox[0].body
    ending.refresh_from_db()
    assert ending.reminded_at is not None


def test_reminder_ignores_records_not_verified_or_not_current(alice, bob):
    WorkEligibilityFactory(student=alice, basis=Basis.F1_CPT, status=Status.PENDING, ends_on=in_days(5))
    WorkEligibilityFactory(
        student=bob, basis=Basis.F1_CPT, status=Status.VERIFIED, ends_on=in_days(5), is_current=False
    )
    assert eligibility_remind_expiring() == 0


def test_ended_authorizations_become_expired(alice, bob):
    ended = WorkEligibilityFactory(student=alice, basis=Basis.F1_OPT, status=Status.VERIFIED, ends_on=in_days(-1))
    today = WorkEligibilityFactory(student=bob, basis=Basis.EAD, status=Status.VERIFIED, ends_on=in_days(0))
    assert eligibility_expire_due() == 1
    assert eligibility_expire_due() == 0
    ended.refresh_from_db()
    today.refresh_from_db()
    assert (ended.status, today.status) == (Status.EXPIRED, Status.VERIFIED)
    assert ended.history.latest().status == Status.EXPIRED


def test_beat_runs_the_eligibility_job():
    from portal.celery import app

    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "portal.tasks.eligibility_expiry_task" in tasks


def test_date_edges_of_the_reminder_window(alice):
    record = WorkEligibilityFactory(student=alice, basis=Basis.EAD, status=Status.VERIFIED, ends_on=date(2026, 7, 31))
    assert eligibility_remind_expiring(today=date(2026, 6, 30)) == 0  # 31 days ahead
    assert eligibility_remind_expiring(today=date(2026, 7, 1)) == 1  # 30 days ahead
    record.refresh_from_db()
    assert record.reminded_at is not None

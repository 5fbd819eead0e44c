"""The shared mechanisms: one transition helper, one event model, one rule for students, one
email module with attachments, and times in the reader's zone."""

import zoneinfo
from datetime import UTC, date, datetime

import pytest
from django.contrib.admin.sites import site
from django.core import mail
from django.test import RequestFactory

from opportunities.models import Project, ProjectEvent
from portal import emails
from portal.models import OutboundEmail, User
from portal.outbox import attachment, outbox_enqueue
from portal.transitions import TransitionError, transition
from portal.zones import short_date, zone_for
from tests.factories import ProjectFactory, StaffFactory, StudentFactory


@pytest.fixture
def draft(carol):
    return ProjectFactory(organization=carol.membership.organization, contact=carol, status=Project.Status.DRAFT)


def test_transition_moves_saves_and_leaves_one_event(draft, carol):
    moved = transition(draft, to=Project.Status.IN_REVIEW, allowed=[Project.Status.DRAFT], verb="submitted", by=carol)
    draft.refresh_from_db()
    assert draft.status == moved.status == Project.Status.IN_REVIEW
    event = ProjectEvent.objects.get(project=draft)
    assert (event.from_status, event.to_status, event.by) == ("draft", "in_review", carol)
    assert (event.from_label, event.to_label) == ("Draft", "In review")


def test_transition_refused_says_the_state_and_changes_nothing(draft, carol):
    with pytest.raises(TransitionError, match="This project is draft, so it cannot be closed. Nothing was changed."):
        transition(draft, to=Project.Status.CLOSED, allowed=Project.CLOSABLE, verb="closed", by=carol)
    draft.refresh_from_db()
    assert draft.status == Project.Status.DRAFT
    assert not ProjectEvent.objects.exists()


@pytest.mark.parametrize("url", ["/profile/", "/eligibility/", "/payroll/", "/applications/"])
def test_an_account_with_admin_access_is_never_a_student(client, url, db):
    """One rule for every student page: the student role without admin access."""
    admin_student = StudentFactory(email="admin-student@example.edu", is_staff=True)
    client.force_login(admin_student)
    assert client.get(url).status_code == 404
    client.force_login(StudentFactory(email="plain@example.edu"))
    assert client.get(url).status_code == 200


def test_attachments_are_sent_with_the_message_and_listed_by_name_and_size(
    alice, django_capture_on_commit_callbacks, db
):
    invite = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    with django_capture_on_commit_callbacks(execute=True):
        row = outbox_enqueue(
            kind="welcome",
            obj=alice,
            recipient=alice.email,
            template="welcome",
            context={"user": alice, "person": alice},
            attachments=[attachment("invite.ics", invite, "text/calendar"), attachment("a.bin", b"\x00\x01", "x/y")],
        )
    assert len(mail.outbox) == 1
    sent = mail.outbox[0].attachments
    assert [(a[0], a[2]) for a in sent] == [("invite.ics", "text/calendar"), ("a.bin", "x/y")]
    assert sent[1][1] == b"\x00\x01"
    admin = site._registry[OutboundEmail]
    assert admin.attached_files(row) == f"invite.ics ({len(invite)} bytes), a.bin (2 bytes)"


def test_emails_are_written_in_the_recipients_zone(alice, settings, db):
    alice.time_zone = "America/Los_Angeles"
    alice.save(update_fields=["time_zone"])
    assert zone_for(alice) == zoneinfo.ZoneInfo("America/Los_Angeles")
    assert zone_for(StudentFactory(email="nozone@example.edu")) == zoneinfo.ZoneInfo(settings.TIME_ZONE)
    with pytest.MonkeyPatch.context() as patch:
        seen = {}

        def fake(**kwargs):
            from django.utils import timezone

            seen["zone"] = timezone.get_current_timezone_name()

        patch.setattr(emails, "outbox_enqueue", fake)
        emails.welcome(alice, alice.email)
    assert seen["zone"] == "America/Los_Angeles"


def test_pages_show_times_in_the_readers_zone(alice, client, db):
    alice.time_zone = "Asia/Tokyo"
    alice.save(update_fields=["time_zone"])
    client.force_login(alice)
    request = RequestFactory().get("/")
    request.user = alice
    from portal.zones import TimeZoneMiddleware

    def view(request):
        from django.utils import timezone

        return timezone.localtime(datetime(2026, 1, 1, tzinfo=zoneinfo.ZoneInfo("UTC")))

    assert TimeZoneMiddleware(view)(request).hour == 9


def test_staff_role_never_student(db):
    staff = StaffFactory()
    assert staff.role == User.Role.STAFF and not staff.is_student


def test_a_person_chooses_their_zone_and_a_bad_one_is_refused(client, carol, db):
    client.force_login(carol)
    bad = client.post("/profile/time-zone/", {"time_zone": "Mars/Olympus_Mons"})
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()
    assert client.post("/profile/time-zone/", {"time_zone": "America/Chicago"}).status_code == 302
    carol.refresh_from_db()
    assert carol.time_zone == "America/Chicago"
    assert (
        "CST" in client.get("/profile/time-zone/").content.decode()
        or "CDT" in client.get("/profile/time-zone/").content.decode()
    )


def test_a_new_organizations_zone_becomes_its_owners(client, db):
    from portal.organizations.services import organization_create
    from tests.factories import EmployerFactory

    owner = EmployerFactory(email="olga@new.example", organization=False)
    organization = organization_create(
        by=owner,
        name="New Co",
        website="https://new.example",
        size="small",
        industry="Retail",
        state="CA",
        time_zone="America/Los_Angeles",
    )
    owner.refresh_from_db()
    assert organization.time_zone == owner.time_zone == "America/Los_Angeles"


def test_lists_write_a_date_as_strftime_does_in_english():
    for month in range(1, 13):
        for value in (date(2026, month, 1), datetime(2027, month, 28, 23, 59, tzinfo=UTC)):
            assert short_date(value) == f"{value:%b} {value.day}, {value.year}"
    assert short_date(date(2026, 11, 3)) == "Nov 3, 2026"

"""Engagements: from the accepted offer to verified work, with the kick-off in the calendar."""

import io
import zipfile
import zoneinfo
from datetime import date, datetime, timedelta

import icalendar
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from applications import services as application_services
from applications.engagements import services
from applications.models import Application, Engagement, KickoffSlot, Submission
from portal.models import WorkEligibility
from portal.transitions import TransitionError
from tests.factories import ApplicationFactory, EmployerFactory, pdf_bytes
from tests.payroll.conftest import save_record

from .conftest import make_ready

Status = Engagement.Status
NY = zoneinfo.ZoneInfo("America/New_York")


def at(day, hour=10, minute=0):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=NY)


@pytest.fixture
def engagement(project, alice, carol, django_capture_on_commit_callbacks):
    """Alice accepted Carol's offer: the engagement awaits its kick-off."""
    make_ready(alice)
    application = ApplicationFactory(project=project, student=alice, status="offered")
    with django_capture_on_commit_callbacks(execute=True):
        application_services.application_accept(application=application, by=alice)
    mail.outbox.clear()
    return Engagement.objects.get(application=application)


def slots(days=(2, 3), minutes=30, video="https://meet.example.com/kickoff"):
    today = timezone.localdate()
    return [
        {"starts_at": at(today + timedelta(days=d)), "minutes": minutes, "video_url": video, "location": ""}
        for d in days
    ]


def offer(engagement, carol, **kwargs):
    return services.kickoff_offer_times(engagement=engagement, by=carol, slots=slots(**kwargs))


def book(engagement, alice, index=0):
    slot = engagement.slots.filter(status=KickoffSlot.Status.OFFERED).order_by("starts_at")[index]
    return services.kickoff_book(engagement=engagement, slot_id=slot.pk, by=alice)


@pytest.fixture
def booked(engagement, alice, carol, django_capture_on_commit_callbacks):
    save_record(alice)
    offer(engagement, carol)
    with django_capture_on_commit_callbacks(execute=True):
        book(engagement, alice)
    engagement.refresh_from_db()
    return engagement


@pytest.fixture
def working(booked):
    services.engagements_start_due(now=booked.kickoff_at + timedelta(minutes=1))
    booked.refresh_from_db()
    return booked


def parse(ics_text):
    calendar = icalendar.Calendar.from_ical(ics_text)
    return calendar, next(iter(calendar.walk("VEVENT")))


def invitations(outbox):
    return [(m.to[0], m.attachments[0]) for m in outbox if m.attachments]


# The engagement itself.


def test_accepting_an_offer_creates_exactly_one_engagement(engagement, carol):
    assert engagement.status == Status.AWAITING_KICKOFF
    assert engagement.project == engagement.application.project
    assert list(engagement.events.values_list("to_status", flat=True)) == ["awaiting_kickoff"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Engagement.objects.create(application=engagement.application, project=engagement.project)


def test_the_offer_accepted_email_links_the_engagement(project, alice, django_capture_on_commit_callbacks):
    make_ready(alice)
    application = ApplicationFactory(project=project, student=alice, status="offered")
    with django_capture_on_commit_callbacks(execute=True):
        application_services.application_accept(application=application, by=alice)
    engagement = Engagement.objects.get(application=application)
    assert f"http://testserver/engagements/{engagement.pk}/" in mail.outbox[0].body


# Kick-off times.


def test_members_offer_two_to_five_times_and_the_student_is_emailed(
    engagement, carol, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        offer(engagement, carol, days=(2, 3, 4))
    assert engagement.slots.filter(status="offered").count() == 3
    assert [m.to for m in mail.outbox] == [["alice@example.edu"]]
    assert "Choose a kick-off time" in mail.outbox[0].subject


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"days": (2,)}, "two to five"),
        ({"days": (1, 2, 3, 4, 5, 6)}, "two to five"),
        ({"days": (0, 2)}, "from tomorrow"),
        ({"days": (2, 15)}, "14 days ahead"),
        ({"minutes": 90}, "15, 30, 45 or 60"),
        ({"video": "http://meet.example.com/x"}, "https://"),
        ({"video": ""}, "video link or a place"),
        ({"days": (2, 2)}, "two of them are the same"),
    ],
)
def test_bad_times_are_refused_and_nothing_is_offered(engagement, carol, kwargs, message):
    with pytest.raises(TransitionError, match=message):
        offer(engagement, carol, **kwargs)
    assert not engagement.slots.exists()
    assert not mail.outbox


def test_only_members_offer_times(engagement, alice, dave):
    for person in (alice, dave):
        with pytest.raises(TransitionError, match="Only members"):
            services.kickoff_offer_times(engagement=engagement, by=person, slots=slots())


def test_none_of_these_work_asks_the_supervisor(engagement, alice, carol, django_capture_on_commit_callbacks):
    offer(engagement, carol)
    with django_capture_on_commit_callbacks(execute=True):
        services.kickoff_request_times(engagement=engagement, by=alice, note="Mornings next week work.")
    assert not engagement.slots.filter(status="offered").exists()
    assert [m.to for m in mail.outbox] == [["carol@acme.example"]]
    assert "Mornings next week work." in mail.outbox[0].body


# Booking.


def test_booking_needs_payroll_sign_up_first(engagement, alice, carol):
    offer(engagement, carol)
    with pytest.raises(TransitionError, match="Sign up for payroll") as refused:
        book(engagement, alice)
    assert refused.value.url == "/payroll/"
    engagement.refresh_from_db()
    assert engagement.status == Status.AWAITING_KICKOFF and engagement.kickoff is None


def test_booking_sends_both_an_invitation_and_releases_the_other_times(booked, alice, carol):
    assert booked.status == Status.KICKOFF_BOOKED
    assert booked.due_on == booked.kickoff_at.astimezone(NY).date() + timedelta(days=booked.project.duration_days)
    assert list(booked.slots.values_list("status", flat=True)) == ["booked", "released"]
    sent = invitations(mail.outbox)
    assert sorted(to for to, _ in sent) == ["alice@example.edu", "carol@acme.example"]
    name, content, mimetype = sent[0][1]
    assert name == f"kickoff-{booked.pk}.ics" and mimetype.startswith("text/calendar")
    calendar, event = parse(content)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == f"{booked.invite_uid}@testserver"
    assert int(event["SEQUENCE"]) == 1
    assert str(event["ORGANIZER"]) == "mailto:carol@acme.example"
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:alice@example.edu" and attendee.params["RSVP"] == "TRUE"
    assert event["DTSTART"].dt == booked.kickoff_at and event["DTSTART"].params["TZID"] == "America/New_York"
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(minutes=30)
    assert "DTSTAMP" in event and str(event["URL"]) == "https://meet.example.com/kickoff"
    assert f"http://testserver/engagements/{booked.pk}/" in str(event["DESCRIPTION"])
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]


def test_the_invitation_is_right_across_a_daylight_saving_change(engagement, alice, carol):
    """Booked before the November change for a time after it: 10:00 local is 15:00 UTC."""
    save_record(alice)
    engagement.slots.create(starts_at=at(date(2026, 11, 2)), minutes=60, video_url="https://m.example.com/x")
    engagement.slots.create(starts_at=at(date(2026, 11, 3)), minutes=60, video_url="https://m.example.com/x")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: datetime(2026, 10, 30, 12, tzinfo=zoneinfo.ZoneInfo("UTC")))
        services.kickoff_book(engagement=engagement, slot_id=engagement.slots.first().pk, by=alice)
    engagement.refresh_from_db()
    from applications.engagements import ics

    calendar, event = parse(ics.invitation(engagement))
    start = event["DTSTART"].dt
    assert (start.hour, start.utcoffset()) == (10, timedelta(hours=-5))
    assert start.astimezone(zoneinfo.ZoneInfo("UTC")).hour == 15
    timezone_component = calendar.walk("VTIMEZONE")[0]
    assert {c.name for c in timezone_component.subcomponents} >= {"STANDARD", "DAYLIGHT"}


def test_the_page_offers_the_same_invitation_to_download(booked, client, alice, dave):
    client.force_login(alice)
    response = client.get(f"/engagements/{booked.pk}/kickoff.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    _, event = parse(response.content)
    assert str(event["UID"]).startswith(str(booked.invite_uid))
    client.force_login(dave)
    assert client.get(f"/engagements/{booked.pk}/kickoff.ics").status_code == 404


def test_a_taken_or_past_time_cannot_be_booked(booked, alice):
    with pytest.raises(TransitionError, match="kick-off booked, so it cannot be booked"):
        services.kickoff_book(engagement=booked, slot_id=booked.kickoff_id, by=alice)


def test_two_bookings_at_once_give_one(engagement, alice, carol):
    """The second booking finds the engagement already booked (the row lock serializes them)."""
    save_record(alice)
    offer(engagement, carol)
    first, second = engagement.slots.order_by("starts_at")
    services.kickoff_book(engagement=engagement, slot_id=first.pk, by=alice)
    with pytest.raises(TransitionError):
        services.kickoff_book(engagement=engagement, slot_id=second.pk, by=alice)
    assert engagement.slots.filter(status="booked").count() == 1


def test_moving_the_kickoff_sends_the_same_uid_with_a_higher_sequence(
    booked, alice, carol, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    offer(booked, carol, days=(5, 6))
    booked.refresh_from_db()
    assert booked.status == Status.AWAITING_KICKOFF
    with django_capture_on_commit_callbacks(execute=True):
        book(booked, alice)
    moved = [m for m in mail.outbox if m.attachments]
    assert len(moved) == 2 and all(m.subject.startswith("Kick-off moved") for m in moved)
    _, event = parse(moved[0].attachments[0][1])
    assert int(event["SEQUENCE"]) == 2 and str(event["UID"]).startswith(str(booked.invite_uid))


# The eligibility gate, at apply time and at booking.


def f1(student, starts_on, ends_on):
    WorkEligibility.objects.filter(student=student).delete()
    return WorkEligibility.objects.create(
        student=student,
        basis=WorkEligibility.Basis.F1_CPT,
        status=WorkEligibility.Status.VERIFIED,
        starts_on=starts_on,
        ends_on=ends_on,
        is_current=True,
    )


def test_an_f1_student_whose_authorization_starts_next_week_can_apply(project, alice):
    today = timezone.localdate()
    make_ready(alice)
    f1(alice, today + timedelta(days=7), today + timedelta(days=120))
    application = ApplicationFactory(project=project, student=alice)
    application_services.application_submit(application=application, by=alice)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_booking_a_time_the_authorization_does_not_cover_is_refused(engagement, alice, carol):
    today = timezone.localdate()
    save_record(alice)
    f1(alice, today + timedelta(days=4), today + timedelta(days=120))
    offer(engagement, carol, days=(2, 5))
    with pytest.raises(TransitionError, match="before your authorization begins"):
        book(engagement, alice, index=0)
    book(engagement, alice, index=1)
    engagement.refresh_from_db()
    assert engagement.status == Status.KICKOFF_BOOKED


def test_booking_refused_when_the_due_date_falls_after_the_authorization(engagement, alice, carol):
    today = timezone.localdate()
    save_record(alice)
    f1(alice, today, today + timedelta(days=10))
    offer(engagement, carol)
    with pytest.raises(TransitionError, match="after your authorization ends"):
        book(engagement, alice)


# In progress, deadlines, milestones.


def test_the_kickoff_time_puts_the_engagement_in_progress_once(booked):
    assert services.engagements_start_due(now=booked.kickoff_at - timedelta(minutes=1)) == 0
    assert services.engagements_start_due(now=booked.kickoff_at) == 1
    assert services.engagements_start_due(now=booked.kickoff_at) == 0
    booked.refresh_from_db()
    assert booked.status == Status.IN_PROGRESS


def test_kickoff_reminder_goes_once_to_both(booked, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.kickoff_remind_due(now=booked.kickoff_at - timedelta(hours=30)) == 0
        assert services.kickoff_remind_due(now=booked.kickoff_at - timedelta(hours=23)) == 1
        assert services.kickoff_remind_due(now=booked.kickoff_at - timedelta(hours=22)) == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.edu", "carol@acme.example"]
    assert all(m.subject.startswith("Kick-off tomorrow") for m in mail.outbox)


def test_due_date_moves_within_7_to_31_days_with_a_reason(working, carol, django_capture_on_commit_callbacks):
    start = working.kickoff_date
    with pytest.raises(TransitionError, match="7 to 31 days"):
        services.due_date_move(engagement=working, by=carol, due_on=start + timedelta(days=6), reason="Sooner")
    with pytest.raises(TransitionError, match="Say why"):
        services.due_date_move(engagement=working, by=carol, due_on=start + timedelta(days=20), reason=" ")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.due_date_move(engagement=working, by=carol, due_on=start + timedelta(days=31), reason="More data")
    working.refresh_from_db()
    assert working.due_on == start + timedelta(days=31)
    assert [m.to for m in mail.outbox] == [["alice@example.edu"]] and "More data" in mail.outbox[0].body


def test_milestones_between_kickoff_and_due_date_marked_done_by_the_student(working, alice, carol):
    inside = working.kickoff_date + timedelta(days=3)
    with pytest.raises(TransitionError, match="falls between"):
        services.milestones_set(
            engagement=working, by=carol, milestones=[{"title": "Late", "due_on": working.due_on + timedelta(days=1)}]
        )
    services.milestones_set(engagement=working, by=carol, milestones=[{"title": "Draft", "due_on": inside}])
    milestone = working.milestones.get()
    with pytest.raises(TransitionError):
        services.milestone_mark_done(milestone=milestone, by=carol)
    services.milestone_mark_done(milestone=milestone, by=alice)
    milestone.refresh_from_db()
    assert milestone.done_at is not None


def test_due_reminders_go_once_each_even_when_the_job_runs_twice(working, django_capture_on_commit_callbacks):
    due = working.due_on
    with django_capture_on_commit_callbacks(execute=True):
        for day in (due - timedelta(days=3), due - timedelta(days=3), due - timedelta(days=1), due + timedelta(days=1)):
            services.deadlines_remind_due(today=day)
        services.deadlines_remind_due(today=due + timedelta(days=1))
    subjects = sorted((m.to[0], m.subject.split(":")[0]) for m in mail.outbox if not m.attachments)
    assert subjects == [
        ("alice@example.edu", "Due in 1 day"),
        ("alice@example.edu", "Due in 3 days"),
        ("alice@example.edu", "Overdue"),
        ("carol@acme.example", "Overdue"),
    ]


# Delivery and verification.


def work_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("report.txt", "The numbers.")
    return buffer.getvalue()


def test_submit_ask_for_changes_submit_again_verify(working, alice, carol, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.work_submit(engagement=working, by=alice, url="https://drive.example.com/report", note="Done.")
    working.refresh_from_db()
    assert working.status == Status.WORK_SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        services.work_request_changes(engagement=working, by=carol, comment="Add a chart.")
        services.work_submit(engagement=working, by=alice, url="https://drive.example.com/report-2")
        services.work_verify(engagement=working, by=carol, comment="Great work.")
    working.refresh_from_db()
    assert working.status == Status.COMPLETED and working.completed_at
    rounds = list(working.submissions.values_list("round", "outcome", "comment"))
    assert rounds == [(1, "changes_requested", "Add a chart."), (2, "verified", "Great work.")]
    steps = list(working.events.values_list("to_status", flat=True))
    assert steps[-5:] == ["in_progress", "work_submitted", "changes_requested", "work_submitted", "completed"]
    subjects = [m.subject.split(":")[0] for m in mail.outbox if not m.attachments]
    assert subjects[-4:] == ["Work submitted", "Changes requested", "Work submitted", "Work verified"]


def test_every_forbidden_transition_is_refused_with_the_state(working, alice, carol, bob):
    with pytest.raises(TransitionError, match="in progress, so it cannot be verified"):
        services.work_verify(engagement=working, by=carol)
    with pytest.raises(TransitionError, match="Only the student"):
        services.work_submit(engagement=working, by=bob, url="https://x.example.com")
    with pytest.raises(TransitionError, match="https"):
        services.work_submit(engagement=working, by=alice, url="http://x.example.com")
    with pytest.raises(TransitionError, match="Only members"):
        services.work_request_changes(engagement=working, by=alice, comment="x")
    with pytest.raises(TransitionError, match="in progress, so it cannot be given kick-off times"):
        offer(working, carol)


def test_files_are_checked_by_content_and_served_to_the_right_people(working, alice, carol, dave, bob, client):
    client.force_login(alice)
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(f"/engagements/{working.pk}/submit/", {"url": "", "note": "", "files": [fake]})
    assert response.status_code == 400
    assert "its content is not one" in response.content.decode()
    working.refresh_from_db()
    assert working.status == Status.IN_PROGRESS and not Submission.objects.exists()
    files = [
        SimpleUploadedFile("report.pdf", pdf_bytes(), content_type="application/pdf"),
        SimpleUploadedFile("data.zip", work_zip(), content_type="application/zip"),
    ]
    response = client.post(f"/engagements/{working.pk}/submit/", {"note": "Here it is.", "files": files})
    assert response.status_code == 302
    stored = list(Submission.objects.get().files.order_by("pk"))
    assert [f.name for f in stored] == ["report.pdf", "data.zip"]
    page = client.get(f"/engagements/{working.pk}/").content.decode()
    for file in stored:
        assert f'<a href="/engagements/{working.pk}/files/{file.pk}/">{file.name}</a>' in page
    url = f"/engagements/{working.pk}/files/{stored[0].pk}/"
    for person, expected in ((alice, 200), (carol, 200), (dave, 404), (bob, 404)):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == expected, person
        if response.streaming:  # read to the end: the test client then closes the file
            b"".join(response.streaming_content)
    client.force_login(carol)
    response = client.get(url)
    assert response["Content-Disposition"].startswith("attachment") and response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == pdf_bytes()


# Cancelling.


def test_either_side_cancels_before_submission_and_the_invitation_is_cancelled(
    booked, alice, carol, sid, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with pytest.raises(TransitionError, match="Choose a reason"):
        services.engagement_cancel(engagement=booked, by=alice, reason="no_response")
    with django_capture_on_commit_callbacks(execute=True):
        services.engagement_cancel(engagement=booked, by=alice, reason="student_cannot", message="I got sick.")
    booked.refresh_from_db()
    assert booked.status == Status.CANCELLED
    cancels = [m for m in mail.outbox if m.attachments]
    assert sorted(m.to[0] for m in cancels) == ["alice@example.edu", "carol@acme.example"]
    calendar, event = parse(cancels[0].attachments[0][1])
    assert str(calendar["METHOD"]) == "CANCEL" and int(event["SEQUENCE"]) == 2
    told = sorted(m.to[0] for m in mail.outbox if m.subject.startswith("Cancelled"))
    assert told == ["carol@acme.example", "sid@career.example.edu"]


def test_after_submission_only_staff_cancel(working, alice, carol, sid):
    services.work_submit(engagement=working, by=alice, url="https://x.example.com/w")
    with pytest.raises(TransitionError, match="only the career center"):
        services.engagement_cancel(engagement=working, by=carol, reason="not_needed")
    with pytest.raises(TransitionError, match="Say why"):
        services.engagement_cancel(engagement=working, by=sid, reason="dispute")
    services.engagement_cancel(engagement=working, by=sid, reason="dispute", message="Work never matched the brief.")
    working.refresh_from_db()
    assert working.status == Status.CANCELLED


def test_a_cancelled_engagement_frees_its_opening(engagement, project, carol, bob, alice):
    make_ready(bob)
    other = ApplicationFactory(project=project, student=bob, status="submitted")
    with pytest.raises(TransitionError, match="opening"):
        application_services.application_select(application=other, by=carol)
    services.engagement_cancel(engagement=engagement, by=alice, reason="student_cannot")
    application_services.application_select(application=other, by=carol)
    other.refresh_from_db()
    assert other.status == Application.Status.OFFERED


# Late verification.


def test_late_verification_reminds_the_supervisor_then_alerts_staff_once(
    working, alice, sid, django_capture_on_commit_callbacks
):
    submission = services.work_submit(engagement=working, by=alice, url="https://x.example.com/w")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for days in (2, 3, 3, 7, 8):
            services.verification_remind_due(now=submission.submitted_at + timedelta(days=days, minutes=1))
    assert sorted(m.to[0] for m in mail.outbox) == ["carol@acme.example", "sid@career.example.edu"]


# Who sees the page.


def test_the_page_is_for_the_student_and_the_organizations_members_only(
    engagement, client, alice, carol, bob, dave, sid
):
    url = f"/engagements/{engagement.pk}/"
    colleague = EmployerFactory(email="erin@acme.example", organization=carol.membership.organization)
    for person, expected in ((alice, 200), (carol, 200), (colleague, 200), (bob, 404), (dave, 404), (sid, 404)):
        client.force_login(person)
        assert client.get(url).status_code == expected, person
        assert client.post(f"{url}cancel/", {"reason": "other"}).status_code in (
            (302, 400) if expected == 200 else (404,)
        )
        engagement.refresh_from_db()
    client.logout()
    assert client.get(url).status_code == 302


def test_the_page_shows_what_happens_next_and_the_forms_of_the_reader(engagement, client, alice, carol):
    client.force_login(carol)
    page = client.get(f"/engagements/{engagement.pk}/").content.decode()
    assert "Offer two to five kick-off times" in page and 'name="start_1"' in page
    client.force_login(alice)
    page = client.get(f"/engagements/{engagement.pk}/").content.decode()
    assert "Book one of the kick-off times" in page and 'name="start_1"' not in page


def test_a_bad_form_keeps_what_was_typed(engagement, client, carol):
    client.force_login(carol)
    response = client.post(
        f"/engagements/{engagement.pk}/offer-times/",
        {"start_1": "not a time", "minutes_1": "30", "start_2": "", "minutes_2": "30", "location": "Room 4B"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a valid date/time" in page and 'value="Room 4B"' in page
    assert not engagement.slots.exists()


def test_the_rounds_and_the_timeline_show_what_each_side_wrote_escaped(working, alice, carol, client):
    services.work_submit(
        engagement=working, by=alice, url="https://drive.example.com/a?b=1&c=2", note="<b>Draft</b>\n\nData & charts"
    )
    services.work_request_changes(engagement=working, by=carol, comment="Add <em>one</em> chart.\nThanks")
    services.work_submit(engagement=working, by=alice, url="https://drive.example.com/b")
    client.force_login(alice)
    page = client.get(f"/engagements/{working.pk}/").content.decode()
    assert '<h3 id="round-1">Round 1: Changes requested</h3>' in page
    assert '<h3 id="round-2">Round 2: Waiting for the supervisor</h3>' in page
    link = "https://drive.example.com/a?b=1&amp;c=2"
    assert f'<p class="wrap-anywhere"><a href="{link}">{link}</a></p>' in page
    assert '<div class="prose"><p>&lt;b&gt;Draft&lt;/b&gt;</p>\n\n<p>Data &amp; charts</p></div>' in page
    assert f"<p><strong>{carol.get_full_name()}, " in page
    assert '<div class="prose"><p>Add &lt;em&gt;one&lt;/em&gt; chart.<br>Thanks</p></div>' in page
    assert "<b>" not in page and "<em>one" not in page
    timeline = page[page.index('id="timeline-title"') :]
    changes = working.events.get(to_status=Status.CHANGES_REQUESTED)
    when = timezone.localtime(changes.at)
    assert (
        f'<li><time datetime="{when.isoformat(timespec="seconds")}">'
        f"{when:%b} {when.day}, {when.year} {when:%-I:%M} {when:%p} {when:%Z}</time>:"
        f" Changes requested ({carol.get_full_name()}): Add &lt;em&gt;one&lt;/em&gt; chart.\nThanks</li>"
    ) in timeline


def test_the_page_runs_a_fixed_number_of_queries(working, alice, carol, client, django_assert_max_num_queries):
    client.force_login(carol)
    for i in range(3):
        services.work_submit(engagement=working, by=alice, url=f"https://x.example.com/{i}")
        services.work_request_changes(engagement=working, by=carol, comment=f"Round {i}")
    with django_assert_max_num_queries(20) as few:
        client.get(f"/engagements/{working.pk}/")
    for i in range(5):
        services.work_submit(engagement=working, by=alice, url=f"https://y.example.com/{i}")
        services.work_request_changes(engagement=working, by=carol, comment=f"Again {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/engagements/{working.pk}/")


def test_after_a_cancelled_engagement_the_organization_reopens_the_project(engagement, project, alice, carol, client):
    Project = type(project)
    Project.objects.filter(pk=project.pk).update(status=Project.Status.CLOSED)
    services.engagement_cancel(engagement=engagement, by=carol, reason="no_response", message="No answer in a week.")
    client.force_login(carol)
    page = client.get(f"/employer/projects/{project.slug}/").content.decode()
    assert "Reopen to applications" in page
    bad = client.post(f"/employer/projects/{project.slug}/reopen/", {"apply_by": "2020-01-01"}, follow=True)
    assert "after today" in bad.content.decode()
    new_date = timezone.localdate() + timedelta(days=10)
    client.post(f"/employer/projects/{project.slug}/reopen/", {"apply_by": new_date.isoformat()})
    project.refresh_from_db()
    assert (project.status, project.apply_by) == (Project.Status.PUBLISHED, new_date)
    assert project.events.last().note.startswith("Reopened until")


def test_applications_dashboards_and_the_project_list_link_the_engagement(engagement, alice, carol, client):
    url = f"/engagements/{engagement.pk}/"
    client.force_login(alice)
    for page in ("/applications/", f"/applications/{engagement.application.pk}/", "/dashboard/"):
        assert url in client.get(page).content.decode(), page
    client.force_login(carol)
    for page in ("/dashboard/", "/employer/projects/"):
        assert url in client.get(page).content.decode(), page

"""Career center staff in the engagements admin: read, filter, search, export, cancel a dispute."""

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.models import Engagement, EngagementEvent, Submission
from portal.models import OutboundEmail
from tests.factories import ApplicationFactory, ProjectFactory, StudentFactory
from tests.signin import admin_login

pytestmark = pytest.mark.django_db

Status = Engagement.Status
URL = "/admin/applications/engagement/"


def make(project, status, *, email=None, **fields):
    """An engagement of a new student on ``project`` in ``status``, with its first event."""
    student = StudentFactory(email=email) if email else StudentFactory()
    application = ApplicationFactory(project=project, student=student, status="accepted")
    engagement = Engagement.objects.create(application=application, project=project, status=status, **fields)
    EngagementEvent.objects.create(engagement=engagement, from_status="", to_status=Status.AWAITING_KICKOFF)
    return engagement


@pytest.fixture
def project(carol):
    return ProjectFactory(organization=carol.membership.organization, contact=carol, title="Churn dashboard")


def test_staff_filter_overdue_and_late_verification_and_search(client, sid, project):
    today, now = timezone.localdate(), timezone.now()
    make(project, Status.IN_PROGRESS, email="late@example.edu", due_on=today - timedelta(days=1))
    make(project, Status.IN_PROGRESS, email="ontime@example.edu", due_on=today + timedelta(days=3))
    make(project, Status.WORK_SUBMITTED, email="waiting8@example.edu", submitted_at=now - timedelta(days=8))
    make(project, Status.WORK_SUBMITTED, email="waiting2@example.edu", submitted_at=now - timedelta(days=2))
    make(project, Status.COMPLETED, email="done@example.edu", due_on=today - timedelta(days=5))
    admin_login(client, sid)

    overdue = client.get(f"{URL}?overdue=yes").content.decode()
    assert "late@example.edu" in overdue
    assert "ontime@example.edu" not in overdue and "done@example.edu" not in overdue

    waiting = client.get(f"{URL}?awaiting=late").content.decode()
    assert "waiting8@example.edu" in waiting and "waiting2@example.edu" not in waiting

    by_state = client.get(f"{URL}?status__exact=completed").content.decode()
    assert "done@example.edu" in by_state and "late@example.edu" not in by_state

    by_email = client.get(f"{URL}?q=waiting2").content.decode()
    assert "waiting2@example.edu" in by_email and "waiting8@example.edu" not in by_email
    by_title = client.get(f"{URL}?q=churn").content.decode()
    assert "late@example.edu" in by_title
    assert "late@example.edu" not in client.get(f"{URL}?q=nothing-like-this").content.decode()

    organization = project.organization
    assert (
        "late@example.edu" in client.get(f"{URL}?project__organization__id__exact={organization.pk}").content.decode()
    )


def test_the_kickoff_date_filter(client, sid, project):
    now = timezone.now()
    make(project, Status.IN_PROGRESS, email="recent@example.edu", kickoff_at=now - timedelta(days=1))
    make(project, Status.IN_PROGRESS, email="long-ago@example.edu", kickoff_at=now - timedelta(days=60))
    admin_login(client, sid)
    listing = client.get(URL).content.decode()
    past_week = re.search(r'href="(\?[^"]*kickoff_at__gte[^"]*)"[^>]*>Past 7 days', listing).group(1)
    page = client.get(URL + html.unescape(past_week)).content.decode()
    assert "recent@example.edu" in page and "long-ago@example.edu" not in page


def test_export_is_formula_safe(client, sid, carol):
    risky = ProjectFactory(organization=carol.membership.organization, contact=carol, title="=HYPERLINK(1)")
    engagement = make(risky, Status.WORK_SUBMITTED, email="csv@example.edu", submitted_at=timezone.now())
    Submission.objects.create(engagement=engagement, round=1, url="https://x.example.com/w")
    admin_login(client, sid)
    response = client.post(URL, {"action": "export_csv", "_selected_action": [engagement.pk]})
    assert response["Content-Type"].startswith("text/csv")
    header, row = response.content.decode().splitlines()
    assert header.startswith("id,project,organization,supervisor_email,student_email")
    assert "'=HYPERLINK(1)" in row and "csv@example.edu" in row and "Work submitted" in row
    assert row.split(",")[header.split(",").index("rounds_submitted")] == "1"


def test_the_admin_is_read_only(client, sid, project):
    engagement = make(project, Status.IN_PROGRESS, due_on=timezone.localdate())
    admin_login(client, sid)
    assert client.get(f"{URL}add/").status_code == 403
    assert client.get(f"{URL}{engagement.pk}/delete/").status_code == 403
    page = client.get(f"{URL}{engagement.pk}/change/").content.decode()
    assert 'name="_save"' not in page and 'name="status"' not in page
    assert "history of states" in page.lower()
    client.post(f"{URL}{engagement.pk}/change/", {"status": "completed", "due_on": "2030-01-01"})
    engagement.refresh_from_db()
    assert engagement.status == Status.IN_PROGRESS and engagement.due_on == timezone.localdate()


def test_the_change_page_shows_submissions_and_the_trail(client, sid, project, carol):
    engagement = make(project, Status.CHANGES_REQUESTED, due_on=timezone.localdate())
    Submission.objects.create(
        engagement=engagement,
        round=1,
        url="https://x.example.com/first",
        outcome=Submission.Outcome.CHANGES_REQUESTED,
        comment="Add the chart.",
        answered_by=carol,
    )
    admin_login(client, sid)
    page = client.get(f"{URL}{engagement.pk}/change/").content.decode()
    assert "https://x.example.com/first" in page and "Add the chart." in page
    assert "Awaiting kick-off" in page  # the first event


def test_staff_cancel_a_dispute_with_a_reason_kept_in_the_history(
    client, sid, project, django_capture_on_commit_callbacks
):
    disputed = make(project, Status.WORK_SUBMITTED, email="dispute@example.edu", submitted_at=timezone.now())
    finished = make(project, Status.COMPLETED, email="finished@example.edu")
    admin_login(client, sid)
    selected = {"action": "cancel", "_selected_action": [disputed.pk, finished.pk]}
    asked = client.post(URL, selected)
    assert asked.status_code == 200 and "Reason" in asked.content.decode()
    assert Engagement.objects.get(pk=disputed.pk).status == Status.WORK_SUBMITTED

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(URL, {**selected, "reason": "The work never matched the brief."}, follow=True)
    page = done.content.decode()
    assert "1 engagement(s) cancelled" in page
    assert "finished@example.edu on Churn dashboard" in page  # refused, with the service's reason
    disputed.refresh_from_db()
    assert disputed.status == Status.CANCELLED and disputed.cancel_reason == Engagement.CancelReason.DISPUTE
    assert disputed.cancel_message == "The work never matched the brief."
    event = disputed.events.order_by("at", "pk").last()
    assert event.by == sid and event.to_status == Status.CANCELLED and "never matched" in event.note
    told = set(OutboundEmail.objects.filter(kind="engagement-cancelled").values_list("recipient", flat=True))
    assert {"dispute@example.edu", project.contact.email} <= told
    assert Engagement.objects.get(pk=finished.pk).status == Status.COMPLETED


def test_the_changelist_runs_a_fixed_number_of_queries(client, sid, carol):
    def count(engagements):
        for _ in range(engagements):
            other = ProjectFactory(organization=carol.membership.organization, contact=carol)
            make(other, Status.IN_PROGRESS, due_on=timezone.localdate(), kickoff_at=timezone.now())
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    admin_login(client, sid)
    assert count(2) == count(8)

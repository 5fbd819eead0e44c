"""Closed projects: the contact is reminded to decide, and applicants are never left hanging."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from applications.closing import DECIDE_WITHIN_DAYS, closed_projects_due
from applications.models import Application
from applications.tasks import closed_projects_due_task
from opportunities.models import Project
from opportunities.services import project_close, projects_close_expired
from portal.celery import app as celery_app
from portal.models import OutboundEmail
from tests.factories import ApplicationFactory, StudentFactory

S = Application.Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(project):
    """Two undecided applicants (one shortlisted), one offer out, one draft."""
    return {
        "submitted": ApplicationFactory(project=project, student=StudentFactory(), status=S.SUBMITTED),
        "shortlisted": ApplicationFactory(project=project, student=StudentFactory(), status=S.SHORTLISTED),
        "offered": ApplicationFactory(project=project, student=StudentFactory(), status=S.OFFERED),
        "draft": ApplicationFactory(project=project, student=StudentFactory(), status=S.DRAFT),
    }


def reminders():
    return OutboundEmail.objects.filter(kind="project-decide-reminder")


def test_closing_by_hand_reminds_the_contact_once(project, carol, waiting, django_capture_on_commit_callbacks):
    project_close(project=project, by=carol)
    with django_capture_on_commit_callbacks(execute=True):
        assert closed_projects_due() == {"released": 0, "reminded": 1}
        assert closed_projects_due() == {"released": 0, "reminded": 0}
    reminder = reminders().get()
    assert reminder.recipient == carol.email
    assert "2 applicants still wait for your decision" in reminder.body_text
    decide_by = timezone.localdate(Project.objects.get(pk=project.pk).closed_at + timedelta(days=DECIDE_WITHIN_DAYS))
    assert decide_by.strftime("%B %-d, %Y") in reminder.body_text
    assert f"/employer/projects/{project.slug}/applicants/" in reminder.body_text
    assert [m.to for m in mail.outbox] == [[carol.email]]
    # Nobody was told anything yet.
    assert {a.status for a in Application.objects.all()} == {S.SUBMITTED, S.SHORTLISTED, S.OFFERED, S.DRAFT}


def test_closing_by_the_apply_by_date_reminds_the_contact(project, carol, waiting):
    Project.objects.filter(pk=project.pk).update(apply_by=timezone.localdate() - timedelta(days=1))
    assert projects_close_expired() == 1
    closed_projects_due()
    assert list(reminders().values_list("recipient", flat=True)) == [carol.email]


def test_no_reminder_while_open_or_when_nobody_waits(project, carol):
    ApplicationFactory(project=project, student=StudentFactory(), status=S.SUBMITTED)
    closed_projects_due()
    assert not reminders().exists()  # still open
    Application.objects.update(status=S.NOT_SELECTED, reason=Application.Reason.SKILLS)
    project_close(project=project, by=carol)
    closed_projects_due()
    assert not reminders().exists()  # decided already


def test_fourteen_days_after_closing_the_undecided_are_told_once(project, carol, waiting):
    project_close(project=project, by=carol)
    closed_at = Project.objects.get(pk=project.pk).closed_at
    closed_projects_due(now=closed_at + timedelta(days=DECIDE_WITHIN_DAYS - 1))
    assert Application.objects.get(pk=waiting["submitted"].pk).status == S.SUBMITTED

    later = closed_at + timedelta(days=DECIDE_WITHIN_DAYS, minutes=1)
    assert closed_projects_due(now=later) == {"released": 2, "reminded": 0}
    assert closed_projects_due(now=later) == {"released": 0, "reminded": 0}
    for key in ("submitted", "shortlisted"):
        application = Application.objects.get(pk=waiting[key].pk)
        assert (application.status, application.reason) == (S.NOT_SELECTED, Application.Reason.NO_DECISION)
        assert application.get_reason_display() == "The employer did not decide"
        told = OutboundEmail.objects.filter(recipient=application.student.email)
        assert list(told.values_list("kind", flat=True)) == ["not-selected-no-decision"]
        assert "the employer did not decide on your application" in told.get().body_text
        assert application.events.get(to_status=S.NOT_SELECTED).by is None
    # An offer out is the student's to answer, and a draft was never sent.
    assert Application.objects.get(pk=waiting["offered"].pk).status == S.OFFERED
    assert Application.objects.get(pk=waiting["draft"].pk).status == S.DRAFT


def test_the_student_sees_the_reason(client, project, carol, waiting):
    project_close(project=project, by=carol)
    closed_projects_due(now=timezone.now() + timedelta(days=DECIDE_WITHIN_DAYS + 1))
    student = waiting["submitted"].student
    client.force_login(student)
    html = client.get(waiting["submitted"].get_absolute_url()).content.decode()
    assert "Reason: The employer did not decide." in html


def test_the_beat_job_is_scheduled_and_idempotent(project, carol, waiting):
    tasks = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert "applications.tasks.closed_projects_due_task" in tasks
    Project.objects.filter(pk=project.pk).update(
        status=Project.Status.CLOSED, closed_at=timezone.now() - timedelta(days=DECIDE_WITHIN_DAYS + 1)
    )
    first = closed_projects_due_task.delay().get()
    second = closed_projects_due_task.delay().get()
    assert first == {"released": 2, "reminded": 0} and second == {"released": 0, "reminded": 0}
    assert OutboundEmail.objects.filter(kind="not-selected-no-decision").count() == 2
    # Past its days, a project needs no reminder any more: its applicants were told instead.
    assert not reminders().exists()

"""The "not selected" fan-out runs after the acceptance (or cancellation) commits, in batches,
and tells each student once however often it runs or wherever it stopped."""

from unittest import mock

import pytest
from django.urls import reverse

from applications import fanout, services
from applications.models import Application, ApplicationEvent
from applications.tasks import not_selected_sweep_task
from opportunities.models import Project
from portal import emails
from portal.models import OutboundEmail
from tests.factories import ApplicationFactory, StudentFactory

S = Application.Status
FILLED = Application.Reason.FILLED


@pytest.fixture
def filling(project, carol):
    """One opening, an offer out to the first student, five others waiting."""
    project.openings = 1
    project.save(update_fields=["openings"])
    offered = ApplicationFactory(project=project, student=StudentFactory(), status=S.OFFERED)
    waiting = [ApplicationFactory(project=project, student=StudentFactory(), status=S.SUBMITTED) for _ in range(5)]
    return offered, waiting


def told():
    return sorted(OutboundEmail.objects.filter(kind="not-selected").values_list("recipient", flat=True))


def statuses(applications):
    return {Application.objects.get(pk=a.pk).status for a in applications}


def test_accepting_closes_at_once_and_the_others_are_told_after_commit(
    filling, project, client, carol, django_capture_on_commit_callbacks
):
    offered, waiting = filling
    with django_capture_on_commit_callbacks() as queued:
        services.application_accept(application=offered, by=offered.student)
    assert Project.objects.get(pk=project.pk).status == Project.Status.CLOSED
    assert statuses(waiting) == {S.SUBMITTED} and told() == []
    # Meanwhile the employer's page says the others are being told.
    client.force_login(carol)
    page = client.get(reverse("applications:applicants", args=[project.slug])).content.decode()
    assert "The openings are filled: the other applicants are being told they were not selected." in page

    for callback in queued:
        callback()
    assert statuses(waiting) == {S.NOT_SELECTED}
    assert told() == sorted(a.student.email for a in waiting)
    assert all(a.reason == FILLED for a in Application.objects.filter(pk__in=[a.pk for a in waiting]))
    page = client.get(reverse("applications:applicants", args=[project.slug])).content.decode()
    assert "being told" not in page


def test_the_job_run_twice_tells_each_student_once(filling, project):
    offered, waiting = filling
    Application.objects.filter(pk=offered.pk).update(status=S.ACCEPTED)
    assert fanout.not_selected_fanout(project_id=project.pk, reason=FILLED, batch=2) == 5
    assert fanout.not_selected_fanout(project_id=project.pk, reason=FILLED, batch=2) == 0
    assert told() == sorted(a.student.email for a in waiting)
    events = ApplicationEvent.objects.filter(to_status=S.NOT_SELECTED)
    assert events.count() == 5
    assert set(events.values_list("from_status", flat=True)) == {S.SUBMITTED}


def test_a_job_that_dies_halfway_keeps_whole_batches_and_the_sweep_finishes(filling, project):
    offered, waiting = filling
    Application.objects.filter(pk=offered.pk).update(status=S.ACCEPTED)
    real_mail = emails.not_selected
    calls = []

    def dies_on_the_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise ConnectionError("worker lost")
        return real_mail(*args, **kwargs)

    with mock.patch.object(emails, "not_selected", dies_on_the_third), pytest.raises(ConnectionError):
        fanout.not_selected_fanout(project_id=project.pk, reason=FILLED, batch=2)
    # The first batch is done; the one that died left nothing behind.
    assert len(told()) == 2
    assert sorted(Application.objects.filter(project=project).values_list("status", flat=True)) == sorted(
        [S.ACCEPTED, S.NOT_SELECTED, S.NOT_SELECTED, S.SUBMITTED, S.SUBMITTED, S.SUBMITTED]
    )
    assert fanout.owed_projects() == [(project.pk, FILLED)]

    assert not_selected_sweep_task.delay().get() == 3
    assert told() == sorted(a.student.email for a in waiting)
    assert fanout.owed_projects() == []


def test_a_broker_outage_delays_the_job_until_the_sweep(filling, project, django_capture_on_commit_callbacks):
    offered, waiting = filling
    with (
        mock.patch("applications.tasks.not_selected_task.delay", side_effect=ConnectionError("broker down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.application_accept(application=offered, by=offered.student)
    assert statuses(waiting) == {S.SUBMITTED}
    assert fanout.not_selected_sweep() == 5
    assert told() == sorted(a.student.email for a in waiting)


def test_the_sweep_leaves_projects_that_are_merely_past_their_apply_by_date(project):
    ApplicationFactory(project=project, student=StudentFactory(), status=S.SUBMITTED)
    Project.objects.filter(pk=project.pk).update(status=Project.Status.CLOSED)
    assert fanout.not_selected_sweep() == 0

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from opportunities.models import Project, ProjectEvent
from opportunities.services import (
    project_cancel,
    project_close,
    project_publish,
    project_send_back,
    project_submit,
    projects_close_expired,
)
from opportunities.tasks import close_expired_projects
from portal.models import Organization
from portal.transitions import TransitionError
from tests.factories import ProjectFactory
from tests.signin import admin_login

pytestmark = pytest.mark.django_db

S = Project.Status


@pytest.fixture
def draft(carol):
    return ProjectFactory(
        organization=carol.membership.organization,
        contact=carol,
        created_by=carol,
        status=S.DRAFT,
        published_at=None,
        title="Inventory clean-up",
    )


def test_draft_goes_to_review_then_staff_publish_it_and_the_employer_hears(
    client, carol, sid, draft, django_capture_on_commit_callbacks
):
    client.force_login(carol)
    response = client.post(f"/employer/projects/{draft.slug}/submit/")
    assert response.url == f"/employer/projects/{draft.slug}/"
    draft.refresh_from_db()
    assert draft.status == S.IN_REVIEW and draft.submitted_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        project = project_publish(project=draft, by=sid)
    assert project.status == S.PUBLISHED
    assert project.published_by == sid and project.published_at is not None
    assert [(e.from_status, e.to_status, e.by) for e in project.events.all()] == [
        (S.DRAFT, S.IN_REVIEW, carol),
        (S.IN_REVIEW, S.PUBLISHED, sid),
    ]
    (email,) = mail.outbox
    assert email.to == [carol.email]
    assert "Inventory clean-up" in email.subject
    assert f"http://testserver/projects/{draft.slug}/" in email.body


def test_staff_send_back_with_a_reason_the_employer_reads(carol, sid, draft, django_capture_on_commit_callbacks):
    project_submit(project=draft, by=carol)
    with pytest.raises(TransitionError, match="Say why"):
        project_send_back(project=draft, by=sid, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        project = project_send_back(project=draft, by=sid, reason="Fee & hours don't match <the brief>.")
    assert project.status == S.DRAFT
    assert project.review_note == "Fee & hours don't match <the brief>."
    (email,) = mail.outbox
    assert email.to == [carol.email]
    assert "Fee & hours don't match <the brief>." in email.body  # plain text is not HTML-escaped
    assert "Fee &amp; hours don&#x27;t match &lt;the brief&gt;." in email.alternatives[0][0]
    event = project.events.last()
    assert (event.to_status, event.by, event.note) == (S.DRAFT, sid, "Fee & hours don't match <the brief>.")


@pytest.mark.parametrize(
    ("start", "action"),
    [
        (S.DRAFT, "publish"),
        (S.DRAFT, "send_back"),
        (S.PUBLISHED, "submit"),
        (S.PUBLISHED, "publish"),
        (S.CLOSED, "cancel"),
        (S.CANCELLED, "submit"),
        (S.IN_REVIEW, "submit"),
        (S.IN_REVIEW, "close"),
        (S.DRAFT, "close"),
    ],
)
def test_only_allowed_transitions(carol, sid, draft, start, action):
    Project.objects.filter(pk=draft.pk).update(status=start)
    calls = {
        "submit": lambda: project_submit(project=draft, by=carol),
        "publish": lambda: project_publish(project=draft, by=sid),
        "send_back": lambda: project_send_back(project=draft, by=sid, reason="No"),
        "close": lambda: project_close(project=draft, by=carol),
        "cancel": lambda: project_cancel(project=draft, by=carol),
    }
    with pytest.raises(TransitionError):
        calls[action]()
    draft.refresh_from_db()
    assert draft.status == start
    assert not ProjectEvent.objects.exists()


def test_only_the_right_people_move_a_project(carol, dave, alice, sid, draft):
    with pytest.raises(TransitionError):
        project_submit(project=draft, by=dave)
    with pytest.raises(TransitionError):
        project_submit(project=draft, by=alice)
    project_submit(project=draft, by=carol)
    for outsider in (carol, dave, alice):
        with pytest.raises(TransitionError, match="career center staff"):
            project_publish(project=draft, by=outsider)
    with pytest.raises(TransitionError):
        project_cancel(project=draft, by=dave)
    draft.refresh_from_db()
    assert draft.status == S.IN_REVIEW


def test_unverified_organizations_projects_are_not_published(carol, sid, draft):
    Organization.objects.filter(pk=draft.organization_id).update(status=Organization.Status.PENDING)
    project_submit(project=draft, by=carol)  # a pending organization may queue projects
    with pytest.raises(TransitionError, match="not verified"):
        project_publish(project=draft, by=sid)
    draft.refresh_from_db()
    assert draft.status == S.IN_REVIEW


def test_suspended_organization_cannot_submit(carol, draft):
    Organization.objects.filter(pk=draft.organization_id).update(status=Organization.Status.SUSPENDED)
    with pytest.raises(TransitionError, match="suspended"):
        project_submit(project=draft, by=carol)


def test_employer_closes_and_cancels_from_the_page(client, carol):
    project = ProjectFactory(organization=carol.membership.organization, contact=carol)
    client.force_login(carol)
    client.post(f"/employer/projects/{project.slug}/close/")
    project.refresh_from_db()
    assert project.status == S.CLOSED and project.closed_at is not None
    response = client.post(f"/employer/projects/{project.slug}/cancel/", follow=True)
    assert "This project is closed, so it cannot be cancelled." in response.content.decode()
    project.refresh_from_db()
    assert project.status == S.CLOSED


def test_apply_by_passing_closes_the_project_once(carol):
    today = timezone.localdate()
    expired = ProjectFactory(apply_by=today - timedelta(days=1))
    last_day = ProjectFactory(apply_by=today)
    draft = ProjectFactory(apply_by=today - timedelta(days=3), status=S.DRAFT, published_at=None)
    assert close_expired_projects.delay().get() == 1
    assert projects_close_expired() == 0
    expired.refresh_from_db()
    last_day.refresh_from_db()
    draft.refresh_from_db()
    assert (expired.status, last_day.status, draft.status) == (S.CLOSED, S.PUBLISHED, S.DRAFT)
    (event,) = expired.events.all()
    assert event.by is None and "apply-by" in event.note


def test_staff_publish_and_send_back_from_the_admin(client, carol, sid, draft, django_capture_on_commit_callbacks):
    other = ProjectFactory(organization=draft.organization, contact=carol, status=S.DRAFT, published_at=None)
    project_submit(project=draft, by=carol)
    project_submit(project=other, by=carol)
    admin_login(client, sid)
    changelist = reverse("admin:opportunities_project_changelist")
    assert "Inventory clean-up" in client.get(changelist + "?queue=review").content.decode()
    client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist,
            {"action": "send_back", "_selected_action": [other.pk], "reason_given": "1", "reason": "Too vague"},
        )
    assert response.status_code == 302
    draft.refresh_from_db()
    other.refresh_from_db()
    assert draft.status == S.PUBLISHED
    assert other.status == S.DRAFT and other.review_note == "Too vague"
    assert [m.subject for m in mail.outbox] == [f"Changes needed: {other.title}"]
    # The sent-back draft shows the reason to the employer.
    client.force_login(carol)
    assert "Too vague" in client.get(f"/employer/projects/{other.slug}/").content.decode()


def test_admin_moderation_needs_the_permission(client, draft, carol):
    from tests.factories import StaffFactory

    project_submit(project=draft, by=carol)
    outsider = StaffFactory()  # staff flag but not in the career center group
    admin_login(client, outsider)
    response = client.post(
        reverse("admin:opportunities_project_changelist"), {"action": "publish", "_selected_action": [draft.pk]}
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == S.IN_REVIEW


def test_staff_cannot_move_a_project_to_another_organization_or_contact(client, sid, draft):
    admin_login(client, sid)
    html = client.get(reverse("admin:opportunities_project_change", args=[draft.pk])).content.decode()
    assert 'name="title"' in html  # staff may still fix the text before publishing
    assert 'name="contact"' not in html and 'name="organization"' not in html

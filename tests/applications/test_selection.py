"""Submitting and selecting ask the gate; offers never exceed openings; offers lapse and are
reminded once; filling the openings closes the project and tells everyone else once."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from applications import services
from applications.models import Application
from opportunities.models import Project
from portal.models import OutboundEmail, WorkEligibility
from portal.transitions import TransitionError
from tests.factories import ApplicationFactory, StudentFactory, WorkEligibilityFactory

from .conftest import make_ready

pytestmark = pytest.mark.django_db

S = Application.Status
B = WorkEligibility.Basis
V = WorkEligibility.Status


def kinds(**filters):
    return sorted(OutboundEmail.objects.filter(**filters).values_list("kind", flat=True))


def test_gate_window_asks_about_the_first_kickoff_the_authorization_allows(project, alice, settings):
    """Kick-offs run from tomorrow to the last time an offer made on the apply-by date allows
    (answered within OFFER_RESPONSE_DAYS, times up to 14 days ahead)."""
    settings.OFFER_RESPONSE_DAYS = 3
    project.apply_by = date(2026, 6, 10)
    project.duration_days = 14
    today = date(2026, 6, 1)
    assert services.gate_window(project, today=today) == (date(2026, 6, 2), date(2026, 6, 16))
    record = WorkEligibility.objects.create(
        student=alice, basis=B.F1_CPT, status=V.VERIFIED, starts_on=date(2026, 6, 8), ends_on=date(2026, 9, 1)
    )
    assert services.gate_window(project, student=alice, today=today) == (date(2026, 6, 8), date(2026, 6, 22))
    # An authorization that starts after the last possible kick-off: the gate sees the last one.
    WorkEligibility.objects.filter(pk=record.pk).update(starts_on=date(2026, 8, 1))
    assert services.gate_window(project, student=alice, today=today) == (date(2026, 6, 27), date(2026, 7, 11))


INELIGIBLE = {
    "not declared": None,
    "no authorization": {"basis": B.NONE, "status": V.ATTESTED},
    "pending review": {
        "basis": B.F1_OPT,
        "status": V.PENDING,
        "starts_on": date(2020, 1, 1),
        "ends_on": date(2099, 1, 1),
    },
    "rejected": {"basis": B.F1_CPT, "status": V.REJECTED, "starts_on": date(2020, 1, 1), "ends_on": date(2099, 1, 1)},
    "expired": {"basis": B.EAD, "status": V.VERIFIED, "ends_on": date(2021, 1, 1)},
    "starts later": {
        "basis": B.F1_OPT,
        "status": V.VERIFIED,
        "starts_on": date(2099, 1, 1),
        "ends_on": date(2099, 6, 1),
    },
    "ends too soon": {"basis": B.F1_OPT, "status": V.VERIFIED, "starts_on": date(2020, 1, 1), "ends_on": "soon"},
    "no ITIN": {"basis": B.ITIN, "status": V.ATTESTED},
}


def _declare(student, case):
    fields = INELIGIBLE[case]
    if fields is None:
        return
    fields = dict(fields)
    if fields.get("ends_on") == "soon":
        fields["ends_on"] = timezone.localdate() + timedelta(days=5)  # before the project can end
    WorkEligibilityFactory(student=student, **fields)


@pytest.mark.parametrize("case", list(INELIGIBLE))
def test_the_gate_refuses_submission_with_a_way_forward_and_keeps_the_draft(case, project, alice):
    student = make_ready(alice, basis=B.CITIZEN)
    WorkEligibility.objects.filter(student=student).delete()
    _declare(student, case)
    application = ApplicationFactory(project=project, student=student, status=S.DRAFT)
    with pytest.raises(TransitionError) as refused:
        services.application_submit(application=application, by=student)
    assert refused.value.url and refused.value.next_step
    assert "draft is saved" in str(refused.value)
    application.refresh_from_db()
    assert application.status == S.DRAFT and application.answers.count() == 2
    assert not OutboundEmail.objects.exists()


@pytest.mark.parametrize("case", list(INELIGIBLE))
def test_the_gate_refuses_selection_when_eligibility_changed_since(case, project, alice, carol):
    student = make_ready(alice, basis=B.CITIZEN)
    application = ApplicationFactory(project=project, student=student, status=S.SUBMITTED)
    WorkEligibility.objects.filter(student=student).delete()
    _declare(student, case)
    with pytest.raises(TransitionError, match="work eligibility does not cover"):
        services.application_select(application=application, by=carol)
    assert Application.objects.get(pk=application.pk).status == S.SUBMITTED


@pytest.mark.parametrize(
    ("missing", "expected"),
    [("name", "first and last name"), ("resume", "résumé"), ("adult", "18 or older")],
)
def test_submission_needs_name_resume_and_adult_confirmation(missing, expected, project, ready_alice):
    profile = ready_alice.student_profile
    if missing == "name":
        ready_alice.last_name = ""
        ready_alice.save()
    elif missing == "resume":
        profile.resume = ""
        profile.save()
    else:
        profile.adult_attested_at = None
        profile.save()
    application = ApplicationFactory(project=project, student=ready_alice)
    with pytest.raises(TransitionError, match=expected) as refused:
        services.application_submit(application=application, by=ready_alice)
    assert refused.value.url == "/profile/"


def test_submission_needs_the_required_answers_and_an_open_project(project, ready_alice):
    application = ApplicationFactory(project=project, student=ready_alice, answers=False)
    services.application_save_answers(
        application=application, by=ready_alice, answers={project.questions.first().pk: "Only one"}
    )
    with pytest.raises(TransitionError, match="Tell us about a tool"):
        services.application_submit(application=application, by=ready_alice)
    project.questions.filter(position=1).update(required=False)
    Project.objects.filter(pk=project.pk).update(apply_by=timezone.localdate() - timedelta(days=1))
    with pytest.raises(TransitionError, match="no longer takes applications"):
        services.application_submit(application=application, by=ready_alice)
    Project.objects.filter(pk=project.pk).update(apply_by=timezone.localdate())
    services.application_submit(application=application, by=ready_alice)
    assert Application.objects.get(pk=application.pk).status == S.SUBMITTED


def test_answers_over_the_limit_are_refused_and_line_ends_count_once(project, ready_alice):
    application = ApplicationFactory(project=project, student=ready_alice, answers=False)
    question = project.questions.first()
    with pytest.raises(TransitionError, match="limit is 500"):
        services.application_save_answers(application=application, by=ready_alice, answers={question.pk: "x" * 501})
    assert not application.answers.exists()
    services.application_save_answers(
        application=application, by=ready_alice, answers={question.pk: ("x" * 99 + "\r\n") * 5}
    )
    assert len(application.answers.get().text) == 499


def test_one_application_per_student_and_project(project, ready_alice):
    first = services.application_start(student=ready_alice, project=project)
    assert services.application_start(student=ready_alice, project=project) == first
    with pytest.raises(IntegrityError):
        Application.objects.create(project=project, student=ready_alice)


def test_offers_never_exceed_openings_and_free_up_when_declined(project, carol):
    students = [make_ready(StudentFactory(), basis=B.CITIZEN) for _ in range(3)]
    first, second, third = (ApplicationFactory(project=project, student=s, status=S.SUBMITTED) for s in students)
    services.application_select(application=first, by=carol)
    with pytest.raises(TransitionError, match="opening"):
        services.application_select(application=second, by=carol)
    services.application_decline_offer(application=first, by=students[0])
    services.application_select(application=second, by=carol)
    assert Application.objects.filter(status=S.OFFERED).count() == 1
    assert Application.objects.get(pk=third.pk).status == S.SUBMITTED


def test_offers_lapse_once_and_free_the_opening(project, carol, ready_alice, ready_bob, settings):
    settings.OFFER_RESPONSE_DAYS = 3
    offered = ApplicationFactory(project=project, student=ready_alice, status=S.SUBMITTED)
    waiting = ApplicationFactory(project=project, student=ready_bob, status=S.SUBMITTED)
    services.application_select(application=offered, by=carol)
    assert services.offers_lapse_due() == 0
    later = timezone.now() + timedelta(days=3, minutes=1)
    assert services.offers_lapse_due(now=later) == 1
    assert services.offers_lapse_due(now=later) == 0
    assert Application.objects.get(pk=offered.pk).status == S.LAPSED
    assert kinds(recipient=ready_alice.email) == ["offer", "offer-lapsed-student"]
    assert kinds(recipient=carol.email) == ["offer-lapsed-supervisor"]
    services.application_select(application=waiting, by=carol)  # the opening is free again


def test_the_offer_reminder_goes_once_after_a_day(project, carol, ready_alice):
    application = ApplicationFactory(project=project, student=ready_alice, status=S.SUBMITTED)
    services.application_select(application=application, by=carol)
    assert services.offers_remind_due() == 0
    tomorrow = timezone.now() + timedelta(hours=24, minutes=1)
    assert services.offers_remind_due(now=tomorrow) == 1
    assert services.offers_remind_due(now=tomorrow + timedelta(hours=1)) == 0
    assert kinds(recipient=ready_alice.email) == ["offer", "offer-reminder"]
    reminder = OutboundEmail.objects.get(kind="offer-reminder")
    assert f"http://testserver/applications/{application.pk}/" in reminder.body_text


def test_filling_the_openings_closes_the_project_and_tells_everyone_else_once(
    project, carol, django_capture_on_commit_callbacks
):
    project.openings = 2
    project.save(update_fields=["openings"])
    students = [make_ready(StudentFactory(), basis=B.CITIZEN) for _ in range(5)]
    apps = [ApplicationFactory(project=project, student=s, status=S.SUBMITTED) for s in students]
    Application.objects.filter(pk=apps[3].pk).update(status=S.SHORTLISTED)
    draft = ApplicationFactory(project=project, student=StudentFactory(), status=S.DRAFT)
    for a in apps[:2]:
        services.application_select(application=a, by=carol)
    services.application_accept(application=apps[0], by=students[0])
    assert Project.objects.get(pk=project.pk).status == Project.Status.PUBLISHED
    with django_capture_on_commit_callbacks(execute=True):  # the fan-out job runs after commit
        services.application_accept(application=apps[1], by=students[1])
    project.refresh_from_db()
    assert project.status == Project.Status.CLOSED
    for a in apps[2:]:
        a.refresh_from_db()
        assert (a.status, a.reason) == (S.NOT_SELECTED, Application.Reason.FILLED)
    assert Application.objects.get(pk=draft.pk).status == S.DRAFT
    told = OutboundEmail.objects.filter(kind="not-selected")
    assert sorted(told.values_list("recipient", flat=True)) == sorted(s.email for s in students[2:])
    assert "filled" in told.first().body_text
    assert "http://testserver/projects/" in told.first().body_text
    # Nothing is left to tell, and the outbox would refuse a second email anyway.
    with pytest.raises(TransitionError):
        services.application_decline(application=apps[2], by=carol, reason="skills")
    assert told.count() == 3


def test_digest_goes_at_most_once_a_day_per_project_and_misses_nothing(project, carol, ready_alice, ready_bob):
    ApplicationFactory(project=project, student=ready_alice, status=S.SUBMITTED)
    ApplicationFactory(project=project, student=StudentFactory(), status=S.DRAFT)
    morning = timezone.now()
    assert services.applications_send_digests(now=morning) == 1
    ApplicationFactory(project=project, student=ready_bob, status=S.SUBMITTED)
    assert services.applications_send_digests(now=morning + timedelta(minutes=5)) == 0
    assert services.applications_send_digests(now=morning + timedelta(days=1)) == 1
    assert services.applications_send_digests(now=morning + timedelta(days=2)) == 0
    digests = OutboundEmail.objects.filter(kind="applications-digest", recipient=carol.email)
    assert digests.count() == 2
    assert all("1 new application" in d.subject for d in digests)
    assert f"/employer/projects/{project.slug}/applicants/" in digests.first().body_text


def test_the_offer_email_has_the_date_the_accept_link_and_payroll(project, carol, ready_alice):
    application = ApplicationFactory(project=project, student=ready_alice, status=S.SHORTLISTED)
    services.application_select(application=application, by=carol)
    offer = OutboundEmail.objects.get(kind="offer")
    assert offer.subject.startswith("Congratulations")
    assert f"http://testserver/applications/{application.pk}/" in offer.body_text
    assert "http://testserver/payroll/" in offer.body_text
    assert "kick-off" in offer.body_text
    assert f"/applications/{application.pk}/" in offer.body_html


def test_cancelling_the_project_tells_everyone_waiting_once(
    project, ready_alice, ready_bob, carol, alice, django_capture_on_commit_callbacks
):
    from opportunities.services import project_cancel

    waiting = ApplicationFactory(project=project, student=ready_alice, status=S.SHORTLISTED)
    offered = ApplicationFactory(project=project, student=ready_bob, status=S.OFFERED)
    draft = ApplicationFactory(project=project, student=StudentFactory(), status=S.DRAFT)

    with django_capture_on_commit_callbacks(execute=True):  # the fan-out job runs after commit
        project_cancel(project=project, by=carol)

    for application in (waiting, offered):
        application.refresh_from_db()
        assert application.status == S.NOT_SELECTED
        assert application.reason == Application.Reason.CANCELLED
        assert kinds(recipient=application.student.email) == ["not-selected"]
    draft.refresh_from_db()
    assert draft.status == S.DRAFT
    assert "cancelled the project" in OutboundEmail.objects.get(recipient=alice.email).body_text

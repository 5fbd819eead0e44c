"""Every transition from every state: the allowed ones move and leave a trail and their emails;
the others are refused with a message and change nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from applications import services
from applications.models import Application, ApplicationEvent
from portal.models import OutboundEmail
from portal.transitions import TransitionError
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

S = Application.Status


def _submit(a, student, employer):
    return services.application_submit(application=a, by=student)


def _withdraw(a, student, employer):
    return services.application_withdraw(application=a, by=student)


def _shortlist(a, student, employer):
    return services.application_shortlist(application=a, by=employer)


def _select(a, student, employer):
    return services.application_select(application=a, by=employer)


def _decline(a, student, employer):
    return services.application_decline(application=a, by=employer, reason="skills", message="Thanks!")


def _accept(a, student, employer):
    return services.application_accept(application=a, by=student)


def _decline_offer(a, student, employer):
    return services.application_decline_offer(application=a, by=student)


def _lapse(a, student, employer):
    Application.objects.filter(pk=a.pk).update(offer_expires_at=timezone.now() - timedelta(minutes=1))
    return services.application_lapse(application=a)


# action: (allowed start states, end state, emails as (kind, who))
ACTIONS = {
    "submit": (_submit, {S.DRAFT}, S.SUBMITTED, [("application-received", "student")]),
    "withdraw": (_withdraw, {S.SUBMITTED, S.SHORTLISTED}, S.WITHDRAWN, [("application-withdrawn", "contact")]),
    "shortlist": (_shortlist, {S.SUBMITTED}, S.SHORTLISTED, []),
    "select": (_select, {S.SUBMITTED, S.SHORTLISTED}, S.OFFERED, [("offer", "student")]),
    "decline": (_decline, {S.SUBMITTED, S.SHORTLISTED}, S.NOT_SELECTED, [("not-selected", "student")]),
    "accept": (_accept, {S.OFFERED}, S.ACCEPTED, [("offer-accepted", "contact")]),
    "decline_offer": (_decline_offer, {S.OFFERED}, S.DECLINED, [("offer-declined", "contact")]),
    "lapse": (
        _lapse,
        {S.OFFERED},
        S.LAPSED,
        [("offer-lapsed-student", "student"), ("offer-lapsed-supervisor", "contact")],
    ),
}


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_transition_from_every_state(action, state, project, ready_alice, carol):
    # Two openings, so that accepting one offer does not fill the project.
    project.openings = 2
    project.save(update_fields=["openings"])
    run, allowed, to, emails = ACTIONS[action]
    application = ApplicationFactory(project=project, student=ready_alice, status=state)
    people = {"student": ready_alice.email, "contact": carol.email}
    if state in allowed:
        run(application, ready_alice, carol)
        application.refresh_from_db()
        assert application.status == to
        event = ApplicationEvent.objects.get(application=application)
        assert (event.from_status, event.to_status) == (state, to)
        sent = set(OutboundEmail.objects.values_list("kind", "recipient"))
        assert sent == {(kind, people[who]) for kind, who in emails}
    else:
        with pytest.raises(TransitionError) as refused:
            run(application, ready_alice, carol)
        assert "Nothing was changed" in str(refused.value)
        application.refresh_from_db()
        assert application.status == state
        assert not ApplicationEvent.objects.exists()
        assert not OutboundEmail.objects.exists()


@pytest.mark.parametrize("action", ["withdraw", "accept", "decline_offer", "submit"])
def test_only_the_student_acts_on_their_own_application(action, project, ready_alice, ready_bob, carol):
    run, allowed, _, _ = ACTIONS[action]
    application = ApplicationFactory(project=project, student=ready_alice, status=next(iter(allowed)))
    with pytest.raises(TransitionError, match="Only the student"):
        run(application, ready_bob, carol)
    for employer_action in (services.application_accept, services.application_withdraw):
        with pytest.raises(TransitionError):
            employer_action(application=application, by=carol)
    assert Application.objects.get(pk=application.pk).status == application.status


@pytest.mark.parametrize("action", ["shortlist", "select", "decline"])
def test_only_members_of_the_organization_decide(action, project, ready_alice, dave):
    run, _, _, _ = ACTIONS[action]
    application = ApplicationFactory(project=project, student=ready_alice, status=S.SUBMITTED)
    with pytest.raises(TransitionError, match="Only members"):
        run(application, ready_alice, dave)
    with pytest.raises(TransitionError, match="Only members"):
        run(application, ready_alice, ready_alice)
    assert Application.objects.get(pk=application.pk).status == S.SUBMITTED


def test_decline_needs_a_reason_from_the_list(project, ready_alice, carol):
    application = ApplicationFactory(project=project, student=ready_alice, status=S.SUBMITTED)
    for reason in ("", "filled", "rude"):
        with pytest.raises(TransitionError, match="reason"):
            services.application_decline(application=application, by=carol, reason=reason)
    assert Application.objects.get(pk=application.pk).status == S.SUBMITTED


def test_an_expired_offer_cannot_be_accepted(project, ready_alice):
    application = ApplicationFactory(
        project=project, student=ready_alice, status=S.OFFERED, offer_expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(TransitionError, match="lapsed"):
        services.application_accept(application=application, by=ready_alice)
    assert Application.objects.get(pk=application.pk).status == S.OFFERED


def test_an_offer_not_yet_expired_does_not_lapse(project, ready_alice):
    application = ApplicationFactory(project=project, student=ready_alice, status=S.OFFERED)
    with pytest.raises(TransitionError, match="not expired"):
        services.application_lapse(application=application)
    assert services.offers_lapse_due() == 0

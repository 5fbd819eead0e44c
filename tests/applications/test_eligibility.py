"""The gate, row by row of DESIGN.md's table, with the edges of the authorization dates."""

from datetime import date

import pytest

from applications.eligibility import Reason, eligibility_for
from payroll.selectors import ItinStatus
from portal.models import WorkEligibility
from tests.factories import WorkEligibilityFactory

pytestmark = pytest.mark.django_db

Basis = WorkEligibility.Basis
Status = WorkEligibility.Status
TODAY = date(2026, 3, 1)
AUTH_FROM = date(2026, 5, 1)
AUTH_UNTIL = date(2026, 8, 31)


def declare(student, basis, status, starts_on=None, ends_on=None):
    return WorkEligibilityFactory(student=student, basis=basis, status=status, starts_on=starts_on, ends_on=ends_on)


def test_no_declaration_blocks_with_a_link_to_declare(alice):
    decision = eligibility_for(alice, date(2026, 5, 1), date(2026, 5, 20), today=TODAY)
    assert not decision.eligible
    assert decision.reason == Reason.NOT_DECLARED
    assert decision.url == "/eligibility/"
    assert decision.message and decision.next_step


@pytest.mark.parametrize(
    ("basis", "reason"), [(Basis.CITIZEN, Reason.CITIZEN), (Basis.PERMANENT_RESIDENT, Reason.PERMANENT_RESIDENT)]
)
def test_citizens_and_permanent_residents_may_apply_on_attestation(alice, basis, reason):
    declare(alice, basis, Status.ATTESTED)
    decision = eligibility_for(alice, date(2030, 1, 1), date(2030, 1, 20), today=TODAY)
    assert decision.eligible and decision.reason == reason


STUDENT_VISAS = [Basis.F1_CPT, Basis.F1_OPT, Basis.J1_ACADEMIC_TRAINING]


@pytest.mark.parametrize("basis", STUDENT_VISAS)
@pytest.mark.parametrize(
    ("starts_on", "ends_on", "eligible", "reason"),
    [
        (AUTH_FROM, AUTH_UNTIL, True, Reason.VERIFIED),  # exactly the authorization
        (date(2026, 6, 1), date(2026, 6, 20), True, Reason.VERIFIED),  # inside
        (date(2026, 4, 30), date(2026, 5, 20), False, Reason.STARTS_BEFORE_AUTHORIZATION),  # one day early
        (date(2026, 8, 20), date(2026, 9, 1), False, Reason.ENDS_AFTER_AUTHORIZATION),  # one day late
        (date(2026, 3, 1), date(2026, 12, 1), False, Reason.STARTS_BEFORE_AUTHORIZATION),  # around it
    ],
)
def test_verified_student_visa_covers_projects_inside_its_dates(alice, basis, starts_on, ends_on, eligible, reason):
    declare(alice, basis, Status.VERIFIED, AUTH_FROM, AUTH_UNTIL)
    decision = eligibility_for(alice, starts_on, ends_on, today=TODAY)
    assert (decision.eligible, decision.reason) == (eligible, reason)


@pytest.mark.parametrize(
    ("ends_on", "eligible", "reason"),
    [
        (AUTH_UNTIL, True, Reason.VERIFIED),
        (date(2026, 9, 1), False, Reason.ENDS_AFTER_AUTHORIZATION),
    ],
)
def test_verified_ead_covers_projects_due_by_its_expiry(alice, ends_on, eligible, reason):
    declare(alice, Basis.EAD, Status.VERIFIED, None, AUTH_UNTIL)
    # An EAD has no start: a project starting today is fine.
    decision = eligibility_for(alice, TODAY, ends_on, today=TODAY)
    assert (decision.eligible, decision.reason) == (eligible, reason)


@pytest.mark.parametrize("basis", [*STUDENT_VISAS, Basis.EAD])
@pytest.mark.parametrize(
    ("status", "reason"),
    [(Status.PENDING, Reason.PENDING_REVIEW), (Status.REJECTED, Reason.REJECTED), (Status.EXPIRED, Reason.EXPIRED)],
)
def test_document_bases_block_until_verified(alice, basis, status, reason):
    declare(alice, basis, status, AUTH_FROM, AUTH_UNTIL)
    decision = eligibility_for(alice, date(2026, 6, 1), date(2026, 6, 20), today=TODAY)
    assert not decision.eligible
    assert decision.reason == reason
    assert decision.url


def test_pending_f1_is_told_it_cannot_apply_until_confirmed(alice):
    declare(alice, Basis.F1_OPT, Status.PENDING, AUTH_FROM, AUTH_UNTIL)
    message = eligibility_for(alice, today=TODAY).message
    assert "cannot apply until the career center confirms" in message
    assert "International Student Services" in message


def test_rejection_reason_is_in_the_message(alice):
    record = declare(alice, Basis.F1_CPT, Status.REJECTED, AUTH_FROM, AUTH_UNTIL)
    record.reason = "The I-20 page with the CPT dates is missing."
    record.save()
    assert "The I-20 page with the CPT dates is missing." in eligibility_for(alice, today=TODAY).message


@pytest.mark.parametrize(
    ("today", "eligible", "reason"),
    [(AUTH_UNTIL, True, Reason.VERIFIED), (date(2026, 9, 1), False, Reason.EXPIRED)],
)
def test_verified_authorization_past_its_end_is_expired_even_before_the_job_runs(alice, today, eligible, reason):
    declare(alice, Basis.F1_OPT, Status.VERIFIED, AUTH_FROM, AUTH_UNTIL)
    decision = eligibility_for(alice, today=today)
    assert (decision.eligible, decision.reason) == (eligible, reason)


@pytest.mark.parametrize(
    ("itin", "eligible", "reason"),
    [
        (ItinStatus.VALID, True, Reason.ITIN_VALID),
        (ItinStatus.EXPIRING, True, Reason.ITIN_EXPIRING),
        (ItinStatus.EXPIRED, False, Reason.ITIN_EXPIRED),
        (ItinStatus.NONE, False, Reason.ITIN_MISSING),
    ],
)
def test_itin_route_asks_payroll(alice, monkeypatch, itin, eligible, reason):
    asked = []

    def fake_itin_status(student):
        asked.append(student)
        return itin

    monkeypatch.setattr("applications.eligibility.itin_status", fake_itin_status)
    declare(alice, Basis.ITIN, Status.ATTESTED)
    decision = eligibility_for(alice, date(2026, 6, 1), date(2026, 6, 20), today=TODAY)
    assert (decision.eligible, decision.reason) == (eligible, reason)
    assert asked == [alice]
    assert decision.message


def test_itin_route_without_a_payroll_record_says_what_is_missing(alice):
    # The real payroll selector: no contractor record yet.
    declare(alice, Basis.ITIN, Status.ATTESTED)
    decision = eligibility_for(alice, today=TODAY)
    assert decision.reason == Reason.ITIN_MISSING
    assert "no" in decision.message.lower() and "payroll record" in decision.message
    assert decision.url == "/payroll/"


def test_no_authorization_points_to_iss_and_the_itin_guide(alice, settings):
    settings.INTERNATIONAL_STUDENT_SERVICES_URL = "https://iss.example.edu/"
    declare(alice, Basis.NONE, Status.ATTESTED)
    decision = eligibility_for(alice, date(2026, 6, 1), date(2026, 6, 20), today=TODAY)
    assert not decision.eligible and decision.reason == Reason.NOT_AUTHORIZED
    assert decision.url == "https://iss.example.edu/"
    assert "ITIN" in decision.message


def test_only_the_current_declaration_counts(alice):
    old = declare(alice, Basis.CITIZEN, Status.ATTESTED)
    old.is_current = False
    old.save()
    declare(alice, Basis.F1_OPT, Status.PENDING, AUTH_FROM, AUTH_UNTIL)
    assert eligibility_for(alice, today=TODAY).reason == Reason.PENDING_REVIEW


def test_one_students_record_never_decides_for_another(alice, bob):
    declare(alice, Basis.CITIZEN, Status.ATTESTED)
    assert eligibility_for(bob, today=TODAY).reason == Reason.NOT_DECLARED

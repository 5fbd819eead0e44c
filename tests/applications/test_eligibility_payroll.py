"""The gate and privacy across apps: payroll's real ITIN answer, and deletion keeping tax records."""

from datetime import date

import pytest
from django.urls import reverse

from applications.eligibility import Reason, eligibility_for
from payroll.models import ContractorRecord
from portal.models import WorkEligibility
from tests.factories import WorkEligibilityFactory
from tests.payroll.conftest import ITIN, save_record

pytestmark = pytest.mark.django_db


def declare_itin(student):
    return WorkEligibilityFactory(
        student=student, basis=WorkEligibility.Basis.ITIN, status=WorkEligibility.Status.ATTESTED
    )


def test_itin_route_without_payroll_record_points_to_payroll_sign_up(alice):
    declare_itin(alice)
    decision = eligibility_for(alice, date(2026, 12, 1), date(2026, 12, 20))
    assert not decision.eligible
    assert decision.reason == Reason.ITIN_MISSING
    assert decision.url == reverse("payroll:home")


def test_itin_route_with_a_valid_itin_on_payroll_is_eligible(alice):
    declare_itin(alice)
    this_year = date.today().year
    save_record(alice, tin_type="itin", taxpayer_id=ITIN, itin_issued_year=str(this_year - 1), itin_last_used_year="")
    decision = eligibility_for(alice, date(2026, 12, 1), date(2026, 12, 20))
    assert decision.eligible
    assert decision.reason in (Reason.ITIN_VALID, Reason.ITIN_EXPIRING)


def test_deleting_the_account_keeps_the_payroll_record_detached(client, alice, password):
    save_record(alice)
    client.force_login(alice)
    response = client.post(reverse("portal:account-delete"), {"password": password})
    assert response.status_code == 302
    record = ContractorRecord.objects.get()
    assert record.student_id is None
    assert record.tin_last4 == "6543"
    assert record.account_last4 == ""

import io

import pytest
from django.core.management import call_command

from payroll.forms import PayrollForm
from payroll.models import ContractorRecord
from payroll.selectors import itin_status
from payroll.validators import normalize_tin, validate_routing_number, validate_ssn
from portal.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_the_demo_student_a_complete_record_once(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    records = ContractorRecord.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    student = User.objects.get(email="student@demo.test")
    record = ContractorRecord.objects.get(student=student)
    assert ContractorRecord.objects.count() == records  # the outcomes cohort's records, once too
    assert ContractorRecord.objects.filter(student=student).count() == 1
    # The payout demo signs up a few more students, each with numbers that pass the rules.
    for other in ContractorRecord.objects.exclude(student=student):
        validate_ssn(normalize_tin(other.tin))
        if other.routing_number:
            validate_routing_number(other.routing_number)
    assert record.is_complete and record.state_on() == ContractorRecord.State.COMPLETE
    assert itin_status(student) == "none"
    # The fake numbers pass the same rules as a student's.
    validate_ssn(normalize_tin(record.tin))
    validate_routing_number(record.routing_number)
    form = PayrollForm(
        {
            "legal_first_name": record.legal_first_name,
            "legal_last_name": record.legal_last_name,
            "address_line1": record.address_line1,
            "city": record.city,
            "state": record.state,
            "zip_code": record.zip_code,
            "tin_type": record.tin_type,
            "taxpayer_id": record.tin,
            "payment_method": record.payment_method,
            "routing_number": record.routing_number,
            "account_number": record.account_number,
            "account_type": record.account_type,
            "certify_tin": "on",
            "certify_backup": "on",
            "certify_us_person": "on",
            "certify_contractor": "on",
            "certified_name": record.certified_name,
        },
        user=student,
    )
    assert form.is_valid(), form.errors

"""Payroll test helpers: a complete form submission and a saved record, with fake numbers."""

import pytest

from payroll.services import contractor_save

# Fake numbers that pass every rule; each is distinctive so a leak is easy to find.
SSN = "219-87-6543"
SSN_DIGITS = "219876543"
ITIN = "912-78-3456"
ITIN_DIGITS = "912783456"
ROUTING = "021000021"
ACCOUNT = "98765432109"


def form_data(student, **overrides):
    data = {
        "legal_first_name": student.first_name,
        "legal_last_name": student.last_name,
        "address_line1": "12 Elm Street",
        "address_line2": "",
        "city": "Springfield",
        "state": "IL",
        "zip_code": "62704",
        "tin_type": "ssn",
        "taxpayer_id": SSN,
        "itin_issued_year": "",
        "itin_last_used_year": "",
        "payment_method": "direct_deposit",
        "routing_number": ROUTING,
        "account_number": ACCOUNT,
        "account_type": "checking",
        "certify_tin": "on",
        "certify_backup": "on",
        "certify_us_person": "on",
        "certify_contractor": "on",
        "certified_name": f"{student.first_name} {student.last_name}",
    }
    data.update(overrides)
    return data


def save_record(student, **overrides):
    """A record saved through the form and service, as the student would."""
    from payroll.forms import PayrollForm
    from payroll.selectors import contractor_record_for

    form = PayrollForm(form_data(student, **overrides), user=student, record=contractor_record_for(student))
    assert form.is_valid(), form.errors
    return contractor_save(student=student, data=form.cleaned_data, by=student, ip="192.0.2.10")


@pytest.fixture
def alice_record(alice):
    return save_record(alice)


def submitted_work(student, *, fee="300.00", project=None):
    """An engagement whose work ``student`` has submitted, waiting for the supervisor."""
    from decimal import Decimal

    from applications.models import Engagement, Submission
    from tests.factories import ApplicationFactory, ProjectFactory

    project = project or ProjectFactory(fee=Decimal(fee))
    application = ApplicationFactory(project=project, student=student, status="accepted", answers=False)
    engagement = Engagement.objects.create(
        application=application, project=project, status=Engagement.Status.WORK_SUBMITTED
    )
    Submission.objects.create(engagement=engagement, url="https://drive.example.com/work")
    return engagement


def verified_payout(student, *, by=None, **kwargs):
    """Work verified by the project's contact: the engagement's one payout."""
    from applications.engagements.services import work_verify

    engagement = submitted_work(student, **kwargs)
    work_verify(engagement=engagement, by=by or engagement.project.contact)
    return engagement.payout

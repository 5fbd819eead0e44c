import pytest
from django.utils import timezone

from tests.factories import ProjectFactory, StudentProfileFactory, WorkEligibilityFactory, pdf_upload


def make_ready(student, **eligibility):
    """A student who may submit: name, résumé, 18+ and (unless told otherwise) a citizen's attestation."""
    profile = StudentProfileFactory(user=student, adult_attested_at=timezone.now())
    profile.resume.save("resume.pdf", pdf_upload(), save=True)
    if eligibility is not None:
        WorkEligibilityFactory(student=student, **eligibility)
    return student


@pytest.fixture
def project(carol):
    """Carol's organization's project with two questions (500 characters each), Carol the contact."""
    return ProjectFactory(
        organization=carol.membership.organization,
        contact=carol,
        questions=["Why does this project interest you?", "Tell us about a tool you learned quickly."],
    )


@pytest.fixture
def ready_alice(alice):
    return make_ready(alice)


@pytest.fixture
def ready_bob(bob):
    return make_ready(bob)

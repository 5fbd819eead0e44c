"""Records whose state a service owns show their history in the admin, and never revert it."""

import pytest
from django.test import Client
from django.urls import reverse

from portal.models import Organization, WorkEligibility
from portal.organizations.services import organization_suspend
from portal.services import eligibility_approve, eligibility_declare
from tests.factories import OrganizationFactory, UserFactory, pdf_upload
from tests.signin import admin_login

pytestmark = pytest.mark.django_db

Basis = WorkEligibility.Basis


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@career.example.edu", is_staff=True, is_superuser=True)


@pytest.fixture(params=["sid", "superuser"])
def admin_client(request):
    client = Client(raise_request_exception=False)
    admin_login(client, request.getfixturevalue(request.param))
    return client


def version_url(record, version):
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[record.pk, version.history_id])


def assert_revert_refused(client, record, version, post_data):
    page = client.get(version_url(record, version))
    assert page.status_code == 200
    assert "Revert" not in page.content.decode()
    response = client.post(version_url(record, version), {**post_data, "_change_history": "1"})
    assert response.status_code == 403


def test_a_verified_eligibility_record_is_not_reverted_to_pending(admin_client, alice, sid):
    record = eligibility_declare(student=alice, basis=Basis.F1_CPT, document=pdf_upload("i20.pdf"))
    eligibility_approve(record=record, by=sid)
    pending = record.history.earliest("history_date")
    assert pending.status == WorkEligibility.Status.PENDING

    assert_revert_refused(admin_client, record, pending, {"status": "pending"})
    record.refresh_from_db()
    assert record.status == WorkEligibility.Status.VERIFIED and record.reviewed_by == sid


def test_a_superseded_eligibility_record_is_not_made_current_again(admin_client, alice):
    old = eligibility_declare(student=alice, basis=Basis.F1_CPT, document=pdf_upload("i20.pdf"))
    new = eligibility_declare(student=alice, basis=Basis.CITIZEN)
    current_version = old.history.get()  # written while it was the current record
    assert current_version.is_current

    assert_revert_refused(admin_client, old, current_version, {"is_current": "on"})
    assert list(WorkEligibility.objects.filter(student=alice, is_current=True)) == [new]


def test_a_suspended_organization_is_not_reverted_to_verified(admin_client, sid):
    organization = OrganizationFactory(name="Acme")
    organization_suspend(organization=organization, by=sid, reason="Unpaid students")
    verified = organization.history.earliest("history_date")
    assert verified.status == Organization.Status.VERIFIED

    assert_revert_refused(
        admin_client,
        organization,
        verified,
        {"name": "Acme renamed", "website": organization.website, "size": organization.size, "state": "MA"},
    )
    organization.refresh_from_db()
    assert (organization.name, organization.status) == ("Acme", Organization.Status.SUSPENDED)
    assert organization.status_reason == "Unpaid students"

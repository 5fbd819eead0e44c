"""Employers delete their accounts; their organization keeps its projects and history."""

import pytest

from opportunities.models import Project, ProjectEvent
from opportunities.services import project_cancel, project_close
from portal.models import Membership
from tests.factories import ApplicationFactory, EmployerFactory, ProjectFactory, StudentFactory

pytestmark = pytest.mark.django_db

DELETE = "/profile/delete/"


@pytest.fixture
def organization(carol):
    return carol.membership.organization


def test_a_member_deletes_their_account_and_the_projects_stay(client, carol, organization, password):
    erin = EmployerFactory(email="erin@acme.example", organization=organization)
    project = ProjectFactory(organization=organization, contact=erin)
    application = ApplicationFactory(project=project, student=StudentFactory(), status="submitted")
    client.force_login(erin)
    page = client.get(DELETE).content.decode()
    assert "Your organization keeps its projects" in page
    response = client.post(DELETE, {"password": password})
    assert response.status_code == 302
    erin.refresh_from_db()
    assert not erin.is_active and erin.email.endswith("@deleted.invalid")
    assert not Membership.objects.filter(user=erin).exists()
    project.refresh_from_db()
    assert project.status == Project.Status.PUBLISHED
    assert project.contact == carol  # the owner who stays
    application.refresh_from_db()
    assert application.status == "submitted"
    # Carol still reviews it.
    client.force_login(carol)
    assert client.get(f"/employer/projects/{project.slug}/applicants/").status_code == 200


def test_the_only_owner_hands_over_first(client, carol, organization, password):
    erin = EmployerFactory(email="erin@acme.example", organization=organization)
    client.force_login(carol)
    page = client.get(DELETE)
    assert "You are the only owner of" in page.content.decode()
    assert "Make another member an owner" in page.content.decode()
    response = client.post(DELETE, {"password": password})
    assert response.status_code == 409
    carol.refresh_from_db()
    assert carol.is_active and Membership.objects.filter(user=carol).exists()

    # The organization page hands it over.
    erins = Membership.objects.get(user=erin)
    response = client.post(f"/organization/members/{erins.pk}/owner/", follow=True)
    assert "is now an owner" in response.content.decode()
    assert Membership.objects.get(user=erin).role == Membership.Role.OWNER
    assert client.post(DELETE, {"password": password}).status_code == 302
    assert not Membership.objects.filter(user=carol).exists()
    assert list(organization.memberships.values_list("user__email", flat=True)) == [erin.email]


def test_only_owners_hand_over(client, carol, organization, dave):
    erin = EmployerFactory(email="erin@acme.example", organization=organization)
    frank = EmployerFactory(email="frank@acme.example", organization=organization)
    frank_membership = Membership.objects.get(user=frank)
    client.force_login(erin)
    assert client.post(f"/organization/members/{frank_membership.pk}/owner/").status_code == 404
    # Another organization's owner cannot reach this membership.
    client.force_login(dave)
    assert client.post(f"/organization/members/{frank_membership.pk}/owner/").status_code == 404
    assert Membership.objects.get(user=frank).role == Membership.Role.MEMBER


def test_the_last_member_closes_the_organization_first(client, carol, organization, password):
    open_project = ProjectFactory(organization=organization, contact=carol)
    draft = ProjectFactory(organization=organization, contact=carol, status=Project.Status.DRAFT)
    client.force_login(carol)
    page = client.get(DELETE).content.decode()
    assert "You are the last member of" in page and "2 projects still in progress" in page
    assert client.post(DELETE, {"password": password}).status_code == 409

    project_close(project=open_project, by=carol)
    project_cancel(project=draft, by=carol)
    assert client.post(DELETE, {"password": password}).status_code == 302
    organization.refresh_from_db()
    assert not organization.memberships.exists()
    # The history stays.
    assert Project.objects.filter(organization=organization).count() == 2
    assert ProjectEvent.objects.filter(project=open_project).exists()


def test_staff_delete_no_account_here(client, sid):
    client.force_login(sid)
    assert client.get(DELETE).status_code == 404


def test_account_pages_link_to_deletion(client, carol):
    client.force_login(carol)
    assert 'href="/profile/delete/"' in client.get("/accounts/email/").content.decode()
    assert 'href="/profile/delete/"' in client.get("/organization/").content.decode()

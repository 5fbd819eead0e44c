import re

import pytest
from django.core import mail
from django.urls import reverse

from portal.models import Invitation, Membership, Organization
from portal.organizations.services import organization_suspend, organization_verify
from portal.transitions import TransitionError
from tests.factories import EmployerFactory, OrganizationFactory, ProjectFactory
from tests.signin import admin_login

pytestmark = pytest.mark.django_db

ORG = {"name": "Initech", "website": "initech.example.com", "size": "small", "industry": "Software", "state": "TX"}


@pytest.fixture
def erin(db):
    """An employer with no organization yet."""
    return EmployerFactory(email="erin@initech.example", organization=False)


def test_employer_creates_an_organization_that_waits_for_verification(client, erin):
    client.force_login(erin)
    assert client.get("/organization/").url == "/organization/new/"
    response = client.post("/organization/new/", ORG)
    assert response.status_code == 302
    organization = Organization.objects.get(name="Initech")
    assert organization.status == Organization.Status.PENDING
    assert organization.website == "https://initech.example.com"
    assert Membership.objects.get(user=erin).role == Membership.Role.OWNER
    assert "verifying Initech" in client.get("/organization/").content.decode()


def test_organization_form_explains_errors_and_keeps_input(client, erin):
    client.force_login(erin)
    response = client.post("/organization/new/", {**ORG, "website": "not a url", "size": "huge", "state": "ZZ"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid URL." in html
    assert "Select a valid choice. huge is not one of the available choices." in html
    assert 'value="Initech"' in html
    assert not Organization.objects.exists()


def test_students_and_members_cannot_create_organizations(client, alice, carol):
    client.force_login(alice)
    assert client.get("/organization/new/").status_code == 404
    assert client.get("/organization/").status_code == 404
    client.force_login(carol)  # already in one
    assert client.get("/organization/new/").url == "/organization/"


def test_owner_invites_a_colleague_who_joins_by_the_emailed_link(
    client, carol, django_capture_on_commit_callbacks, erin
):
    client.force_login(carol)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/organization/invite/", {"email": "Erin@initech.example"})
    assert response.status_code == 302
    (email,) = mail.outbox
    assert email.to == ["erin@initech.example"]
    link = re.search(r"http://testserver(/organization/join/[^/\s]+/)", email.body).group(1)

    client.force_login(erin)
    assert "Join Organization" in client.get(link).content.decode()
    assert client.post(link).url == "/organization/"
    assert Membership.objects.get(user=erin).organization == carol.membership.organization
    assert Membership.objects.get(user=erin).role == Membership.Role.MEMBER
    # A link works once.
    response = client.post(link)
    assert response.status_code == 400
    assert "has been used or has expired" in response.content.decode()


def test_invitation_is_only_for_its_address(client, carol, dave):
    invitation = Invitation.objects.create(
        organization=carol.membership.organization, email="someone@else.example", token="t" * 20, invited_by=carol
    )
    newcomer = EmployerFactory(email="other@else.example", organization=False)
    client.force_login(newcomer)
    response = client.post(f"/organization/join/{invitation.token}/")
    assert "sent to another email address" in response.content.decode()
    assert not Membership.objects.filter(user=newcomer).exists()
    assert client.get("/organization/join/no-such-token/").status_code == 404
    # A NUL byte in the link made PostgreSQL refuse the lookup (a 500): tokens are URL-safe only.
    assert client.get("/organization/join/%00/").status_code == 404


def test_only_owners_invite(client, carol):
    member = EmployerFactory(organization=carol.membership.organization)
    client.force_login(member)
    assert client.post("/organization/invite/", {"email": "x@y.example"}).status_code == 404
    assert not Invitation.objects.exists()


def test_invite_form_explains_a_bad_address(client, carol, dave):
    client.force_login(carol)
    response = client.post("/organization/invite/", {"email": "not-an-email"})
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert not Invitation.objects.exists()
    member = EmployerFactory(organization=carol.membership.organization)
    response = client.post("/organization/invite/", {"email": member.email})
    assert "already a member of your organization" in response.content.decode()
    assert not Invitation.objects.exists()


def test_invitations_answer_the_same_whoever_the_address_belongs_to(client, carol, dave):
    """An owner cannot learn whether an address belongs to another organization."""
    client.force_login(carol)
    answers = []
    for email in (dave.email, "nobody-yet@globex.example"):
        response = client.post("/organization/invite/", {"email": email}, follow=True)
        said = [str(message).replace(email, "EMAIL") for message in response.context["messages"]]
        answers.append((response.redirect_chain, response.status_code, said))
    assert answers[0] == answers[1] == ([("/organization/", 302)], 200, ["Invitation sent to EMAIL."])
    assert set(Invitation.objects.values_list("email", flat=True)) == {dave.email, "nobody-yet@globex.example"}
    # Dave learns why he cannot join; only he sees it.
    client.force_login(dave)
    invitation = Invitation.objects.get(email=dave.email)
    response = client.post(f"/organization/join/{invitation.token}/")
    assert "You already belong to an organization." in response.content.decode()
    assert not Membership.objects.filter(user=dave, organization=carol.membership.organization).exists()


def test_staff_verify_and_suspend_with_history(client, sid):
    organization = OrganizationFactory(status=Organization.Status.PENDING)
    admin_login(client, sid)
    changelist = reverse("admin:portal_organization_changelist")
    response = client.post(changelist, {"action": "verify", "_selected_action": [organization.pk]})
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.status == Organization.Status.VERIFIED
    assert organization.status_changed_by == sid

    # Suspending asks for a reason first.
    response = client.post(changelist, {"action": "suspend", "_selected_action": [organization.pk]})
    assert response.status_code == 200
    assert "Reason" in response.content.decode()
    organization.refresh_from_db()
    assert organization.status == Organization.Status.VERIFIED
    response = client.post(
        changelist,
        {"action": "suspend", "_selected_action": [organization.pk], "reason_given": "1", "reason": "Fake website"},
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.status == Organization.Status.SUSPENDED
    assert organization.status_reason == "Fake website"
    history = list(organization.history.order_by("history_date").values_list("status", "history_user"))
    assert history[-2:] == [("verified", sid.pk), ("suspended", sid.pk)]


def test_suspension_needs_a_reason_and_a_state_that_allows_it(sid):
    organization = OrganizationFactory()
    with pytest.raises(TransitionError):
        organization_suspend(organization=organization, by=sid, reason="  ")
    with pytest.raises(TransitionError):
        organization_verify(organization=organization, by=sid)  # already verified


def test_suspended_organizations_projects_leave_the_listings(client, sid):
    project = ProjectFactory(title="Visible then gone")
    assert "Visible then gone" in client.get("/projects/").content.decode()
    organization_suspend(organization=project.organization, by=sid, reason="Complaints")
    assert "Visible then gone" not in client.get("/projects/").content.decode()
    assert client.get(f"/projects/{project.slug}/").status_code == 404


def test_members_hear_when_staff_verify_or_suspend_their_organization(sid, carol, django_capture_on_commit_callbacks):
    organization = carol.membership.organization
    colleague = EmployerFactory(organization=organization, first_name="Dana")
    Organization.objects.filter(pk=organization.pk).update(status=Organization.Status.PENDING)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        organization_verify(organization=organization, by=sid)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([carol.email, colleague.email])
    assert {m.subject for m in mail.outbox} == {f"{organization.name} is verified"}
    assert any(m.body.startswith("Hello Dana,") for m in mail.outbox)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        organization_suspend(organization=organization, by=sid, reason="The website is not theirs")
    assert {m.subject for m in mail.outbox} == {f"{organization.name} is suspended"}
    assert all("The website is not theirs" in m.body for m in mail.outbox)
    assert len(mail.outbox) == 2


def organization_post(organization, **extra):
    data = {
        "name": organization.name,
        "website": organization.website,
        "size": organization.size,
        "industry": organization.industry,
        "state": organization.state,
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("who", ["staff", "superuser"])
def test_nobody_joins_an_organization_through_the_admin(client, sid, carol, alice, who):
    from portal.models import User

    user = sid if who == "staff" else User.objects.create_superuser("root@career.example.edu", "a-long-root-pw")
    organization = carol.membership.organization
    admin_login(client, user)
    url = reverse("admin:portal_organization_change", args=[organization.pk])
    page = client.get(url).content.decode()
    assert carol.email in page  # members are listed, to read
    assert 'name="memberships-MAX_NUM_FORMS" value="0"' in page  # no form to add one
    client.post(url, organization_post(organization, **{"memberships-0-user": alice.pk, "memberships-0-role": "owner"}))
    assert not Membership.objects.filter(user=alice).exists()
    assert Membership.objects.get(user=carol).role == Membership.Role.OWNER


def test_career_center_group_loses_membership_changes_on_migrate(sid):
    from django.contrib.auth.models import Permission

    from portal.permissions import grant_career_center_permissions

    group = sid.groups.get()
    group.permissions.add(*Permission.objects.filter(codename__in=["add_membership", "change_membership"]))
    grant_career_center_permissions()
    assert not sid.__class__.objects.get(pk=sid.pk).has_perm("portal.add_membership")
    assert not sid.__class__.objects.get(pk=sid.pk).has_perm("portal.change_membership")
    assert sid.__class__.objects.get(pk=sid.pk).has_perm("portal.view_membership")

"""Each role's dashboard says what needs that person now, each item a link, in a fixed number
of queries however much there is."""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, ReviewRequest
from opportunities.models import Project
from portal.models import Organization, OutboundEmail, WorkEligibility
from tests.factories import (
    ApplicationFactory,
    OrganizationFactory,
    ProjectFactory,
    StudentFactory,
    WorkEligibilityFactory,
)

pytestmark = pytest.mark.django_db

S = Application.Status


def items(client):
    page = client.get(reverse("portal:dashboard")).content.decode()
    box = re.search(r'<section class="card todo".*?</section>', page, re.S).group(0)
    return [
        (href, html.unescape(" ".join(text.split())))
        for href, text in re.findall(r'<li[^>]*>\s*<a href="([^"]+)">([^<]+)</a>', box)
    ]


def student_world(student, n):
    """n offers, n drafts (one reviewed) and n accepted offers; eligibility ending soon."""
    for _ in range(n):
        ApplicationFactory(student=student, status=S.OFFERED)
        ApplicationFactory(student=student, status=S.DRAFT)
        ApplicationFactory(student=student, status=S.ACCEPTED)
    draft = Application.objects.filter(student=student, status=S.DRAFT).first()
    ReviewRequest.objects.create(application=draft, comments="Shorter.", answered_at=timezone.now())
    WorkEligibilityFactory(
        student=student,
        basis=WorkEligibility.Basis.F1_OPT,
        status=WorkEligibility.Status.VERIFIED,
        starts_on=timezone.localdate() - timedelta(days=100),
        ends_on=timezone.localdate() + timedelta(days=10),
    )


def test_the_student_sees_offers_first_with_their_deadline_then_payroll_eligibility_and_drafts(client, alice):
    student_world(alice, 1)
    client.force_login(alice)
    found = items(client)
    offer = Application.objects.get(student=alice, status=S.OFFERED)
    draft = Application.objects.get(student=alice, status=S.DRAFT)
    deadline = timezone.localtime(offer.offer_expires_at)
    ends = timezone.localdate() + timedelta(days=10)
    assert found == [
        (
            offer.get_absolute_url(),
            f"Answer the offer for “{offer.project.title}” by {deadline:%b} {deadline.day}, {deadline.year}",
        ),
        ("/payroll/", "Sign up for payroll: you accepted an offer and are paid through it"),
        (
            "/eligibility/",
            f"Your work authorization ends on {ends:%b} {ends.day}, {ends.year}: declare its renewal",
        ),
        (
            reverse("applications:apply", args=[draft.project.slug]),
            f"Read the career center's comments on your draft for “{draft.project.title}”",
        ),
    ]


def test_a_refused_declaration_is_on_the_students_dashboard(client, alice):
    WorkEligibilityFactory(student=alice, status=WorkEligibility.Status.REJECTED)
    client.force_login(alice)
    assert items(client) == [("/eligibility/", "The career center could not confirm your work eligibility: see why")]


@pytest.mark.parametrize("n", [1, 6])
def test_the_student_dashboard_runs_a_fixed_number_of_queries(client, alice, n, django_assert_num_queries):
    student_world(alice, n)
    client.force_login(alice)
    # user, applications, eligibility, payroll, engagements (no completed one: no checklists)
    with django_assert_num_queries(5):
        response = client.get(reverse("portal:dashboard"))
    assert response.content.decode().count("Answer the offer for") == n


def employer_world(carol, n):
    organization = carol.membership.organization
    for i in range(n):
        project = ProjectFactory(organization=organization, contact=carol, title=f"Published {i}")
        ApplicationFactory.create_batch(2, project=project, status=S.SUBMITTED)
        ApplicationFactory(project=project, status=S.OFFERED)
        ProjectFactory(organization=organization, contact=carol, status=Project.Status.IN_REVIEW, title=f"Review {i}")
        ProjectFactory(
            organization=organization,
            contact=carol,
            status=Project.Status.DRAFT,
            title=f"Sent back {i}",
            review_note="Say what the student delivers.",
        )


def test_the_employer_sees_applicants_offers_and_projects_with_the_career_center(client, carol):
    employer_world(carol, 1)
    Organization.objects.filter(pk=carol.membership.organization_id).update(status=Organization.Status.PENDING)
    client.force_login(carol)
    texts = [text for _, text in items(client)]
    name = carol.membership.organization.name
    assert texts == [
        f"The career center is verifying {name}; draft projects meanwhile",
        "2 applicants waiting on “Published 0”",
        "1 offer out on “Published 0”, waiting for the student",
        "“Review 0” is with the career center for review",
        "The career center sent “Sent back 0” back: see why",
    ]


def test_an_employer_without_an_organization_is_asked_to_make_one(client):
    from tests.factories import EmployerFactory

    erin = EmployerFactory(organization=False)
    client.force_login(erin)
    assert items(client) == [("/organization/new/", "Create your organization, or ask its owner to invite you")]


@pytest.mark.parametrize("n", [1, 5])
def test_the_employer_dashboard_runs_a_fixed_number_of_queries(client, carol, n, django_assert_num_queries):
    employer_world(carol, n)
    client.force_login(carol)
    with django_assert_num_queries(4):  # user, membership, projects, engagements (sessions: cache)
        response = client.get(reverse("portal:dashboard"))
    assert response.content.decode().count("applicants waiting on") == n


def staff_world(n):
    for _ in range(n):
        WorkEligibilityFactory(student=StudentFactory(), status=WorkEligibility.Status.PENDING)
        OrganizationFactory(status=Organization.Status.PENDING)
        ProjectFactory(status=Project.Status.IN_REVIEW)
        ReviewRequest.objects.create(application=ApplicationFactory(status=S.DRAFT))
        OutboundEmail.objects.create(kind="x", object_key=f"k{_}", recipient="a@b.example", status="failed")


@pytest.mark.parametrize("n", [1, 4])
def test_staff_see_each_queue_with_its_size_in_a_fixed_number_of_queries(client, sid, n, django_assert_num_queries):
    staff_world(n)
    client.force_login(sid)
    with django_assert_num_queries(6):  # user, five counts (sessions: cache)
        response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 200
    found = items(client)
    assert [text for _, text in found] == [
        f"{n} eligibility declarations to verify",
        f"{n} organizations to verify",
        f"{n} projects to moderate",
        f"{n} draft reviews to answer",
        f"{n} emails failed or stuck",
    ]
    assert found[2][0] == "/admin/opportunities/project/?queue=review"


def test_an_item_is_escaped_and_shows_its_deadline_and_urgency(client, alice):
    offer = ApplicationFactory(student=alice, status=S.OFFERED, project__title="<i>Rock</i> & “roll”")
    client.force_login(alice)
    page = client.get(reverse("portal:dashboard")).content.decode()
    deadline = timezone.localtime(offer.offer_expires_at)
    title = "&lt;i&gt;Rock&lt;/i&gt; &amp; “roll”"
    assert (
        f'<li class="todo-urgent"><a href="{offer.get_absolute_url()}">Answer the offer for “{title}” by '
        f"{deadline:%b} {deadline.day}, {deadline.year}</a> "
        f'<span class="muted">(<time datetime="{deadline.isoformat(timespec="seconds")}">'
    ) in page
    assert re.search(r'<time datetime="[^"]+">\d+\s(day|hour)s?(, \d+\s\w+)? left</time>\)</span></li>', page)
    assert '<li><a href="/eligibility/">Declare your work eligibility before you apply</a></li>' in page


def test_the_engagements_show_the_state_the_due_date_and_for_employers_the_student(client, alice, carol):
    from applications.models import Engagement

    project = ProjectFactory(organization=carol.membership.organization, contact=carol, title="Tom & <Jerry>")
    application = ApplicationFactory(project=project, student=alice, status=S.ACCEPTED, answers=False)
    due = timezone.localdate() + timedelta(days=9)
    engagement = Engagement.objects.create(
        application=application, project=project, status=Engagement.Status.IN_PROGRESS, due_on=due
    )
    link = f'<li><a href="/engagements/{engagement.pk}/">Tom &amp; &lt;Jerry&gt;</a>'
    state = f' · <span class="badge">In progress</span> · due {due:%b} {due.day}</li>'
    client.force_login(alice)
    assert link + state in client.get(reverse("portal:dashboard")).content.decode()
    client.force_login(carol)
    assert link + " · Alice Adams" + state in client.get(reverse("portal:dashboard")).content.decode()
    Engagement.objects.filter(pk=engagement.pk).update(status=Engagement.Status.CANCELLED)
    assert (
        link + ' · Alice Adams · <span class="badge">Cancelled</span></li>'
        in client.get(reverse("portal:dashboard")).content.decode()
    )

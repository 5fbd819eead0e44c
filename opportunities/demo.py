"""Demo organizations (every size) and about forty published projects; idempotent."""

import secrets
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from portal.demo import demo_user
from portal.models import Invitation, Membership, Organization, Skill, User

from .models import CareerPath, Project, Question
from .services import listing_refresh, saved_search_create

ORGANIZATIONS = [
    # (name, size, industry, state)
    ("Brookline Analytics", Organization.Size.MIDSIZE, "Data and analytics", "MA"),
    ("Lumen Start", Organization.Size.STARTUP, "Consumer software", "CA"),
    ("Harbor & Finch", Organization.Size.SMALL, "Marketing agency", "NY"),
    ("Continental Freight Group", Organization.Size.LARGE, "Logistics", "IL"),
    ("Meridian Global", Organization.Size.FORTUNE_100, "Financial services", "NC"),
    ("Open Shelf Literacy", Organization.Size.NONPROFIT, "Education", "OR"),
    ("City of Riverton", Organization.Size.PUBLIC, "Local government", "OH"),
]

# (title, career path, skills, hours, fee, remote)
PROJECTS = [
    ("Customer churn dashboard in Excel", CareerPath.DATA, ["Microsoft Excel", "Data analysis"], 20, 600, True),
    ("Clean and document a sales dataset", CareerPath.DATA, ["SQL", "Data analysis"], 15, 450, True),
    ("Python script to merge survey exports", CareerPath.ENGINEERING, ["Python"], 12, 400, True),
    ("SQL queries for a monthly KPI report", CareerPath.DATA, ["SQL"], 10, 300, True),
    ("Competitor pricing research", CareerPath.CONSULTING, ["Market research", "Microsoft Excel"], 15, 375, True),
    ("Social media calendar for a product launch", CareerPath.MARKETING, ["Social media marketing"], 10, 250, True),
    ("Rewrite our onboarding emails", CareerPath.MARKETING, ["Copywriting"], 8, 200, True),
    ("Brand refresh mood boards", CareerPath.DESIGN, ["Graphic design"], 12, 360, True),
    ("Usability interviews for a mobile app", CareerPath.DESIGN, ["UX research", "Communication"], 20, 600, True),
    ("Landing page prototype in JavaScript", CareerPath.ENGINEERING, ["JavaScript"], 25, 800, True),
    ("Three-statement financial model", CareerPath.FINANCE, ["Financial modeling", "Microsoft Excel"], 30, 1050, True),
    ("Budget variance analysis", CareerPath.FINANCE, ["Microsoft Excel", "Data analysis"], 12, 360, False),
    ("Volunteer recruitment plan", CareerPath.NONPROFIT, ["Communication", "Project management"], 15, 300, True),
    ("Grant research for literacy programs", CareerPath.NONPROFIT, ["Market research", "Copywriting"], 20, 400, True),
    ("Job description audit for inclusive language", CareerPath.HR, ["Copywriting", "Communication"], 8, 200, True),
    ("Employee survey analysis", CareerPath.HR, ["Data analysis", "Microsoft Excel"], 14, 350, True),
    ("Sales prospect list for the Midwest", CareerPath.SALES, ["Market research"], 10, 250, True),
    ("Customer success playbook", CareerPath.SALES, ["Communication", "Problem-solving"], 18, 450, True),
    ("Route optimization exploratory analysis", CareerPath.DATA, ["Python", "Data analysis"], 30, 1200, True),
    ("Warehouse process map", CareerPath.BUSINESS, ["Project management", "Problem-solving"], 16, 400, False),
    ("Vendor onboarding checklist", CareerPath.BUSINESS, ["Time management", "Teamwork"], 6, 150, True),
    ("Market sizing for a new city", CareerPath.CONSULTING, ["Market research", "Data analysis"], 20, 550, True),
    ("Literature review on remote learning", CareerPath.RESEARCH, ["Market research", "Copywriting"], 25, 625, True),
    ("Public survey on park usage", CareerPath.RESEARCH, ["UX research", "Data analysis"], 20, 500, False),
    ("Infographics for the annual report", CareerPath.DESIGN, ["Graphic design"], 10, 300, True),
    ("Newsletter redesign", CareerPath.MARKETING, ["Graphic design", "Copywriting"], 12, 330, True),
    ("Open data portal cleanup", CareerPath.ENGINEERING, ["Python", "SQL"], 20, 600, True),
    ("Accessibility review of our website", CareerPath.DESIGN, ["UX research"], 10, 300, True),
    ("Case studies from customer interviews", CareerPath.MARKETING, ["Communication", "Copywriting"], 15, 375, True),
    ("Pricing page A/B test analysis", CareerPath.DATA, ["Data analysis", "SQL"], 12, 360, True),
    ("Lesson plans for a financial literacy workshop", CareerPath.EDUCATION, ["Communication"], 15, 300, True),
    ("Tutoring program metrics", CareerPath.EDUCATION, ["Microsoft Excel", "Data analysis"], 10, 250, True),
    ("Health clinic wait-time study", CareerPath.HEALTH, ["Data analysis", "Problem-solving"], 20, 500, False),
    ("Patient education leaflet", CareerPath.HEALTH, ["Copywriting", "Graphic design"], 8, 200, True),
    ("Internal wiki for new hires", CareerPath.HR, ["Copywriting", "Teamwork"], 12, 300, True),
    ("Expense report automation", CareerPath.FINANCE, ["Python", "Microsoft Excel"], 18, 540, True),
    ("Investor update deck", CareerPath.FINANCE, ["Communication", "Graphic design"], 10, 300, True),
    ("Event planning for a career fair", CareerPath.BUSINESS, ["Project management", "Adaptability"], 20, 450, False),
    ("Community needs assessment", CareerPath.NONPROFIT, ["UX research", "Communication"], 25, 525, True),
    ("Chatbot FAQ content", CareerPath.SALES, ["Copywriting", "Problem-solving"], 8, 200, True),
]

IN_REVIEW_TITLE = "Forecast model for seasonal demand"

DESCRIPTION = (
    "You will work with {org} on a well-scoped piece of real work.\n\n"
    "What you will do:\n"
    "- meet the project contact for a kick-off call\n"
    "- work on your own schedule, with a check-in halfway\n"
    "- hand in the deliverables by the due date\n\n"
    "Background reading: https://example.com/{slug}"
)


def _organization(name, size, industry, state):
    slug = slugify(name)
    organization, _ = Organization.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "website": f"https://{slug}.example.com",
            "size": size,
            "industry": industry,
            "state": state,
            "status": Organization.Status.VERIFIED,
            "status_changed_at": timezone.now(),
        },
    )
    return organization


def _contact(organization, index):
    email = f"contact@{organization.slug}.example.com"
    user, _ = User.objects.get_or_create(
        email=email, defaults={"role": User.Role.EMPLOYER, "first_name": "Jordan", "last_name": f"Lee {index}"}
    )
    Membership.objects.get_or_create(user=user, defaults={"organization": organization, "role": Membership.Role.OWNER})
    return user


def _project(*, organization, contact, title, path, skills, hours, fee, remote, status, days_ago):
    today = timezone.localdate()
    slug = slugify(title)
    project, created = Project.objects.get_or_create(
        slug=slug,
        defaults={
            "organization": organization,
            "title": title,
            "summary": f"{title} for {organization.name}: {hours} hours, paid ${fee}.",
            "description": DESCRIPTION.format(org=organization.name, slug=slug),
            "deliverables": "A short written report.\nThe files you worked on, shared with the project contact.",
            "career_path": path,
            "estimated_hours": hours,
            "fee": Decimal(fee),
            "remote": remote,
            "city": "" if remote else "Springfield",
            "state": "" if remote else organization.state,
            "openings": 1 + days_ago % 3,
            "apply_by": today + timedelta(days=10 + days_ago % 20),
            "duration_days": 14 + days_ago % 10,
            "contact": contact,
            "status": status,
            "created_by": contact,
            "published_at": timezone.now() - timedelta(days=days_ago) if status == Project.Status.PUBLISHED else None,
            "submitted_at": timezone.now() - timedelta(days=days_ago + 1),
        },
    )
    if created:
        project.skills.set(Skill.objects.filter(name__in=skills))
        Question.objects.create(project=project, position=0, text="Why does this project interest you?", max_chars=800)
        Question.objects.create(
            project=project,
            position=1,
            text="Tell us about a time you learned a new tool quickly.",
            max_chars=1200,
            required=False,
        )
    elif project.status == Project.Status.PUBLISHED and project.apply_by < today:
        # Keep the demo browsable on a laptop that reseeds weeks later.
        Project.objects.filter(pk=project.pk).update(apply_by=today + timedelta(days=14))
        listing_refresh(projects=Project.objects.filter(pk=project.pk))  # update() sends no signal
    return project


PENDING_ORGANIZATION = ("Northwind Robotics", Organization.Size.STARTUP, "Robotics", "WA")


def _admin_queues(home, employer):
    """Something in each staff queue, so a new staff member sees how it works: an organization
    waiting for verification, an open invitation and a saved search."""
    name, size, industry, state = PENDING_ORGANIZATION
    pending, created = Organization.objects.get_or_create(
        slug=slugify(name),
        defaults={
            "name": name,
            "website": f"https://{slugify(name)}.example.com",
            "size": size,
            "industry": industry,
            "state": state,
            "status": Organization.Status.PENDING,
        },
    )
    if created:
        owner = demo_user("founder@northwind.demo.test", User.Role.EMPLOYER, "Priya", "Raman")
        Membership.objects.get_or_create(user=owner, defaults={"organization": pending, "role": Membership.Role.OWNER})
    if employer is not None and not Invitation.objects.filter(organization=home).exists():
        Invitation.objects.create(
            organization=home, email="new.colleague@demo.test", token=secrets.token_urlsafe(32), invited_by=employer
        )
    student = User.objects.filter(email="student@demo.test").first()
    if student is not None:
        saved_search_create(user=student, query="q=data&remote=yes")


def seed(out):
    organizations = [_organization(*row) for row in ORGANIZATIONS]
    contacts = [_contact(org, i) for i, org in enumerate(organizations)]
    employer = User.objects.filter(email="employer@demo.test").first()
    home = organizations[0]
    if employer is not None and not Membership.objects.filter(user=employer).exists():
        Membership.objects.create(user=employer, organization=home, role=Membership.Role.OWNER)
    for i, (title, path, skills, hours, fee, remote) in enumerate(PROJECTS):
        k = i % len(organizations)
        _project(
            organization=organizations[k],
            contact=contacts[k],
            title=title,
            path=path,
            skills=skills,
            hours=hours,
            fee=fee,
            remote=remote,
            status=Project.Status.PUBLISHED,
            days_ago=i % 21,
        )
    _project(
        organization=home,
        contact=employer or contacts[0],
        title=IN_REVIEW_TITLE,
        path=CareerPath.DATA,
        skills=["Python", "Data analysis"],
        hours=25,
        fee=750,
        remote=True,
        status=Project.Status.IN_REVIEW,
        days_ago=0,
    )
    _admin_queues(home, employer)
    out.write(
        f"  organizations: {Organization.objects.count()}, "
        f"published projects: {Project.objects.filter(status=Project.Status.PUBLISHED).count()}"
    )

"""Every page of each role, on the demo data: the list the browser sweep (and later the access
test) walks. Call `pages_by_role()` after the demo is seeded; each entry is (who, url), where who
is the demo login (None for a visitor who is not signed in)."""

from django.urls import reverse

VISITOR = None
STUDENT = "student@demo.test"
EMPLOYER = "employer@demo.test"
STAFF = "staff@demo.test"


def _visitor_pages(project):
    return [
        "/",
        "/projects/",
        "/projects/?q=data&hours_min=abc",
        project.get_absolute_url(),
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/signup/?role=employer",
        "/accounts/password/reset/",
        "/no-such-page/",
    ]


def _student_pages(project):
    from applications.models import Application

    applications = Application.objects.filter(student__email=STUDENT).order_by("pk")
    pages = [
        "/dashboard/",
        "/projects/",
        project.get_absolute_url(),
        "/applications/",
        "/profile/",
        "/profile/delete/",
        "/eligibility/",
        "/payroll/",
        "/payroll/edit/",
        reverse("opportunities:saved-search-list"),
        "/accounts/email/",
        "/accounts/password/change/",
    ]
    seen = set()
    for application in applications:
        # One page per state: each shows different actions and notes.
        if application.status not in seen:
            seen.add(application.status)
            pages.append(reverse("applications:detail", args=[application.pk]))
    draft = applications.filter(status=Application.Status.DRAFT).select_related("project").first()
    if draft:
        pages.append(reverse("applications:apply", args=[draft.project.slug]))
    return pages


def _employer_pages():
    from opportunities.models import Project

    projects = Project.objects.filter(organization__memberships__user__email=EMPLOYER).order_by("pk")
    pages = [
        "/dashboard/",
        "/employer/projects/",
        "/employer/projects/new/",
        "/organization/",
        "/accounts/email/",
        "/account/name/",
    ]
    with_applicants = projects.filter(applications__isnull=False).distinct().first()
    if with_applicants:
        pages.append(reverse("applications:applicants", args=[with_applicants.slug]))
        pages.append(reverse("applications:applicants", args=[with_applicants.slug]) + "?blind=0")
    for project in projects[:2]:
        pages.append(reverse("opportunities:employer-project-detail", args=[project.slug]))
    draft = projects.filter(status=Project.Status.DRAFT).first()
    if draft:
        pages.append(reverse("opportunities:employer-project-edit", args=[draft.slug]))
    return pages


# The admin pages the career center group works on: every list, and one change page of each.
ADMIN_MODELS = [
    "portal.user",
    "portal.skill",
    "portal.outboundemail",
    "portal.studentprofile",
    "portal.workeligibility",
    "portal.organization",
    "portal.invitation",
    "opportunities.project",
    "opportunities.savedsearch",
    "payroll.contractorrecord",
    "applications.application",
    "applications.reviewrequest",
]


def _staff_pages():
    from django.apps import apps

    from portal.models import WorkEligibility

    pages = ["/dashboard/", "/admin/"]
    for label in ADMIN_MODELS:
        model = apps.get_model(label)
        app_label, model_name = label.split(".")
        pages.append(reverse(f"admin:{app_label}_{model_name}_changelist"))
        first = model.objects.order_by("pk").first()
        if first is not None:
            pages.append(reverse(f"admin:{app_label}_{model_name}_change", args=[first.pk]))
    record = WorkEligibility.objects.order_by("pk").first()
    if record is not None:
        pages.append(reverse("admin:portal_workeligibility_history", args=[record.pk]))
    return pages


def pages_by_role():
    from opportunities.models import Project

    project = Project.objects.filter(status=Project.Status.PUBLISHED).order_by("pk").first()
    return {
        VISITOR: _visitor_pages(project),
        STUDENT: _student_pages(project),
        EMPLOYER: _employer_pages(),
        STAFF: _staff_pages(),
    }


def seed_demo():
    """The demo data every page list is built on (a transactional test flushes the staff group
    that the data migration made, so it is made again)."""
    import io

    from django.contrib.auth.models import Group

    from applications import demo as applications_demo
    from opportunities import demo as opportunities_demo
    from payroll import demo as payroll_demo
    from portal import demo as portal_demo
    from portal.permissions import CAREER_CENTER_GROUP, grant_career_center_permissions

    Group.objects.get_or_create(name=CAREER_CENTER_GROUP)
    grant_career_center_permissions()
    out = io.StringIO()
    for module in (portal_demo, opportunities_demo, payroll_demo, applications_demo):
        module.seed(out)

"""Demo applications in every state: the demo student's, and applicants to the demo employer's
projects (a few extra demo students). Idempotent: an application that exists is left alone.

Rows are written directly rather than through the services, so seeding sends no email; the
events are the trail the services would have left.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from opportunities.models import Project
from portal.demo import demo_user, seed_profile
from portal.models import User, WorkEligibility
from portal.services import eligibility_declare

from .models import Answer, Application, ApplicationEvent, Assessment

S = Application.Status

# The demo student's applications: (project title, state).
STUDENT_APPLICATIONS = [
    ("Clean and document a sales dataset", S.DRAFT),
    ("Customer churn dashboard in Excel", S.SUBMITTED),
    ("Brand refresh mood boards", S.SHORTLISTED),
    ("Market sizing for a new city", S.OFFERED),
    ("Python script to merge survey exports", S.ACCEPTED),
    ("SQL queries for a monthly KPI report", S.DECLINED),
    ("Competitor pricing research", S.NOT_SELECTED),
    ("Social media calendar for a product launch", S.WITHDRAWN),
    ("Rewrite our onboarding emails", S.LAPSED),
]

# Other applicants to the demo employer's churn dashboard: (email, first, last, state, rating).
APPLICANTS = [
    ("ava.chen@demo.test", "Ava", "Chen", S.SUBMITTED, 4),
    ("ben.okafor@demo.test", "Ben", "Okafor", S.SHORTLISTED, 5),
    ("chloe.martin@demo.test", "Chloe", "Martin", S.NOT_SELECTED, 2),
    ("dev.patel@demo.test", "Dev", "Patel", S.SUBMITTED, None),
    ("eli.novak@demo.test", "Eli", "Novak", S.DRAFT, None),
]
APPLICANTS_PROJECT = "Customer churn dashboard in Excel"

# The states each demo application passed through after its draft.
PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: [S.SUBMITTED],
    S.SHORTLISTED: [S.SUBMITTED, S.SHORTLISTED],
    S.OFFERED: [S.SUBMITTED, S.SHORTLISTED, S.OFFERED],
    S.ACCEPTED: [S.SUBMITTED, S.OFFERED, S.ACCEPTED],
    S.DECLINED: [S.SUBMITTED, S.OFFERED, S.DECLINED],
    S.NOT_SELECTED: [S.SUBMITTED, S.NOT_SELECTED],
    S.WITHDRAWN: [S.SUBMITTED, S.WITHDRAWN],
    S.LAPSED: [S.SUBMITTED, S.OFFERED, S.LAPSED],
}

ANSWERS = [
    "I like turning messy data into something a team can act on. In my analytics course I rebuilt a "
    "club's membership spreadsheet into a dashboard the board now uses every month.",
    "Last spring I learned Power Query in a weekend to merge three survey exports for a class project; "
    "I kept notes so my teammates could repeat it.",
]


def _eligible(student):
    if not WorkEligibility.objects.filter(student=student, is_current=True).exists():
        eligibility_declare(student=student, basis=WorkEligibility.Basis.CITIZEN, starts_on=None, ends_on=None)


def _application(student, project, state, *, rating=None):
    application, created = Application.objects.get_or_create(project=project, student=student)
    if not created:
        return application
    now = timezone.now()
    for i, question in enumerate(project.questions.all()):
        Answer.objects.create(application=application, question=question, text=ANSWERS[i % len(ANSWERS)])
    fields = {"status": state}
    path = PATHS[state]
    if path:
        fields.update(submitted_at=now - timedelta(days=4), digested_at=now - timedelta(days=3))
    if S.OFFERED in path:
        offered_at = now - timedelta(days=5 if state == S.LAPSED else 1)
        fields.update(offered_at=offered_at, offer_expires_at=offered_at + timedelta(days=settings.OFFER_RESPONSE_DAYS))
    if state in (S.ACCEPTED, S.DECLINED, S.NOT_SELECTED, S.WITHDRAWN, S.LAPSED):
        fields["decided_at"] = now - timedelta(hours=6)
    if state == S.NOT_SELECTED:
        fields.update(
            reason=Application.Reason.SKILLS,
            message="Thank you for a thoughtful application. We needed more Excel modelling experience this time.",
        )
    Application.objects.filter(pk=application.pk).update(**fields)
    previous, at = S.DRAFT, now - timedelta(days=4)
    for step in path:
        ApplicationEvent.objects.create(application=application, from_status=previous, to_status=step, at=at)
        previous, at = step, at + timedelta(hours=20)
    if rating and path:
        Assessment.objects.create(application=application, rating=rating, notes="Clear, specific answers.")
    if state == S.ACCEPTED and project.applications.filter(status=S.ACCEPTED).count() >= project.openings:
        Project.objects.filter(pk=project.pk, status=Project.Status.PUBLISHED).update(
            status=Project.Status.CLOSED, closed_at=now
        )
    return application


def seed(out):
    student = User.objects.get(email="student@demo.test")
    _eligible(student)
    projects = {p.title: p for p in Project.objects.filter(title__in=[t for t, _ in STUDENT_APPLICATIONS])}
    for title, state in STUDENT_APPLICATIONS:
        if title in projects:
            _application(student, projects[title], state)
    target = projects.get(APPLICANTS_PROJECT)
    for email, first, last, state, rating in APPLICANTS:
        applicant = demo_user(email, User.Role.STUDENT, first, last)
        seed_profile(
            applicant,
            program="B.A. Economics",
            graduation_season="spring",
            graduation_year=2027,
            status="current",
            bio=f"{first} studies economics and likes clear charts.",
            skills=["communication", "microsoft-excel", "data-analysis"],
        )
        _eligible(applicant)
        if target is not None:
            _application(applicant, target, state, rating=rating)
    out.write(
        f"  applications: {Application.objects.count()} (the demo student's in every state; "
        f"applicants to “{APPLICANTS_PROJECT}” for employer@demo.test)"
    )
    # Completed engagements and their payouts in every state (payroll may not import us).
    from .payouts_demo import seed as seed_payouts

    seed_payouts(out)

"""Demo applications in every state: the demo student's, and applicants to the demo employer's
projects (a few extra demo students). Idempotent: an application that exists is left alone.

Rows are written directly rather than through the services, so seeding sends no email; the
events are the trail the services would have left.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from opportunities.models import Project
from opportunities.services import listing_refresh
from portal.demo import demo_user, seed_profile
from portal.models import User, WorkEligibility
from portal.services import eligibility_declare

from .completion.models import Completion, Feedback, FeedbackRating, Survey
from .completion.services import competencies
from .engagements import demo as engagements_demo
from .models import Answer, Application, ApplicationEvent, Assessment, Engagement, EngagementEvent, ReviewRequest
from .outcomes_demo import seed as seed_outcomes

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
E2E_APPLY_PROJECT = "Job description audit for inclusive language"

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
    # One clock for the fields and the events, so a timeline reads in order: submitted, a day
    # later shortlisted, offered, then decided (a lapsed offer lapses when its time runs out).
    submitted_at = now - timedelta(days=8 if state == S.LAPSED else 4)
    times = {S.SUBMITTED: submitted_at, S.SHORTLISTED: submitted_at + timedelta(days=1)}
    if path:
        fields.update(submitted_at=submitted_at, digested_at=submitted_at + timedelta(days=1))
    if S.OFFERED in path:
        offered_at = now - timedelta(days=5 if state == S.LAPSED else 1)
        expires_at = offered_at + timedelta(days=settings.OFFER_RESPONSE_DAYS)
        fields.update(offered_at=offered_at, offer_expires_at=expires_at)
        times[S.OFFERED] = offered_at
    if state in (S.ACCEPTED, S.DECLINED, S.NOT_SELECTED, S.WITHDRAWN, S.LAPSED):
        fields["decided_at"] = times[state] = (
            fields["offer_expires_at"] if state == S.LAPSED else now - timedelta(hours=6)
        )
    if state == S.NOT_SELECTED:
        fields.update(
            reason=Application.Reason.SKILLS,
            message="Thank you for a thoughtful application. We needed more Excel modelling experience this time.",
        )
    Application.objects.filter(pk=application.pk).update(**fields)
    previous = S.DRAFT
    for step in path:
        ApplicationEvent.objects.create(application=application, from_status=previous, to_status=step, at=times[step])
        previous = step
    if rating and path:
        Assessment.objects.create(application=application, rating=rating, notes="Clear, specific answers.")
    if state == S.ACCEPTED and project.applications.filter(status=S.ACCEPTED).count() >= project.openings:
        Project.objects.filter(pk=project.pk, status=Project.Status.PUBLISHED).update(
            status=Project.Status.CLOSED, closed_at=now
        )
        listing_refresh(projects=Project.objects.filter(pk=project.pk))  # update() sends no signal
    return application


def seed(out):
    student = User.objects.get(email="student@demo.test")
    _eligible(student)
    projects = {p.title: p for p in Project.objects.filter(title__in=[t for t, _ in STUDENT_APPLICATIONS])}
    for title, state in STUDENT_APPLICATIONS:
        if title in projects:
            _application(student, projects[title], state)
    # The draft-review queue has the demo student's draft in it.
    draft = Application.objects.filter(student=student, status=S.DRAFT).first()
    if draft is not None and not ReviewRequest.objects.filter(application=draft).exists():
        ReviewRequest.objects.create(application=draft)
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
    employer = User.objects.filter(email="employer@demo.test").first()
    accepted = {}
    if employer is not None:
        for state, project in engagements_demo.projects(employer).items():
            accepted[state] = _application(student, project, S.ACCEPTED)
    out.write(
        f"  applications: {Application.objects.count()} (the demo student's in every state; "
        f"applicants to “{APPLICANTS_PROJECT}” for employer@demo.test)"
    )
    engagements_demo.seed(student, accepted, out)
    seed_outcomes(out)
    seed_completed(out)
    # Completed engagements and their payouts in every state (payroll may not import us).
    from .payouts_demo import seed as seed_payouts

    seed_payouts(out)


def _completed(student, project, *, days_ago):
    """A completed engagement of ``student`` on ``project``, verified ``days_ago`` days ago;
    None when the student already has one there (seeding twice changes nothing)."""
    application, created = Application.objects.get_or_create(project=project, student=student)
    if not created or hasattr(application, "engagement"):
        return None
    now = timezone.now()
    done = now - timedelta(days=days_ago)
    start = done - timedelta(days=project.duration_days)
    Application.objects.filter(pk=application.pk).update(
        status=S.ACCEPTED,
        submitted_at=start - timedelta(days=6),
        offered_at=start - timedelta(days=3),
        decided_at=start,
    )
    for before, after, at, by in [
        (S.DRAFT, S.SUBMITTED, start - timedelta(days=6), student),
        (S.SUBMITTED, S.OFFERED, start - timedelta(days=3), project.contact),
        (S.OFFERED, S.ACCEPTED, start, student),
    ]:
        ApplicationEvent.objects.create(application=application, from_status=before, to_status=after, at=at, by=by)
    engagement = Engagement.objects.create(
        application=application,
        project=project,
        status=Engagement.Status.COMPLETED,
        kickoff_at=start,
        due_on=timezone.localdate(done),
        submitted_at=done - timedelta(days=1),
        completed_at=done,
    )
    engagement.submissions.create(
        url="https://drive.example.com/demo-work",
        note="Here is the finished work, with a short read-me.",
        submitted_at=done - timedelta(days=1),
        outcome="verified",
        answered_at=done,
        answered_by=project.contact,
    )
    steps = ["awaiting_kickoff", "kickoff_booked", "in_progress", "work_submitted", "completed"]
    for i, (before, after) in enumerate(zip(steps, steps[1:], strict=False)):
        EngagementEvent.objects.create(
            engagement=engagement, from_status=before, to_status=after, at=start + timedelta(days=i)
        )
    return engagement


def _feedback(engagement, scores, answer, comment):
    feedback = Feedback.objects.create(
        engagement=engagement,
        organization=engagement.project.organization,
        given_by=engagement.project.contact,
        given_at=engagement.completed_at + timedelta(hours=2),
        comment=comment,
        would_work_again=answer,
        private_note="Reliable; would suit a longer project.",
    )
    FeedbackRating.objects.bulk_create(
        FeedbackRating(feedback=feedback, competency=skill, score=scores[i % len(scores)])
        for i, skill in enumerate(competencies())
    )
    return feedback


def _survey(engagement, project_rating, supervisor_rating, learned, recommend, comment=""):
    survey = Survey.objects.create(
        engagement=engagement,
        organization=engagement.project.organization,
        submitted_at=engagement.completed_at + timedelta(days=1),
        project_rating=project_rating,
        supervisor_rating=supervisor_rating,
        learned=learned,
        recommend=recommend,
        comment=comment,
    )
    survey.skills_used.set(engagement.project.skills.all())
    return survey


def seed_completed(out):
    """Completed engagements at the demo employer's organization: the demo student's, one with
    feedback, a survey, a half-done checklist and a public record, one waiting for feedback;
    and five other students' with surveys, so the organization page shows the averages."""
    employer = User.objects.filter(email="employer@demo.test").first()
    if employer is None or not hasattr(employer, "membership"):
        return
    # Not the projects the demo student applied to, nor the one the browser tests apply to.
    taken = [title for title, _ in STUDENT_APPLICATIONS] + [APPLICANTS_PROJECT, E2E_APPLY_PROJECT]
    projects = list(
        Project.objects.filter(organization=employer.membership.organization, status=Project.Status.PUBLISHED)
        .exclude(title__in=taken)
        .order_by("title")[:2]
    )
    if len(projects) < 2:
        return
    student = User.objects.get(email="student@demo.test")
    first = _completed(student, projects[0], days_ago=4)
    if first is not None:
        _feedback(first, [5, 4, 4, 5, 4, 5], "yes", "Clear, careful work, and you asked the right questions early.")
        _survey(first, 5, 5, 4, "yes", "I learned how a real team reviews work.")
        now = timezone.now()
        Completion.objects.create(
            engagement=first,
            survey_done_at=now - timedelta(days=3),
            feedback_read_at=now - timedelta(days=3),
            linkedin_updated_at=now - timedelta(days=2),
            record_public=True,
            record_shows_work_again=True,
        )
    _completed(student, projects[1], days_ago=1)  # waits for the supervisor's feedback
    for i, (email, *_rest) in enumerate(APPLICANTS):
        engagement = _completed(User.objects.get(email=email), projects[0], days_ago=10 + i)
        if engagement is not None:
            _feedback(engagement, [4, 3, 5], "yes" if i % 2 else "not_sure", "Thank you for your work.")
            _survey(engagement, 3 + i % 3, 4 + i % 2, 2 + i % 3, "yes" if i % 3 else "not_sure")
    out.write(
        f"  completed engagements: {Engagement.objects.filter(status='completed').count()}, "
        f"feedback: {Feedback.objects.count()}, surveys: {Survey.objects.count()}"
    )

"""A demo cohort for the outcomes dashboard: 48 students spread over the programs, class years,
statuses, first-generation and Pell answers and eligibility groups, applying this academic year
to closed projects of three extra organizations, so that every chart has groups of five or more.

Idempotent (a cohort student who exists is left alone); rows are written directly, so no email
goes out. The cohort students have no usable password: they are not demo logins.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from applications.outcomes import academic_year
from opportunities.models import CareerPath, Project, Question
from opportunities.services import listing_refresh
from payroll.models import CERTIFICATION_VERSION, ContractorRecord
from payroll.payouts.models import Payout
from portal.models import Membership, Organization, Program, StudentProfile, User, WorkEligibility

from .completion.models import Answer3
from .completion.services import competencies
from .models import Application, ApplicationEvent, Engagement, Feedback, FeedbackRating

S = Application.Status
COHORT = 48
ORGANIZATIONS = [
    ("Harbor Analytics", Organization.Size.STARTUP, "Software"),
    ("Riverside Health Network", Organization.Size.LARGE, "Health care"),
    ("Open Fields Foundation", Organization.Size.NONPROFIT, "Non-profit"),
]
PROJECTS_PER_ORGANIZATION = 4
# Each cohort student's two applications end in these states, by the student's number.
OUTCOMES = [
    (S.ACCEPTED, S.NOT_SELECTED),
    (S.NOT_SELECTED, S.SUBMITTED),
    (S.ACCEPTED, S.WITHDRAWN),
    (S.SHORTLISTED, S.NOT_SELECTED),
    (S.DECLINED, S.ACCEPTED),
    (S.SUBMITTED, S.NOT_SELECTED),
]
FIRST_NAMES = ["Ana", "Bo", "Cy", "Dee", "Ed", "Fay", "Gus", "Hana", "Ira", "Jo", "Kai", "Lu"]


def _organizations():
    projects = []
    now = timezone.now()
    for name, size, industry in ORGANIZATIONS:
        slug = name.lower().replace(" ", "-")
        organization, _ = Organization.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "website": f"https://{slug}.example.com",
                "size": size,
                "industry": industry,
                "state": "MA",
                "status": Organization.Status.VERIFIED,
                "status_changed_at": now,
            },
        )
        contact, _ = User.objects.get_or_create(
            email=f"contact@{slug}.example.com",
            defaults={"role": User.Role.EMPLOYER, "first_name": "Robin", "last_name": "Park"},
        )
        Membership.objects.get_or_create(user=contact, defaults={"organization": organization, "role": "owner"})
        for n in range(PROJECTS_PER_ORGANIZATION):
            title = f"{name}: project {n + 1} of this year"
            project, created = Project.objects.get_or_create(
                slug=f"{slug}-outcomes-{n + 1}",
                defaults={
                    "organization": organization,
                    "title": title,
                    "summary": f"A finished project of {name}.",
                    "description": "A short, well-scoped project, finished this academic year.",
                    "deliverables": "A short written report.",
                    "career_path": [CareerPath.DATA, CareerPath.HEALTH, CareerPath.NONPROFIT][n % 3],
                    "estimated_hours": 10 + 5 * n,
                    "fee": Decimal(250 + 100 * n),
                    "openings": 10,
                    "apply_by": timezone.localdate() - timedelta(days=1),
                    "duration_days": 14,
                    "contact": contact,
                    "created_by": contact,
                    "status": Project.Status.CLOSED,
                    "published_at": now,
                    "closed_at": now,
                },
            )
            if created:
                Question.objects.create(project=project, position=0, text="Why this project?", max_chars=800)
            projects.append(project)
    return projects


def _day(start, number):
    """A moment this academic year, a week or more ago when the year allows: students apply
    through the year and employers answer within days."""
    span = max((timezone.now() - start).days - 7, 1)
    return start + timedelta(days=(7 * number) % span, hours=10)


def seed(out):
    programs = list(Program.objects.order_by("pk"))
    if not programs:
        return
    projects = _organizations()
    start = timezone.make_aware(datetime.combine(academic_year()[0], time.min))
    Project.objects.filter(pk__in=[p.pk for p in projects]).update(published_at=start)
    listing_refresh(projects=Project.objects.filter(pk__in=[p.pk for p in projects]))  # no signal from update()
    now = timezone.now()
    for i in range(COHORT):
        email = f"cohort{i:02d}@demo.test"
        if User.objects.filter(email=email).exists():
            continue
        student = User(
            email=email,
            role=User.Role.STUDENT,
            first_name=FIRST_NAMES[i % len(FIRST_NAMES)],
            last_name=f"Cohort {i:02d}",
        )
        student.set_unusable_password()
        student.save()
        profile = StudentProfile.objects.create(
            user=student,
            program=programs[i % len(programs)].name,
            graduation_season="spring",
            graduation_year=timezone.localdate().year + i % 4,
            status=StudentProfile.Status.CURRENT if i % 6 else StudentProfile.Status.RECENT_GRADUATE,
            first_generation=[True, False, None][i % 3],
            pell_eligible=[True, False, False, None][i % 4],
            adult_attested_at=now,
        )
        # Students of every program; every seventh student is in two programs.
        profile.programs.add(programs[i % len(programs)], *([programs[(i + 3) % len(programs)]] if i % 7 == 0 else []))
        if i % 8 == 1:
            WorkEligibility.objects.create(
                student=student,
                basis=WorkEligibility.Basis.F1_OPT,
                status=WorkEligibility.Status.VERIFIED,
                starts_on=timezone.localdate() - timedelta(days=60),
                ends_on=timezone.localdate() + timedelta(days=300),
            )
        elif i % 8 != 7:
            WorkEligibility.objects.create(
                student=student, basis=WorkEligibility.Basis.CITIZEN, status=WorkEligibility.Status.ATTESTED
            )
        if i % 8 == 7:
            continue  # no work authorization declared: the gate stops them before they apply
        for k, state in enumerate(OUTCOMES[i % len(OUTCOMES)]):
            _application(student, projects[(i + 5 * k) % len(projects)], state, _day(start, i + k))
        if S.ACCEPTED in OUTCOMES[i % len(OUTCOMES)] and i % 5:
            _payroll(student, i)
    out.write(f"  outcomes: {COHORT} cohort students (cohortNN@demo.test) over {len(programs)} programs")


def _application(student, project, state, submitted_at):
    application = Application.objects.create(project=project, student=student, status=state, submitted_at=submitted_at)
    offered = state in (S.ACCEPTED, S.DECLINED)
    decided_at = submitted_at + timedelta(days=2 + student.pk % 4)
    Application.objects.filter(pk=application.pk).update(
        offered_at=decided_at if offered else None,
        # The final decision: the student's answer a day after an offer, else the employer's or
        # the student's own step (the timeline's last event).
        decided_at=(decided_at + timedelta(days=1) if offered else decided_at)
        if state not in (S.SUBMITTED, S.SHORTLISTED)
        else None,
        reason=Application.Reason.ANOTHER_CANDIDATE if state == S.NOT_SELECTED else "",
    )
    employer_step = {
        S.ACCEPTED: S.OFFERED,
        S.DECLINED: S.OFFERED,
        S.NOT_SELECTED: S.NOT_SELECTED,
        S.SHORTLISTED: S.SHORTLISTED,
    }.get(state)
    ApplicationEvent.objects.create(
        application=application, from_status=S.DRAFT, to_status=S.SUBMITTED, by=student, at=submitted_at
    )
    if employer_step:
        ApplicationEvent.objects.create(
            application=application,
            from_status=S.SUBMITTED,
            to_status=employer_step,
            by=project.contact,
            at=decided_at,
        )
    if offered:
        ApplicationEvent.objects.create(
            application=application,
            from_status=S.OFFERED,
            to_status=state,
            by=student,
            at=decided_at + timedelta(days=1),
        )
    if state == S.ACCEPTED:
        # Most accepted offers of the cohort are finished work, some of it after its due date,
        # rated by the supervisor the next day.
        done = decided_at + timedelta(days=20)
        engagement = Engagement.objects.create(
            application=application,
            project=project,
            status=Engagement.Status.COMPLETED,
            kickoff_at=decided_at + timedelta(days=4),
            due_on=(decided_at + timedelta(days=18 + student.pk % 4)).date(),
            submitted_at=done,
            completed_at=done + timedelta(days=1),
        )
        feedback = Feedback.objects.create(
            engagement=engagement,
            organization=project.organization,
            given_by=project.contact,
            given_at=done + timedelta(days=2),
            would_work_again=Answer3.YES if student.pk % 4 else Answer3.NOT_SURE,
        )
        FeedbackRating.objects.bulk_create(
            FeedbackRating(feedback=feedback, competency=skill, score=3 + (student.pk + k) % 3)
            for k, skill in enumerate(competencies())
        )
    if state == S.WITHDRAWN:
        ApplicationEvent.objects.create(
            application=application, from_status=S.SUBMITTED, to_status=S.WITHDRAWN, by=student, at=decided_at
        )


def _payroll(student, number):
    record = ContractorRecord(
        student=student,
        legal_first_name=student.first_name,
        legal_last_name=student.last_name,
        address_line1="1 College Avenue",
        city="Springfield",
        state="MA",
        zip_code="01103",
        tin_type=ContractorRecord.TinType.SSN,
        payment_method=ContractorRecord.PaymentMethod.CHECK,
        certified_name=student.get_full_name(),
        certified_at=timezone.now(),
        certified_ip="127.0.0.1",
        certification_version=CERTIFICATION_VERSION,
    )
    record.set_tin(f"52{number % 10}{11 + number % 80:02d}{1000 + number:04d}")  # made up, valid in form
    record.save()
    # Their verified work was paid by check a few days later.
    for engagement in Engagement.objects.filter(application__student=student, completed_at__isnull=False):
        Payout.objects.create(
            engagement=engagement,
            student=student,
            contractor=record,
            description=engagement.project.title,
            amount=engagement.project.fee,
            status=Payout.Status.PAID,
            method=ContractorRecord.PaymentMethod.CHECK,
            paid_on=timezone.localdate(engagement.completed_at) + timedelta(days=5),
        )
        Engagement.objects.filter(pk=engagement.pk).update(status=Engagement.Status.PAID)

"""Fill the bench database fast: bulk inserts, one UPDATE for every search vector."""

import random
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from applications.models import Answer, Application, Assessment
from opportunities.models import CareerPath, Project, Question
from opportunities.services import listing_refresh
from portal.models import Membership, Organization, Skill, StudentProfile, User, WorkEligibility

SKILLS = [
    "Microsoft Excel", "Data analysis", "Python", "SQL", "JavaScript", "Graphic design", "Social media marketing",
    "Copywriting", "Market research", "Project management", "UX research", "Financial modeling", "Tableau",
    "Power BI", "Public speaking", "Figma", "Salesforce", "Accounting", "Statistics", "Video editing",
    "Communication", "Problem-solving", "Adaptability", "Teamwork", "Time management",
]  # fmt: skip
TOPICS = [
    "dashboard", "survey", "campaign", "forecast", "inventory", "onboarding", "pricing", "newsletter", "website",
    "podcast", "grant", "budget", "workshop", "catalog", "roadmap", "audit", "benchmark", "playbook", "persona",
    "prototype", "report", "database", "brochure", "training", "recruiting", "logistics", "retention", "outreach",
]  # fmt: skip
VERBS = ["Build", "Analyse", "Redesign", "Research", "Plan", "Write", "Automate", "Audit", "Launch", "Map"]
AUDIENCES = ["customers", "donors", "volunteers", "students", "suppliers", "members", "patients", "citizens"]
SIZES = [s for s, _ in Organization.Size.choices]
STATES = ["MA", "NY", "CA", "TX", "IL", "OH", "WA", "GA", "NC", "PA", "FL", "CO"]
PATHS = [p for p, _ in CareerPath.choices]
BATCH = 5000
UNUSABLE = "!"  # an unusable password hash: nobody signs in as these students


@contextmanager
def unchecked_references():
    """Inserts on this connection skip PostgreSQL's foreign-key checks while the bench seeds (as a
    superuser: otherwise they are checked as usual). The seed makes every reference from rows it
    has just written, and Django's deferred checks, one per row at COMMIT, took longer than the
    inserts themselves (about 100 of the 190 seconds that seed() and seed_engagements() took)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
        if superuser:
            cursor.execute("SET session_replication_role = replica")
    try:
        yield superuser
    finally:
        if superuser:
            with connection.cursor() as cursor:
                cursor.execute("RESET session_replication_role")


def _text(rng, words):
    return " ".join(rng.choice(words) for _ in range(12))


def seed(*, projects=10_000, organizations=500, students=100_000, out=print):
    rng = random.Random(2026)
    password = make_password("bench-password-never-used")
    with transaction.atomic():
        skills = Skill.objects.bulk_create(
            [Skill(name=name, slug=name.lower().replace(" ", "-")) for name in SKILLS], ignore_conflicts=True
        )
        skills = list(Skill.objects.all())
        orgs = Organization.objects.bulk_create(
            [
                Organization(
                    name=f"Organization {i}",
                    slug=f"organization-{i}",
                    website=f"https://org{i}.example.com",
                    size=SIZES[i % len(SIZES)],
                    industry="Various",
                    state=STATES[i % len(STATES)],
                    status=Organization.Status.VERIFIED,
                )
                for i in range(organizations)
            ],
            batch_size=BATCH,
        )
        employers = User.objects.bulk_create(
            [
                User(email=f"employer{i}@bench.example", role=User.Role.EMPLOYER, password=password)
                for i in range(organizations)
            ],
            batch_size=BATCH,
        )
        Membership.objects.bulk_create(
            [
                Membership(organization=o, user=u, role=Membership.Role.OWNER)
                for o, u in zip(orgs, employers, strict=True)
            ],
            batch_size=BATCH,
        )
        out(f"  {organizations} organizations and their owners")
        for start in range(0, students, BATCH):
            users = User.objects.bulk_create(
                [
                    User(email=f"student{i}@bench.example", role=User.Role.STUDENT, password=password)
                    for i in range(start, min(start + BATCH, students))
                ]
            )
            profiles = StudentProfile.objects.bulk_create([StudentProfile(user=u) for u in users])
            StudentProfile.skills.through.objects.bulk_create(
                [
                    StudentProfile.skills.through(studentprofile_id=p.pk, skill_id=s.pk)
                    for p in profiles
                    for s in rng.sample(skills, 2)
                ]
            )
        out(f"  {students} students with profiles")
        created = _projects(range(projects), orgs, employers, skills, rng)
        out(f"  {projects} published projects with skills, questions and search vectors")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return created[0].slug


def _projects(numbers, orgs, employers, skills, rng):
    """Published projects numbered ``numbers`` (slugs carry the number), with three skills, two
    questions and their search vectors."""
    now = timezone.now()
    today = timezone.localdate()
    rows = []
    for i in numbers:
        topic, verb, audience = rng.choice(TOPICS), rng.choice(VERBS), rng.choice(AUDIENCES)
        hours = rng.randint(5, 40)
        k = i % len(orgs)
        rows.append(
            Project(
                organization=orgs[k],
                title=f"{verb} a {topic} for our {audience}",
                slug=f"{verb}-{topic}-{audience}-{i}".lower(),
                summary=f"A {hours}-hour project: {_text(rng, TOPICS + AUDIENCES)}.",
                description=_text(rng, TOPICS + VERBS + AUDIENCES) * 8,
                deliverables="A short report and the files you worked on.",
                career_path=PATHS[i % len(PATHS)],
                estimated_hours=hours,
                fee=Decimal(hours * rng.randint(20, 45)),
                remote=rng.random() < 0.7,
                city="Springfield",
                state=STATES[k % len(STATES)],
                openings=rng.randint(1, 3),
                apply_by=today + timedelta(days=rng.randint(1, 60)),
                duration_days=rng.randint(7, 31),
                contact=employers[k],
                created_by=employers[k],
                status=Project.Status.PUBLISHED,
                published_at=now - timedelta(minutes=rng.randint(0, 60 * 24 * 30)),
            )
        )
    created = Project.objects.bulk_create(rows, batch_size=BATCH)
    through = Project.skills.through
    through.objects.bulk_create(
        [through(project_id=p.pk, skill_id=s.pk) for p in created for s in rng.sample(skills, 3)], batch_size=BATCH
    )
    Question.objects.bulk_create(
        [
            Question(project=p, position=n, text=f"Question {n + 1} about this project?", max_chars=800)
            for p in created
            for n in range(2)
        ],
        batch_size=BATCH,
    )
    listing_refresh(projects=Project.objects.filter(pk__in=[p.pk for p in created]))
    return created


def grow(*, projects, out=print):
    """More projects, up to ``projects`` in all, for the growth run (same organizations)."""
    have = Project.objects.count()
    orgs = list(Organization.objects.order_by("pk"))
    employers = [m.user for m in Membership.objects.select_related("user").order_by("organization_id")]
    skills = list(Skill.objects.all())
    rng = random.Random(have)
    for start in range(have, projects, 20_000):
        with transaction.atomic():
            _projects(range(start, min(start + 20_000, projects)), orgs, employers, skills, rng)
        out(f"  {min(start + 20_000, projects)} projects")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def seed_applicants(project, count, *, password=UNUSABLE):
    """``count`` students with a profile, two skills and a current eligibility record, each with
    a submitted (every other one shortlisted) application to ``project`` answering every
    question; every third is rated. Used by the bench and by the query-count tests."""
    rng = random.Random(project.pk)
    now = timezone.now()
    skills = list(Skill.objects.all()[:10])
    questions = list(project.questions.all())
    users = User.objects.bulk_create(
        [
            User(
                email=f"applicant{i}-{project.pk}@bench.example",
                first_name=f"First{i}",
                last_name=f"Last{i}",
                role=User.Role.STUDENT,
                password=password,
            )
            for i in range(count)
        ],
        batch_size=BATCH,
    )
    profiles = StudentProfile.objects.bulk_create(
        [
            StudentProfile(user=u, program="B.S. Data Science", graduation_season="spring", graduation_year=2027)
            for u in users
        ],
        batch_size=BATCH,
    )
    if skills:
        StudentProfile.skills.through.objects.bulk_create(
            [
                StudentProfile.skills.through(studentprofile_id=p.pk, skill_id=s.pk)
                for p in profiles
                for s in rng.sample(skills, min(2, len(skills)))
            ],
            batch_size=BATCH,
        )
    WorkEligibility.objects.bulk_create(
        [
            WorkEligibility(student=u, basis=WorkEligibility.Basis.CITIZEN, status=WorkEligibility.Status.ATTESTED)
            for u in users
        ],
        batch_size=BATCH,
    )
    applications = Application.objects.bulk_create(
        [
            Application(
                project=project,
                student=u,
                status=Application.Status.SHORTLISTED if i % 2 else Application.Status.SUBMITTED,
                submitted_at=now - timedelta(minutes=i),
            )
            for i, u in enumerate(users)
        ],
        batch_size=BATCH,
    )
    Answer.objects.bulk_create(
        [
            Answer(application=a, question=q, text=_text(rng, TOPICS + VERBS + AUDIENCES) * 3)
            for a in applications
            for q in questions
        ],
        batch_size=BATCH,
    )
    Assessment.objects.bulk_create(
        [Assessment(application=a, rating=1 + i % 5, notes="Clear answers.") for i, a in enumerate(applications[::3])],
        batch_size=BATCH,
    )
    return applications


def seed_student_applications(student, projects):
    """One application of ``student`` to each of ``projects``, cycling through every state."""
    now = timezone.now()
    states = list(Application.Status)
    return Application.objects.bulk_create(
        [
            Application(
                project=p,
                student=student,
                status=states[i % len(states)],
                submitted_at=None if states[i % len(states)] == Application.Status.DRAFT else now,
                offer_expires_at=now + timedelta(days=3),
            )
            for i, p in enumerate(projects)
        ]
    )


def session_cookie(user, *, second_factor=False):
    """A signed-in session for ``user``, as the Cookie header a browser would send; with
    ``second_factor``, one whose sign-in used an authenticator app (the admin asks for it)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if second_factor:
        from allauth.account.internal.flows.login import record_authentication
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP
        from django.test import RequestFactory

        authenticator = (
            Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
            or TOTP.activate(user, settings.DEMO_TOTP_SECRET).instance
        )
        request = RequestFactory().get("/")
        request.session = session
        record_authentication(request, user, "password")
        record_authentication(request, user, "mfa", type=authenticator.type, id=authenticator.pk)
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def seed_selection(slug, *, applicants=500, applications=25):
    """The project ``slug`` gets ``applicants`` applicants; one student applies to
    ``applications`` other projects. Returns session cookies for the project's employer and
    for that student."""
    project = Project.objects.get(slug=slug)
    with transaction.atomic():
        seed_applicants(project, applicants)
        student = User.objects.get(email="student0@bench.example")
        others = Project.objects.exclude(pk=project.pk).order_by("pk")[:applications]
        seed_student_applications(student, list(others))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"employer": session_cookie(project.contact), "student": session_cookie(student)}


def seed_engagement_page(*, rounds=8, milestones=5):
    """One engagement with its history filled in, for the page ``/engagements/<id>/`` as its
    organization reads it: ``rounds`` submissions (each but the last sent back for changes, two
    files each), ``milestones`` milestones, five kick-off times and an event per step. Returns
    the engagement and a session cookie for the project's contact."""
    from applications.models import Engagement, EngagementEvent, KickoffSlot, Milestone, Submission, SubmissionFile

    Status = Engagement.Status
    now = timezone.now()
    project = Project.objects.order_by("pk")[1]
    supervisor = project.contact
    with transaction.atomic():
        student = User.objects.create(
            email="engaged@bench.example", first_name="Eve", last_name="Engaged", role=User.Role.STUDENT
        )
        application = Application.objects.create(
            project=project, student=student, status=Application.Status.ACCEPTED, submitted_at=now, decided_at=now
        )
        engagement = Engagement.objects.create(application=application, project=project)
        kickoff_at = now - timedelta(days=20)
        slots = KickoffSlot.objects.bulk_create(
            KickoffSlot(
                engagement=engagement,
                starts_at=kickoff_at + timedelta(days=i),
                minutes=30,
                video_url="https://meet.example.com/bench",
                status=KickoffSlot.Status.BOOKED if i == 0 else KickoffSlot.Status.RELEASED,
                offered_by=supervisor,
            )
            for i in range(5)
        )
        due_on = timezone.localdate() + timedelta(days=5)
        Milestone.objects.bulk_create(
            Milestone(
                engagement=engagement,
                title=f"Milestone {i + 1}",
                due_on=due_on - timedelta(days=3 * (milestones - i)),
                done_at=now if i % 2 == 0 else None,
            )
            for i in range(milestones)
        )
        steps = [("", Status.AWAITING_KICKOFF), (Status.AWAITING_KICKOFF, Status.KICKOFF_BOOKED)]
        steps.append((Status.KICKOFF_BOOKED, Status.IN_PROGRESS))
        submissions = []
        for n in range(1, rounds + 1):
            last = n == rounds
            submissions.append(
                Submission(
                    engagement=engagement,
                    round=n,
                    url=f"https://drive.example.com/bench/round-{n}",
                    note=_text(random.Random(n), TOPICS + VERBS) * 3,
                    submitted_at=now - timedelta(days=rounds - n, hours=12),
                    outcome=Submission.Outcome.PENDING if last else Submission.Outcome.CHANGES_REQUESTED,
                    comment="" if last else _text(random.Random(-n), TOPICS + AUDIENCES) * 2,
                    answered_at=None if last else now - timedelta(days=rounds - n),
                    answered_by=None if last else supervisor,
                )
            )
            steps.append((Status.CHANGES_REQUESTED if n > 1 else Status.IN_PROGRESS, Status.WORK_SUBMITTED))
            if not last:
                steps.append((Status.WORK_SUBMITTED, Status.CHANGES_REQUESTED))
        submissions = Submission.objects.bulk_create(submissions)
        SubmissionFile.objects.bulk_create(
            SubmissionFile(
                submission=s,
                file=f"private/work/bench-{s.round}-{k}.pdf",
                name=f"round-{s.round}-part-{k}.pdf",
                size=250_000,
                content_type="application/pdf",
            )
            for s in submissions
            for k in (1, 2)
        )
        EngagementEvent.objects.bulk_create(
            EngagementEvent(
                engagement=engagement,
                from_status=old,
                to_status=new,
                by=supervisor if new in (Status.AWAITING_KICKOFF, Status.CHANGES_REQUESTED) else student,
                at=kickoff_at - timedelta(days=3) + timedelta(hours=10 * i),
                note=f"Step {i + 1}.",
            )
            for i, (old, new) in enumerate(steps)
        )
        Engagement.objects.filter(pk=engagement.pk).update(
            status=Status.WORK_SUBMITTED,
            kickoff=slots[0],
            kickoff_at=slots[0].starts_at,
            due_on=due_on,
            invite_sequence=1,
            submitted_at=submissions[-1].submitted_at,
        )
    return engagement, session_cookie(supervisor)


# The engagements the reminder jobs should find, DUE of each kind, among ``count``.
DUE = 25


def seed_engagements(count=100_000, *, due_each=DUE):
    """``count`` engagements of the seeded students (student i on project i, cycling), in every
    state, of which ``due_each`` per kind are due for a job: a kick-off that has started, a kick-off
    within 24 hours, a due date in 3 days, in 1 day, passed, and work unanswered for 4 and for
    8 days. Returns the number of engagements made."""
    from applications.models import Engagement, Submission

    Status = Engagement.Status
    now = timezone.now()
    today = timezone.localdate()
    students = list(
        User.objects.filter(email__startswith="student", email__endswith="@bench.example")
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    projects = list(Project.objects.order_by("pk").values_list("pk", flat=True))
    due = [
        {"status": Status.KICKOFF_BOOKED, "kickoff_at": now - timedelta(hours=1)},
        {"status": Status.KICKOFF_BOOKED, "kickoff_at": now + timedelta(hours=12)},
        {"status": Status.IN_PROGRESS, "due_on": today + timedelta(days=3)},
        {"status": Status.IN_PROGRESS, "due_on": today + timedelta(days=1)},
        {"status": Status.IN_PROGRESS, "due_on": today - timedelta(days=2)},
        {"status": Status.WORK_SUBMITTED, "submitted_at": now - timedelta(days=4)},
        {"status": Status.WORK_SUBMITTED, "submitted_at": now - timedelta(days=8)},
    ]

    def quiet(i):
        """Not due for anything: most engagements, whatever their state."""
        kind = i % 6
        if kind == 0:
            return {"status": Status.AWAITING_KICKOFF}
        if kind == 1:
            return {"status": Status.KICKOFF_BOOKED, "kickoff_at": now + timedelta(days=3 + i % 10)}
        if kind == 2:
            return {"status": Status.IN_PROGRESS, "due_on": today + timedelta(days=5 + i % 25)}
        if kind == 3:
            return {"status": Status.WORK_SUBMITTED, "submitted_at": now - timedelta(hours=1 + i % 40)}
        if kind == 4:
            return {"status": Status.COMPLETED, "due_on": today - timedelta(days=1 + i % 90), "completed_at": now}
        return {"status": Status.CANCELLED, "cancelled_at": now, "cancel_reason": Engagement.CancelReason.OTHER}

    made = 0
    with transaction.atomic():
        for start in range(0, len(students), BATCH):
            chunk = range(start, min(start + BATCH, len(students)))
            applications = Application.objects.bulk_create(
                Application(
                    project_id=projects[i % len(projects)],
                    student_id=students[i],
                    status=Application.Status.ACCEPTED,
                    submitted_at=now,
                    decided_at=now,
                )
                for i in chunk
            )
            engagements = Engagement.objects.bulk_create(
                Engagement(
                    application=a,
                    project_id=a.project_id,
                    **(due[i // due_each] if i < due_each * len(due) else quiet(i)),
                )
                for i, a in zip(chunk, applications, strict=True)
            )
            Submission.objects.bulk_create(
                Submission(engagement=e, round=1, url="https://drive.example.com/w", submitted_at=e.submitted_at)
                for e in engagements
                if e.status == Status.WORK_SUBMITTED
            )
            made += len(engagements)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return made


OUTCOME_SCHOOLS = ["Business", "Engineering", "Arts and Sciences", "Health", "Education", "Continuing Studies"]


def seed_outcomes(*, applications=200_000, payroll=20_000, out=print):
    """Grow the bench for the outcomes dashboard: 30 programs, every bench student in one (every
    tenth in two) with a class year, status and equity answers, a current eligibility record, and
    ``applications`` applications spread over 18 months and every state, each decided one with
    the employer's event; ``payroll`` students with an accepted offer have a certified payroll
    sign-up (until engagements and payouts exist, the dashboard counts those as paid).
    Applications and events are inserted by SQL (INSERT ... SELECT), the rest in bulk."""
    from django.db.models import Case, Value, When
    from django.db.models.functions import Mod

    from payroll.models import ContractorRecord
    from portal.models import Program

    levels = [Program.Level.UNDERGRADUATE, Program.Level.GRADUATE, Program.Level.CERTIFICATE]
    with transaction.atomic():
        programs = Program.objects.bulk_create(
            [
                Program(name=f"Program {i}", school=f"School of {OUTCOME_SCHOOLS[i % 6]}", level=levels[i % 3])
                for i in range(30)
            ]
        )
        students = list(
            StudentProfile.objects.filter(user__email__endswith="@bench.example", user__email__startswith="student")
            .order_by("pk")
            .values_list("pk", "user_id")
        )
        through = StudentProfile.programs.through
        through.objects.bulk_create(
            [through(studentprofile_id=p, program_id=programs[i % 30].pk) for i, (p, _) in enumerate(students)]
            + [
                through(studentprofile_id=p, program_id=programs[(i + 7) % 30].pk)
                for i, (p, _) in enumerate(students)
                if i % 10 == 0
            ],
            batch_size=BATCH,
        )
        StudentProfile.objects.filter(pk__in=[p for p, _ in students]).update(
            graduation_season="spring",
            graduation_year=Value(timezone.localdate().year) + Mod("id", 4),
            status=Case(When(id__endswith="0", then=Value("recent_graduate")), default=Value("current")),
            first_generation=Case(
                When(id__endswith="1", then=Value(True)), When(id__endswith="2", then=Value(False)), default=None
            ),
            pell_eligible=Case(When(id__endswith="3", then=Value(True)), default=Value(False)),
        )
        bases = [WorkEligibility.Basis.CITIZEN] * 7 + [
            WorkEligibility.Basis.F1_OPT,
            WorkEligibility.Basis.EAD,
            WorkEligibility.Basis.NONE,
        ]
        WorkEligibility.objects.bulk_create(
            [
                WorkEligibility(
                    student_id=u,
                    basis=bases[i % 10],
                    status=WorkEligibility.Status.VERIFIED
                    if bases[i % 10] in WorkEligibility.DOCUMENT_BASES
                    else WorkEligibility.Status.ATTESTED,
                )
                for i, (_, u) in enumerate(students)
            ],
            batch_size=BATCH,
        )
        out(f"  {len(programs)} programs; {len(students)} students with programs, class years and eligibility")
        # Student i (not the first: the bench's signed-in student has its own) applies to projects
        # i*7 + k*1009; the state follows n % 10; submissions spread over 540 days.
        user_ids = [u for _, u in students[1:]]
        project_ids = list(Project.objects.order_by("pk").values_list("pk", flat=True))
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO applications_application
                    (project_id, student_id, status, created_at, updated_at, submitted_at, offered_at,
                     decided_at, reason, message)
                SELECT p.ids[1 + (x.i * 7 + x.k * 1009) %% %(projects)s],
                       s.ids[1 + x.i],
                       (ARRAY['accepted', 'accepted', 'declined', 'not_selected', 'not_selected',
                              'not_selected', 'withdrawn', 'submitted', 'submitted', 'shortlisted'])[1 + g.n %% 10],
                       x.at, x.at, x.at,
                       CASE WHEN g.n %% 10 < 3 THEN x.at + interval '3 days' END,
                       CASE WHEN g.n %% 10 < 7 THEN x.at + interval '4 days' END,
                       CASE WHEN g.n %% 10 BETWEEN 3 AND 5 THEN 'another_candidate' ELSE '' END,
                       ''
                FROM generate_series(0, %(applications)s - 1) AS g(n)
                CROSS JOIN LATERAL (
                    SELECT g.n %% %(students)s AS i, g.n / %(students)s AS k,
                           now() - (g.n %% 540) * interval '1 day' AS at
                ) x
                CROSS JOIN (SELECT %(user_ids)s::bigint[] AS ids) s
                CROSS JOIN (SELECT %(project_ids)s::bigint[] AS ids) p
                ON CONFLICT DO NOTHING
                """,
                {
                    "students": len(user_ids),
                    "projects": len(project_ids),
                    "applications": applications,
                    "user_ids": user_ids,
                    "project_ids": project_ids,
                },
            )
            cursor.execute(
                """
                INSERT INTO applications_applicationevent (application_id, from_status, to_status, by_id, at, note)
                SELECT a.id, 'submitted',
                       CASE WHEN a.offered_at IS NOT NULL THEN 'offered' ELSE a.status END,
                       p.contact_id, COALESCE(a.offered_at, a.decided_at, a.submitted_at + interval '2 days'), ''
                FROM applications_application a JOIN opportunities_project p ON p.id = a.project_id
                WHERE a.student_id = ANY(%s::bigint[])
                  AND (a.offered_at IS NOT NULL OR a.status IN ('not_selected', 'shortlisted'))
                """,
                [user_ids],
            )
            # Up to 20,000 of the accepted offers are verified work: engagements completed about
            # three weeks after the offer, most by their due date.
            cursor.execute(
                """
                INSERT INTO applications_engagement
                    (application_id, project_id, status, created_at, updated_at, invite_uid, invite_sequence,
                     kickoff_at, due_on, submitted_at, completed_at, times_request_note, cancel_reason,
                     cancel_message)
                SELECT a.id, a.project_id, 'completed', a.decided_at, a.decided_at, gen_random_uuid(), 1,
                       a.decided_at + interval '4 days', (a.decided_at + interval '18 days')::date
                           + (a.id %% 4)::int, a.decided_at + interval '20 days', a.decided_at + interval '21 days',
                       '', '', ''
                FROM applications_application a
                WHERE a.student_id = ANY(%s::bigint[]) AND a.status = 'accepted'
                  AND NOT EXISTS (SELECT 1 FROM applications_engagement x WHERE x.application_id = a.id)
                ORDER BY a.id LIMIT %s
                """,
                [user_ids, payroll],
            )
        accepted = list(
            Application.objects.filter(status=Application.Status.ACCEPTED, student_id__in=user_ids)
            .exclude(student_id__in=ContractorRecord.objects.values("student_id"))
            .order_by("student_id")
            .values_list("student_id", flat=True)
            .distinct()[:payroll]
        )
        now = timezone.now()
        records = []
        for i, student_id in enumerate(accepted):
            record = ContractorRecord(
                student_id=student_id,
                legal_first_name="Bench",
                legal_last_name=f"Student {i}",
                address_line1="1 Bench Street",
                city="Springfield",
                state="MA",
                zip_code="01103",
                tin_type=ContractorRecord.TinType.SSN,
                payment_method=ContractorRecord.PaymentMethod.CHECK,
                certified_name="Bench Student",
                certified_at=now,
            )
            record.set_tin(f"{600000000 + i:09d}")
            records.append(record)
        ContractorRecord.objects.bulk_create(records, batch_size=BATCH)
        with connection.cursor() as cursor:
            # The completed work of students with a certified sign-up was paid five days later.
            cursor.execute(
                """
                INSERT INTO payroll_payout
                    (description, amount, status, method, approved_at, paid_on, failure_reason, failure_note,
                     blocked_because, created_at, updated_at, contractor_id, engagement_id, student_id)
                SELECT p.title, p.fee, 'paid', 'check', e.completed_at, (e.completed_at + interval '5 days')::date,
                       '', '', '', e.completed_at, e.completed_at, c.id, e.id, a.student_id
                FROM applications_engagement e
                JOIN applications_application a ON a.id = e.application_id
                JOIN opportunities_project p ON p.id = e.project_id
                JOIN payroll_contractorrecord c ON c.student_id = a.student_id
                WHERE e.completed_at IS NOT NULL AND a.student_id = ANY(%s::bigint[])
                  AND NOT EXISTS (SELECT 1 FROM payroll_payout x WHERE x.engagement_id = e.id)
                """,
                [user_ids],
            )
    out(f"  {applications} applications with the employers' decisions; {len(records)} certified payroll sign-ups")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return Program.objects.order_by("pk").values_list("pk", flat=True).first()


def outcomes_staff_cookie():
    """A career center staff member's session, for the outcomes dashboard."""
    from django.contrib.auth.models import Group

    from portal.permissions import CAREER_CENTER_GROUP

    staff = User.objects.create(email="staff@bench.example", role=User.Role.STAFF, is_staff=True, password=UNUSABLE)
    staff.groups.add(Group.objects.get(name=CAREER_CENTER_GROUP))
    return session_cookie(staff, second_factor=True)


def seed_offer(slug, *, others=1000):
    """The project ``slug`` gets one opening, ``others`` waiting applicants and one offered
    student, whose acceptance fills it. Returns that student's cookie and the application's id."""
    project = Project.objects.get(slug=slug)
    with transaction.atomic():
        Project.objects.filter(pk=project.pk).update(openings=1)
        seed_applicants(project, others)
        student = User.objects.create(
            email=f"offered-{project.pk}@bench.example", role=User.Role.STUDENT, password=UNUSABLE
        )
        StudentProfile.objects.create(user=student)
        now = timezone.now()
        offered = Application.objects.create(
            project=project,
            student=student,
            status=Application.Status.OFFERED,
            submitted_at=now,
            offered_at=now,
            offer_expires_at=now + timedelta(days=3),
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return session_cookie(student), offered.pk

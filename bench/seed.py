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


def _insert(model, rows, *, returning=False):
    """Rows (dicts of column attnames to database values) into ``model``'s table; the columns a
    row leaves out take a new instance's values (the model's defaults, auto_now fields). Returns
    the new primary keys, in order, with ``returning``. On PostgreSQL by psycopg2's
    ``execute_values``: bulk_create builds a model and prepares each of its fields per row, which
    was most of the seed's time (100,000 students took 30 seconds). Elsewhere (the tests'
    SQLite) by bulk_create."""
    rows = list(rows)
    if not rows:
        return []
    if connection.vendor != "postgresql":
        made = model.objects.bulk_create([model(**row) for row in rows], batch_size=BATCH)
        return [m.pk for m in made] if returning else None
    from psycopg2.extras import execute_values

    meta, quote = model._meta, connection.ops.quote_name
    template = model()
    fields = {field.attname: field for field in meta.concrete_fields if not field.primary_key}
    # Every column's value in a new instance, as bulk_create would write it; a default made by a
    # function (a UUID) is made again for each row.
    prepared = {
        name: field.get_db_prep_save(field.pre_save(template, add=True), connection) for name, field in fields.items()
    }
    fresh = {name: field for name, field in fields.items() if field.has_default() and callable(field.default)}
    given = list(dict.fromkeys(name for row in rows for name in row))
    names = given + [name for name in fields if name not in given]

    def value(row, name):
        if name in row:
            return row[name]
        if name in fresh:
            return fresh[name].get_db_prep_save(fresh[name].get_default(), connection)
        return prepared[name]

    values = [tuple(value(row, name) for name in names) for row in rows]
    columns = ", ".join(quote(meta.get_field(name).column) for name in names)
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES %s"  # noqa: S608 - our own names
    if returning:
        sql += f" RETURNING {quote(meta.pk.column)}"
    with connection.cursor() as cursor:
        found = execute_values(cursor.cursor, sql, values, page_size=BATCH, fetch=returning)
    return [pk for (pk,) in found] if returning else None


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
        user_ids = _insert(
            User,
            (
                {"email": f"student{i}@bench.example", "role": User.Role.STUDENT.value, "password": password}
                for i in range(students)
            ),
            returning=True,
        )
        profile_ids = _insert(StudentProfile, ({"user_id": pk} for pk in user_ids), returning=True)
        _insert(
            StudentProfile.skills.through,
            ({"studentprofile_id": pk, "skill_id": s.pk} for pk in profile_ids for s in rng.sample(skills, 2)),
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
    _insert(
        Project.skills.through,
        ({"project_id": p.pk, "skill_id": s.pk} for p in created for s in rng.sample(skills, 3)),
    )
    _insert(
        Question,
        (
            {"project_id": p.pk, "position": n, "text": f"Question {n + 1} about this project?", "max_chars": 800}
            for p in created
            for n in range(2)
        ),
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
    ``applications`` other projects. Returns the user ids of the project's employer and of
    that student."""
    project = Project.objects.get(slug=slug)
    with transaction.atomic():
        seed_applicants(project, applicants)
        student = User.objects.get(email="student0@bench.example")
        others = Project.objects.exclude(pk=project.pk).order_by("pk")[:applications]
        seed_student_applications(student, list(others))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"employer": project.contact_id, "student": student.pk}


def seed_engagement_page(*, rounds=8, milestones=5):
    """One engagement with its history filled in, for the page ``/engagements/<id>/`` as its
    organization reads it: ``rounds`` submissions (each but the last sent back for changes, two
    files each), ``milestones`` milestones, five kick-off times and an event per step. Returns
    the engagement and the id of the project's contact."""
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
    return engagement, supervisor.pk


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

    with transaction.atomic():
        application_ids = _insert(
            Application,
            (
                {
                    "project_id": projects[i % len(projects)],
                    "student_id": students[i],
                    "status": Application.Status.ACCEPTED.value,
                    "submitted_at": now,
                    "decided_at": now,
                }
                for i in range(len(students))
            ),
            returning=True,
        )
        states = [due[i // due_each] if i < due_each * len(due) else quiet(i) for i in range(len(students))]
        engagement_ids = _insert(
            Engagement,
            (
                {"application_id": a, "project_id": projects[i % len(projects)], **state}
                for i, (a, state) in enumerate(zip(application_ids, states, strict=True))
            ),
            returning=True,
        )
        _insert(
            Submission,
            (
                {
                    "engagement_id": e,
                    "round": 1,
                    "url": "https://drive.example.com/w",
                    "submitted_at": state["submitted_at"],
                }
                for e, state in zip(engagement_ids, states, strict=True)
                if state["status"] == Status.WORK_SUBMITTED
            ),
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return len(engagement_ids)


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
        _insert(
            StudentProfile.programs.through,
            [{"studentprofile_id": p, "program_id": programs[i % 30].pk} for i, (p, _) in enumerate(students)]
            + [
                {"studentprofile_id": p, "program_id": programs[(i + 7) % 30].pk}
                for i, (p, _) in enumerate(students)
                if i % 10 == 0
            ],
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
        _insert(
            WorkEligibility,
            (
                {
                    "student_id": u,
                    "basis": bases[i % 10],
                    "status": WorkEligibility.Status.VERIFIED
                    if bases[i % 10] in WorkEligibility.DOCUMENT_BASES
                    else WorkEligibility.Status.ATTESTED,
                }
                for i, (_, u) in enumerate(students)
            ),
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
    student, whose acceptance fills it. Returns that student's id and the application's."""
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
    return student.pk, offered.pk


def seed_bench(sizes, *, started, out=print):
    """Everything the bench's loads read, at ``sizes`` (run.py's SEED_ARGS); what the run needs
    to know of it, as JSON-ready values (kept with the seeded copy)."""
    import time

    from django.db import connections

    from applications.outcome_summary import note_everyone, refresh

    with unchecked_references() as unchecked:
        if not unchecked:
            out("  (not a superuser: PostgreSQL checks each reference, which takes minutes longer)")
        slug = seed(
            projects=sizes["projects"], organizations=sizes["organizations"], students=sizes["students"], out=out
        )
        users = seed_selection(slug, applicants=sizes["applicants"], applications=sizes["applications"])
        last_slugs = list(Project.objects.order_by("-pk").values_list("slug", flat=True)[:4])
        offer = seed_offer(last_slugs[0], others=sizes["others"])
        # Small acceptances first: each worker's first one also opens its broker connection.
        warm_offers = [seed_offer(slug, others=1) for slug in last_slugs[1:]]
        slugs = list(Project.objects.order_by("?").values_list("slug", flat=True)[: sizes["pages"]])
        engagement, users["supervisor"] = seed_engagement_page(rounds=sizes["rounds"])
        engagements = seed_engagements(sizes["engagements"])
        seconds = time.monotonic() - started
        out(f"  {engagements} engagements; one with {sizes['rounds']} rounds of work ({seconds:.0f}s)")
        program = seed_outcomes(applications=sizes["outcome_applications"], out=out)
    # What the career center does after a bulk import that bypassed the triggers noting who
    # changed (as the seed does): everyone noted, the summary rebuilt.
    refreshed = time.monotonic()
    note_everyone()
    out(f"  outcomes summary of {refresh(anew=True)} people rebuilt in {time.monotonic() - refreshed:.1f}s")
    # Everything written since the seed's last vacuums, vacuumed and analyzed, as the autovacuum
    # keeps production's tables: visibility maps set (index-only scans) and statistics current.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connections.close_all()
    return {
        "slug": slug,
        "slugs": slugs,
        "users": users,
        "offer": offer,
        "warm_offers": warm_offers,
        "engagement": engagement.pk,
        "program": program,
    }

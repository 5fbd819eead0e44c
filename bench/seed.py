"""Fill the bench database fast: bulk inserts, one UPDATE for every search vector."""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from applications.models import Answer, Application, Assessment
from opportunities.models import CareerPath, Project, Question
from opportunities.services import project_refresh_search
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
    project_refresh_search(projects=Project.objects.filter(pk__in=[p.pk for p in created]))
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


def session_cookie(user):
    """A signed-in session for ``user``, as the Cookie header a browser would send."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
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

"""Demo people, the skill vocabulary, student profiles and work-eligibility records."""

import io
import os
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify

from .models import LearningResource, Program, Skill, StudentProfile, User, WorkEligibility
from .permissions import CAREER_CENTER_GROUP
from .services import eligibility_approve, eligibility_declare

DEMO_PEOPLE = [
    ("student@demo.test", User.Role.STUDENT, "Sam", "Rivera", False),
    ("employer@demo.test", User.Role.EMPLOYER, "Erin", "Brooks", False),
    ("staff@demo.test", User.Role.STAFF, "Casey", "Nguyen", True),
    ("opt@demo.test", User.Role.STUDENT, "Priya", "Raman", False),
    ("j1@demo.test", User.Role.STUDENT, "Jonas", "Weber", False),
]

PROFILES = {
    "student@demo.test": {
        "program": "B.S. Business Analytics",
        "graduation_season": StudentProfile.Season.SPRING,
        "graduation_year": 2027,
        "status": StudentProfile.Status.CURRENT,
        "linkedin_url": "https://www.linkedin.com/in/sam-rivera-demo",
        "bio": "Analytics student who likes turning messy spreadsheets into clear answers. "
        "Tutor at the writing center; happiest on small teams with a deadline.",
        "skills": ["communication", "problem-solving", "microsoft-excel", "data-analysis", "sql"],
    },
    "opt@demo.test": {
        "program": "M.S. Computer Science",
        "graduation_season": StudentProfile.Season.FALL,
        "graduation_year": 2025,
        "status": StudentProfile.Status.RECENT_GRADUATE,
        "linkedin_url": "https://www.linkedin.com/in/priya-raman-demo",
        "bio": "Recent graduate on OPT; backend and data work in Python.",
        "skills": ["teamwork", "python", "sql"],
    },
    "j1@demo.test": {
        "program": "Exchange: Environmental Engineering",
        "graduation_season": StudentProfile.Season.SUMMER,
        "graduation_year": 2026,
        "status": StudentProfile.Status.CURRENT,
        "bio": "Exchange student from Germany interested in sustainability research.",
        "skills": ["adaptability", "market-research"],
    },
}

# The programs staff keep: (name, school or college, level).
PROGRAMS = [
    ("B.S. Business Analytics", "School of Business", Program.Level.UNDERGRADUATE),
    ("B.A. Economics", "College of Arts and Sciences", Program.Level.UNDERGRADUATE),
    ("B.A. Communication", "College of Arts and Sciences", Program.Level.UNDERGRADUATE),
    ("B.S. Computer Science", "School of Engineering", Program.Level.UNDERGRADUATE),
    ("B.S. Environmental Engineering", "School of Engineering", Program.Level.UNDERGRADUATE),
    ("M.S. Computer Science", "School of Engineering", Program.Level.GRADUATE),
    ("MBA", "School of Business", Program.Level.GRADUATE),
    ("Certificate in Data Analytics", "School of Continuing Studies", Program.Level.CERTIFICATE),
]
# Free-text majors of the demo profiles and the program each maps to.
PROGRAM_OF_TEXT = {
    "Exchange: Environmental Engineering": "B.S. Environmental Engineering",
}

SKILLS = {
    Skill.Kind.CORE: [
        "Communication",
        "Problem-solving",
        "Adaptability",
        "Quality of work",
        "Teamwork",
        "Time management",
    ],
    Skill.Kind.TECHNICAL: [
        "Microsoft Excel",
        "Data analysis",
        "Python",
        "SQL",
        "JavaScript",
        "Graphic design",
        "Social media marketing",
        "Copywriting",
        "Market research",
        "Project management",
        "UX research",
        "Financial modeling",
    ],
}


def demo_password():
    return os.environ.get("DEMO_PASSWORD", "demo-password-2026")


def demo_user(email, role, first_name="", last_name="", is_staff=False):
    """A demo login with a verified address; the password is reset on every run."""
    user, _ = User.objects.get_or_create(
        email=email, defaults={"role": role, "first_name": first_name, "last_name": last_name, "is_staff": is_staff}
    )
    user.set_password(demo_password())
    user.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def demo_second_factor(user):
    """The admin needs a second factor: the demo staff login's authenticator app uses
    DEMO_TOTP_SECRET, so anyone with the secret (printed by seed_demo) can make its codes."""
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    TOTP.activate(user, settings.DEMO_TOTP_SECRET)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists():
        RecoveryCodes.activate(user)


def seed(out):
    for email, role, first, last, is_staff in DEMO_PEOPLE:
        user = demo_user(email, role, first, last, is_staff)
        if is_staff:
            user.groups.add(Group.objects.get(name=CAREER_CENTER_GROUP))
            demo_second_factor(user)
    for kind, names in SKILLS.items():
        for name in names:
            skill, _ = Skill.objects.get_or_create(slug=slugify(name), defaults={"name": name, "kind": kind})
            LearningResource.objects.get_or_create(
                skill=skill,
                title=f"{name} essentials",
                defaults={
                    "url": f"https://www.linkedin.com/learning/search?keywords={slugify(name)}",
                    "provider": "LinkedIn Learning (free with a public library card)",
                },
            )
    for name, school, level in PROGRAMS:
        Program.objects.get_or_create(name=name, level=level, defaults={"school": school})
    for email, fields in PROFILES.items():
        seed_profile(User.objects.get(email=email), **fields)
    seed_eligibility()
    out.write(f"  people: {len(DEMO_PEOPLE)}, skills: {Skill.objects.count()}, profiles: {len(PROFILES)}")
    out.write("  also students opt@demo.test (F-1 OPT, verified) and j1@demo.test (J-1, waiting for review)")


def tiny_pdf(title):
    """A one-page PDF made in code, so the demo needs no binary files."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def seed_profile(user, *, skills, **fields):
    profile, _ = StudentProfile.objects.update_or_create(
        user=user, defaults={**fields, "adult_attested_at": timezone.now()}
    )
    profile.skills.set(Skill.objects.filter(slug__in=skills))
    text = fields.get("program", "")
    profile.programs.set(Program.objects.filter(name=PROGRAM_OF_TEXT.get(text, text)))
    if not profile.resume or not profile.resume.storage.exists(profile.resume.name):
        profile.resume.save("resume.pdf", ContentFile(tiny_pdf(f"Résumé of {user.get_full_name()}")), save=False)
        profile.resume_uploaded_at = timezone.now()
        profile.save(update_fields=["resume", "resume_uploaded_at"])


def seed_eligibility():
    today = timezone.localdate()
    staff = User.objects.get(email="staff@demo.test")
    opt = User.objects.get(email="opt@demo.test")
    if not WorkEligibility.objects.filter(student=opt, is_current=True).exists():
        record = eligibility_declare(
            student=opt,
            basis=WorkEligibility.Basis.F1_OPT,
            starts_on=today - timedelta(days=30),
            ends_on=today + timedelta(days=300),
            document=ContentFile(tiny_pdf("OPT EAD card (demo)"), name="ead.pdf"),
        )
        eligibility_approve(record=record, by=staff)
    j1 = User.objects.get(email="j1@demo.test")
    if not WorkEligibility.objects.filter(student=j1, is_current=True).exists():
        eligibility_declare(
            student=j1,
            basis=WorkEligibility.Basis.J1_ACADEMIC_TRAINING,
            starts_on=today + timedelta(days=7),
            ends_on=today + timedelta(days=180),
            document=ContentFile(tiny_pdf("Academic training letter (demo)"), name="ds2019.pdf"),
        )

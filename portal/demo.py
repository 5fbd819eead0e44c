"""Demo people and the skill vocabulary."""

import os

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils.text import slugify

from .models import LearningResource, Skill, User
from .permissions import CAREER_CENTER_GROUP

DEMO_PEOPLE = [
    ("student@demo.test", User.Role.STUDENT, "Sam", "Rivera", False),
    ("employer@demo.test", User.Role.EMPLOYER, "Erin", "Brooks", False),
    ("staff@demo.test", User.Role.STAFF, "Casey", "Nguyen", True),
]

SKILLS = {
    Skill.Kind.CORE: ["Communication", "Problem-solving", "Adaptability", "Teamwork", "Time management"],
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


def seed(out):
    for email, role, first, last, is_staff in DEMO_PEOPLE:
        user = demo_user(email, role, first, last, is_staff)
        if is_staff:
            user.groups.add(Group.objects.get(name=CAREER_CENTER_GROUP))
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
    out.write(f"  people: {len(DEMO_PEOPLE)}, skills: {Skill.objects.count()}")

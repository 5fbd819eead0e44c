import io
from datetime import timedelta
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from opportunities.models import CareerPath, Project, Question
from portal.models import Membership, Organization, Skill, StudentProfile, User, WorkEligibility

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.edu")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = User.Role.STUDENT

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=self, email=self.email, verified=extracted is not False, primary=True)


class StudentFactory(UserFactory):
    role = User.Role.STUDENT


class EmployerFactory(UserFactory):
    """An employer who owns a new verified organization, unless told otherwise:
    ``organization=False`` for none, ``organization=org`` to be a member of that one."""

    role = User.Role.EMPLOYER

    @factory.post_generation
    def organization(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        if extracted is None:
            MembershipFactory(user=self, role=Membership.Role.OWNER, **kwargs)
        else:
            MembershipFactory(user=self, organization=extracted, **kwargs)


class StaffFactory(UserFactory):
    role = User.Role.STAFF
    is_staff = True


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Skill {n}")
    slug = factory.Sequence(lambda n: f"skill-{n}")


def pdf_bytes(pages=1):
    """A small valid PDF, made the way a real one is (pypdf writes it)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_bytes():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_upload(name="resume.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


class StudentProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudentProfile
        django_get_or_create = ["user"]

    user = factory.SubFactory(StudentFactory)
    program = "B.S. Biology"


class WorkEligibilityFactory(factory.django.DjangoModelFactory):
    """A current declaration; pass ``basis``, ``status``, dates and ``document`` as needed."""

    class Meta:
        model = WorkEligibility

    student = factory.SubFactory(StudentFactory)
    basis = WorkEligibility.Basis.CITIZEN
    status = WorkEligibility.Status.ATTESTED
    is_current = True


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"organization-{n}")
    website = factory.Sequence(lambda n: f"https://org{n}.example.com")
    size = Organization.Size.SMALL
    industry = "Software"
    state = "MA"
    status = Organization.Status.VERIFIED


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(EmployerFactory, organization=False)
    role = Membership.Role.MEMBER


class ProjectFactory(factory.django.DjangoModelFactory):
    """A published, open project of a verified organization, with one question."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Project {n}")
    slug = factory.Sequence(lambda n: f"project-{n}")
    summary = "A short, paid project."
    description = "Work with our team on a well-scoped problem."
    deliverables = "A short report."
    career_path = CareerPath.DATA
    estimated_hours = 10
    fee = Decimal("300.00")
    remote = True
    openings = 1
    apply_by = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
    duration_days = 14
    contact = factory.LazyAttribute(lambda o: MembershipFactory(organization=o.organization).user)
    status = Project.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        if create and extracted:
            self.skills.set(extracted)

    @factory.post_generation
    def questions(self, create, extracted, **kwargs):
        if create and extracted is not False:
            for i, text in enumerate(extracted or ["Why does this project interest you?"]):
                Question.objects.create(project=self, position=i, text=text, max_chars=500)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An application in any state (``status=``), with an answer to every question unless
    ``answers=False``; the timestamps its state implies are filled in."""

    class Meta:
        model = "applications.Application"
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory)
    student = factory.SubFactory(StudentFactory)
    status = "draft"
    submitted_at = factory.LazyAttribute(lambda o: None if o.status == "draft" else timezone.now())
    offered_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status in ("offered", "accepted", "declined", "lapsed") else None
    )
    offer_expires_at = factory.LazyAttribute(lambda o: o.offered_at + timedelta(days=3) if o.offered_at else None)

    @factory.post_generation
    def answers(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        from applications.models import Answer

        for question in self.project.questions.all():
            Answer.objects.create(application=self, question=question, text="A thoughtful answer.")

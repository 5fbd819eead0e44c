import io

import factory
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.models import Skill, StudentProfile, User, WorkEligibility

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
    role = User.Role.EMPLOYER


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

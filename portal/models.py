import uuid
from urllib.parse import urlsplit

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .prepared import Prepared
from .programs import Program
from .zones import zone_choices


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        # Not the model's default (a student): a superuser is career center staff.
        extra.setdefault("role", self.model.Role.STAFF)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)

    def get(self, *args, **kwargs):
        """Django's get(); by primary key alone (the signed-in user, loaded by the authentication
        backend on every request), a query compiled once (portal.prepared): the ORM's building
        and compiling cost three times the query."""
        pk = kwargs.get("pk")
        if args or len(kwargs) != 1 or not isinstance(pk, int | str) or not str(pk).isdigit() or int(pk) >= 2**63:
            return super().get(*args, **kwargs)
        found = _USER_BY_PK(using=self.db, pk=int(pk))
        if not found:
            raise self.model.DoesNotExist(f"{self.model._meta.object_name} matching query does not exist.")
        return found[0]


_USER_BY_PK = Prepared(lambda *, pk: User._default_manager.get_queryset().filter(pk=pk))


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address; there is no username."""

    class Role(models.TextChoices):
        STUDENT = "student", "Student or graduate"
        EMPLOYER = "employer", "Employer"
        STAFF = "staff", "Career center staff"

    email = models.EmailField("email address", unique=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STUDENT)
    is_staff = models.BooleanField(default=False, help_text="Can sign in to the admin.")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    time_zone = models.CharField(
        max_length=64, choices=zone_choices, blank=True, help_text="Times are shown in this zone; blank: the portal's."
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email

    def get_full_name(self):
        return self.full_name_of(self.first_name, self.last_name, self.email)

    @staticmethod
    def full_name_of(first_name, last_name, email):
        """get_full_name() from the columns, for lists that read them without the user."""
        return f"{first_name} {last_name}".strip() or email

    def get_short_name(self):
        return self.first_name or self.email

    @property
    def public_name(self):
        """The name for pages anyone can open: never the email address (get_full_name falls back to it)."""
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_student(self):
        """Student pages are for students; an account with admin access is staff, never a
        student (see ``portal.access``)."""
        return self.role == self.Role.STUDENT and not self.is_staff

    @property
    def is_employer(self):
        return self.role == self.Role.EMPLOYER


class Skill(models.Model):
    """The shared vocabulary of profiles and projects, kept by staff in the admin."""

    class Kind(models.TextChoices):
        CORE = "core", "Core competency"
        TECHNICAL = "technical", "Technical skill"

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.TECHNICAL)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class LearningResource(models.Model):
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(max_length=200)
    url = models.URLField()
    provider = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["skill", "title"]

    def __str__(self):
        return self.title


class OutboundEmail(models.Model):
    """One email to send: written with the change that causes it, sent by Celery after commit.

    ``(kind, object_key, recipient)`` is unique, so the same event never mails the same person
    twice however often the code that causes it runs.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=80)
    object_key = models.CharField(max_length=120)
    recipient = models.EmailField()
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # Extra message headers, e.g. List-Unsubscribe for digests (RFC 2369 and RFC 8058).
    headers = models.JSONField(default=dict, blank=True)
    # Files sent with the message (a calendar invitation): [{"name", "type", "content"}], text
    # content as is, binary content base64-encoded with "base64": true.
    attachments = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "outbound email"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_key", "recipient"], name="outbox_unique_event_recipient")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self):
        return f"{self.kind} to {self.recipient}"


def _private_name(folder, filename):
    """A random stored name: the person's own file name never reaches the disk or a URL."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    extension = {"jpeg": "jpg"}.get(extension, extension)
    return f"{folder}/{uuid.uuid4().hex}.{extension}"


def resume_upload_to(instance, filename):
    return _private_name("resumes", filename)


def eligibility_document_upload_to(instance, filename):
    return _private_name("eligibility", filename)


def validate_linkedin_url(value):
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    path = parts.path.strip("/").split("/")
    if (
        parts.scheme not in ("http", "https")
        or not (host == "linkedin.com" or host.endswith(".linkedin.com"))
        or len(path) < 2
        or path[0] != "in"
        or not path[1]
    ):
        raise ValidationError(
            "Enter your LinkedIn profile address, like https://www.linkedin.com/in/your-name.", code="linkedin"
        )


class StudentProfileQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Profiles (and their résumés) this person may see: their own; all for career center
        staff; for an employer, those of students who submitted an application (a draft does not
        count) to a project of the employer's organization. Applications live in a later app, so
        they are reached by name across the reverse relation."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff and user.has_perm("portal.view_studentprofile"):
            return self
        if user.is_employer:
            applicants = User.objects.filter(
                applications__submitted_at__isnull=False,
                applications__project__organization__memberships__user=user,
            )
            return self.filter(user__in=applicants.values("pk"))
        return self.filter(user=user)


class StudentProfile(models.Model):
    """A student's profile: what employers read next to an application."""

    BIO_MAX_LENGTH = 600
    COMPLETENESS_ITEMS = 10  # the checks in missing()

    class Season(models.TextChoices):
        SPRING = "spring", "Spring"
        SUMMER = "summer", "Summer"
        FALL = "fall", "Fall"
        WINTER = "winter", "Winter"

    class Status(models.TextChoices):
        CURRENT = "current", "Current student"
        RECENT_GRADUATE = "recent_graduate", "Recent graduate"
        ALUMNUS = "alumnus", "Alumnus"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="student_profile")
    program = models.CharField("program or major", max_length=200, blank=True)
    programs = models.ManyToManyField(Program, blank=True, related_name="students")
    graduation_season = models.CharField(max_length=8, choices=Season.choices, blank=True)
    graduation_year = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    resume = models.FileField("résumé", upload_to=resume_upload_to, blank=True, max_length=200)
    resume_uploaded_at = models.DateTimeField(null=True, blank=True)
    linkedin_url = models.URLField("LinkedIn URL", blank=True, validators=[validate_linkedin_url])
    skills = models.ManyToManyField(Skill, blank=True, related_name="students")
    bio = models.TextField("short bio", max_length=BIO_MAX_LENGTH, blank=True)
    adult_attested_at = models.DateTimeField("attested 18 or older at", null=True, blank=True)
    # Optional and self-reported; private: staff see them only as counts of five or more.
    first_generation = models.BooleanField("first-generation college student", null=True, blank=True)
    pell_eligible = models.BooleanField("eligible for a Pell Grant", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StudentProfileQuerySet.as_manager()

    class Meta:
        ordering = ["user__last_name", "user__first_name", "user__email"]
        # The class years staff filter by: the outcomes page lists them on every load.
        indexes = [models.Index(fields=["graduation_year"], name="profile_graduation_year_idx")]

    def __str__(self):
        return f"Profile of {self.user}"

    @property
    def graduation_term(self):
        return self.term_of(self.graduation_season, self.graduation_year)

    @classmethod
    def term_of(cls, season, year):
        """The graduation term ("Spring 2027") from the columns, for lists that read them without
        the profile."""
        if not year:
            return ""
        # The label from its enum: get_graduation_season_display() hashes the value on each call
        # (once per card of the applicants page).
        label = cls.Season(season).label if season else ""
        return f"{label} {year}".strip()

    @property
    def class_year(self):
        """The class a student belongs to is the year of the graduation term ("Class of 2027")."""
        return self.graduation_year

    def missing(self, skills=None):
        """What the completeness meter lists as still to do, in the order of the form.

        ``skills`` may be passed when the caller already holds them (saves a query)."""
        skills = list(self.skills.all()) if skills is None else skills
        kinds = {skill.kind for skill in skills}
        checks = [
            (self.user.first_name and self.user.last_name, "your first and last name"),
            (self.program or (self.pk and self.programs.exists()), "your program or major"),
            (self.graduation_year and self.graduation_season, "your graduation term"),
            (self.status, "your status (current student, recent graduate or alumnus)"),
            (self.resume, "your résumé (PDF)"),
            (self.linkedin_url, "your LinkedIn URL"),
            (Skill.Kind.CORE in kinds, "at least one core competency"),
            (Skill.Kind.TECHNICAL in kinds, "at least one technical skill"),
            (self.bio, "a short bio"),
            (self.adult_attested_at, "the confirmation that you are 18 or older"),
        ]
        return [label for done, label in checks if not done]

    def completeness(self, missing=None):
        missing = self.missing() if missing is None else missing
        return round(100 * (self.COMPLETENESS_ITEMS - len(missing)) / self.COMPLETENESS_ITEMS)


class WorkEligibilityQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)

    def visible_to(self, user):
        """Records (and their documents) this person may see: their own, or all for staff."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff and user.has_perm("portal.view_workeligibility"):
            return self
        return self.filter(student=user)


class WorkEligibility(models.Model):
    """One declaration of work authorization. A new declaration supersedes the previous one
    (``is_current`` moves), and every record stays as history."""

    class Basis(models.TextChoices):
        CITIZEN = "citizen", "U.S. citizen or national"
        PERMANENT_RESIDENT = "permanent_resident", "Lawful permanent resident (green card)"
        F1_CPT = "f1_cpt", "F-1 student with Curricular Practical Training (CPT)"
        F1_OPT = "f1_opt", "F-1 student with Optional Practical Training (OPT, including STEM OPT)"
        J1_ACADEMIC_TRAINING = "j1_at", "J-1 student with academic training"
        EAD = "ead", "Other employment authorization (EAD, for example DACA, TPS or asylum)"
        ITIN = "itin", "No work authorization and not in F-1/J-1 status; paid with a valid ITIN"
        NONE = "none", "None of these"

    class Status(models.TextChoices):
        ATTESTED = "attested", "Attested"
        PENDING = "pending", "Pending review"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"
        EXPIRED = "expired", "Expired"

    # Bases that need a document, dates and a staff check.
    DOCUMENT_BASES = frozenset({Basis.F1_CPT, Basis.F1_OPT, Basis.J1_ACADEMIC_TRAINING, Basis.EAD})
    # Bases whose authorization has a start as well as an end.
    DATED_BASES = frozenset({Basis.F1_CPT, Basis.F1_OPT, Basis.J1_ACADEMIC_TRAINING})
    STUDENT_VISA_BASES = DATED_BASES

    student = models.ForeignKey(User, on_delete=models.CASCADE, related_name="eligibility_records")
    basis = models.CharField(max_length=24, choices=Basis.choices)
    starts_on = models.DateField("authorized from", null=True, blank=True)
    ends_on = models.DateField("authorized until", null=True, blank=True)
    document = models.FileField(upload_to=eligibility_document_upload_to, blank=True, max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices)
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="staff reviewer"
    )
    decided_at = models.DateTimeField("decision time", null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why the declaration was rejected; the student sees it.")
    reminded_at = models.DateTimeField("expiry reminder sent at", null=True, blank=True)

    history = HistoricalRecords()
    objects = WorkEligibilityQuerySet.as_manager()

    class Meta:
        verbose_name = "work eligibility record"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["student"], condition=models.Q(is_current=True), name="eligibility_one_current_per_student"
            )
        ]
        indexes = [models.Index(fields=["status", "ends_on"], name="eligibility_status_ends_idx")]

    def __str__(self):
        return f"{self.get_basis_display()} ({self.get_status_display()}) for {self.student}"

    @property
    def needs_document(self):
        return self.basis in self.DOCUMENT_BASES


# Organizations live beside their services and views; importing them here registers them with
# the ``portal`` app, as before.
from .organizations.models import Invitation, Membership, Organization  # noqa: E402

__all__ = [
    "Invitation",
    "LearningResource",
    "Membership",
    "Organization",
    "OutboundEmail",
    "Skill",
    "StudentProfile",
    "User",
    "WorkEligibility",
]

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


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
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


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

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def get_short_name(self):
        return self.first_name or self.email

    @property
    def is_student(self):
        return self.role == self.Role.STUDENT

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


class StudentProfile(models.Model):
    """A student's profile; the fields beyond identity and skills come with the profile page."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="student_profile")
    skills = models.ManyToManyField(Skill, blank=True, related_name="students")

    def __str__(self):
        return f"Profile of {self.user}"

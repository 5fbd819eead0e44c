"""Organizations, their members and invitations (models of the ``portal`` app)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from portal.states import us_states
from portal.zones import default_zone_name, zone_choices

User = settings.AUTH_USER_MODEL


class Organization(models.Model):
    """An employer: projects belong to it. Staff verify it before any of its projects is listed."""

    class Size(models.TextChoices):
        STARTUP = "startup", "Start-up"
        SMALL = "small", "Small"
        MIDSIZE = "midsize", "Mid-size"
        LARGE = "large", "Large"
        FORTUNE_100 = "fortune100", "Fortune 100"
        NONPROFIT = "nonprofit", "Non-profit"
        PUBLIC = "public", "Public sector"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending verification"
        VERIFIED = "verified", "Verified"
        SUSPENDED = "suspended", "Suspended"

    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=170, unique=True)
    website = models.URLField(max_length=300)
    size = models.CharField(max_length=16, choices=Size.choices)
    industry = models.CharField(max_length=100)
    state = models.CharField("state", max_length=2, choices=us_states)
    time_zone = models.CharField(max_length=64, choices=zone_choices, default=default_zone_name)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    status_reason = models.TextField(blank=True, help_text="Why it was suspended, shown to staff.")
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status"], name="organization_status_idx")]

    def __str__(self):
        return self.name

    @property
    def is_verified(self):
        return self.status == self.Status.VERIFIED


class Membership(models.Model):
    """An employer's place in an organization. One organization per employer account."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        MEMBER = "member", "Member"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organization", "user__email"]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}) at {self.organization}"

    @property
    def is_owner(self):
        return self.role == self.Role.OWNER


class Invitation(models.Model):
    """An owner's emailed invitation to join the organization; the link carries a random token."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation of {self.email} to {self.organization}"

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from portal.models import Membership, Organization, Skill
from portal.states import us_states
from portal.transitions import Event

SEARCH_CONFIG = "english"


class CareerPath(models.TextChoices):
    BUSINESS = "business", "Business and operations"
    CONSULTING = "consulting", "Consulting and strategy"
    DATA = "data", "Data and analytics"
    DESIGN = "design", "Design and creative"
    EDUCATION = "education", "Education"
    ENGINEERING = "engineering", "Engineering and software"
    FINANCE = "finance", "Finance and accounting"
    HEALTH = "health", "Health and life sciences"
    HR = "hr", "Human resources"
    MARKETING = "marketing", "Marketing and communications"
    NONPROFIT = "nonprofit", "Non-profit and social impact"
    RESEARCH = "research", "Research"
    SALES = "sales", "Sales and customer success"


class ProjectQuerySet(models.QuerySet):
    def browsable(self):
        """What students see: published, still open, from a verified organization."""
        return self.filter(
            status=Project.Status.PUBLISHED,
            apply_by__gte=timezone.localdate(),
            organization__status=Organization.Status.VERIFIED,
        )

    def visible_to(self, user):
        """Project pages a person may open: listed ones for everyone; any state for the
        organization's members (a preview) and for career center staff."""
        if getattr(user, "is_authenticated", False) and user.is_staff:
            return self.all()
        listed = Q(
            status__in=Project.LISTED,
            organization__status=Organization.Status.VERIFIED,
        )
        if getattr(user, "is_authenticated", False) and user.is_employer:
            # Exists, not a join: OR-ing a join over memberships repeats a listed project once
            # per member of its organization (and get() then fails).
            member = Exists(Membership.objects.filter(organization=OuterRef("organization"), user=user))
            return self.filter(listed | Q(member))
        return self.filter(listed)

    def managed_by(self, user):
        """Projects the user may see and change as a member of their organization; the one
        place that decides it, so a forgotten filter cannot show another organization's work."""
        if not getattr(user, "is_authenticated", False) or not user.is_employer:
            return self.none()
        return self.filter(organization__memberships__user=user)


CENT = Decimal("0.01")


def hourly_rate(fee, hours):
    return (fee / hours).quantize(CENT, rounding=ROUND_HALF_UP)


def location(remote, city, state):
    """Where the work happens, as listings and pages show it."""
    if remote:
        return "Remote"
    return ", ".join(part for part in (city, state) if part)


class Project(models.Model):
    """A micro-internship listing."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        CLOSED = "closed", "Closed"
        CANCELLED = "cancelled", "Cancelled"

    # The states each change starts from, and the states with a public page and applicants.
    CANCELLABLE = [Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED]
    CLOSABLE = [Status.PUBLISHED]
    REOPENABLE = [Status.CLOSED]
    LISTED = [Status.PUBLISHED, Status.CLOSED]
    # Staff may edit a project in the admin until it is listed; from then on its terms change
    # only through services.project_amend, which checks the posting rules and leaves an event.
    ADMIN_EDITABLE = [Status.DRAFT, Status.IN_REVIEW]
    AMENDABLE = [Status.PUBLISHED, Status.CLOSED]

    HOURS_MIN, HOURS_MAX = 5, 40
    # Applications close at most about six months ahead: projects are short and near.
    APPLY_BY_MAX_DAYS = 183
    OPENINGS_MIN, OPENINGS_MAX = 1, 10
    DURATION_MIN, DURATION_MAX = 7, 31

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True, editable=False)
    summary = models.CharField(max_length=280, help_text="One or two sentences shown in the listings.")
    description = models.TextField(max_length=10000, help_text="Plain text; links become clickable.")
    deliverables = models.TextField(max_length=5000, help_text="What the student hands in. Plain text.")
    career_path = models.CharField(max_length=20, choices=CareerPath.choices)
    skills = models.ManyToManyField(Skill, related_name="projects")
    estimated_hours = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(HOURS_MIN), MaxValueValidator(HOURS_MAX)]
    )
    fee = models.DecimalField(
        "fee (USD)", max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    remote = models.BooleanField(default=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, choices=us_states, blank=True)
    openings = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(OPENINGS_MIN), MaxValueValidator(OPENINGS_MAX)]
    )
    apply_by = models.DateField()
    duration_days = models.PositiveSmallIntegerField(
        "duration (days from kick-off to due date)",
        validators=[MinValueValidator(DURATION_MIN), MaxValueValidator(DURATION_MAX)],
    )
    contact = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contact_for_projects")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    review_note = models.TextField(blank=True, help_text="The career center's reason when it sent the project back.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Staff and services change listings that students rely on; every version is kept.
    history = HistoricalRecords()

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "apply_by"], name="project_status_apply_by_idx"),
            models.Index(fields=["-published_at"], name="project_published_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_hours__gte=5, estimated_hours__lte=40), name="project_hours_5_40"
            ),
            models.CheckConstraint(condition=Q(openings__gte=1, openings__lte=10), name="project_openings_1_10"),
            models.CheckConstraint(
                condition=Q(duration_days__gte=7, duration_days__lte=31), name="project_duration_7_31"
            ),
            models.CheckConstraint(condition=Q(fee__gt=0), name="project_fee_positive"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("opportunities:project-detail", args=[self.slug])

    @property
    def hourly_rate(self):
        return hourly_rate(self.fee, self.estimated_hours)

    @property
    def location(self):
        return location(self.remote, self.city, self.state)

    @property
    def is_open(self):
        return self.status == self.Status.PUBLISHED and self.apply_by >= timezone.localdate()

    @property
    def is_editable(self):
        return self.status == self.Status.DRAFT

    @property
    def can_submit(self):
        return self.status == self.Status.DRAFT

    @property
    def is_in_review(self):
        return self.status == self.Status.IN_REVIEW

    @property
    def can_close(self):
        return self.status in self.CLOSABLE

    @property
    def can_reopen(self):
        return self.status in self.REOPENABLE

    @property
    def can_cancel(self):
        return self.status in self.CANCELLABLE

    @property
    def is_listed(self):
        """Published or closed: it has a public page and applicants."""
        return self.status in self.LISTED

    @property
    def was_sent_back(self):
        return self.status == self.Status.DRAFT and bool(self.review_note)

    @property
    def is_amendable(self):
        return self.status in self.AMENDABLE


class Listing(models.Model):
    """A published project of a verified organization, as search reads it: the columns that
    filter and sort, and the search vector (title A, skills and summary B, description and
    deliverables C). Kept by ``services.listing_refresh`` whenever a project, its skills or its
    organization change (``signals``), so it never needs rebuilding.

    Its own narrow table, because a search ranks and counts every match: reading that from the
    projects' wide rows (descriptions and all) was most of a search's time, and grew with them."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, primary_key=True, related_name="listing")
    # PostgreSQL only: SQLite matches the project's text with icontains and leaves this empty.
    search_vector = SearchVectorField(null=True)
    published_at = models.DateTimeField()
    apply_by = models.DateField()
    career_path = models.CharField(max_length=20, choices=CareerPath.choices)
    estimated_hours = models.PositiveSmallIntegerField()
    fee = models.DecimalField(max_digits=8, decimal_places=2)
    remote = models.BooleanField()

    class Meta:
        # One per order a search can ask for (search._ORDERS), newest first within: a sorted page
        # walks its index and stops at its twentieth match instead of sorting every match
        # (7.6 -> 1.2 ms a page at 100,000 projects).
        indexes = [
            models.Index(fields=["-published_at", "-project"], name="listing_published_idx"),
            models.Index(fields=["apply_by", "-published_at", "-project"], name="listing_apply_by_idx"),
            models.Index(fields=["-fee", "-published_at", "-project"], name="listing_fee_idx"),
        ]

    def __str__(self):
        return f"Listing of project {self.project_id}"


class ListingVersion(models.Model):
    """The browse cache's listing version (``listing_cache``): one row, moved on after every
    committed change to what the browse page shows. A search reads it in the same statement as
    its data, so a page is kept under the version of the state it was read from."""

    value = models.BigIntegerField(default=0)

    def __str__(self):
        return f"Listing version {self.value}"


class Question(models.Model):
    """One short-answer question of a project (1 to 5 each)."""

    LIMIT_MIN, LIMIT_MAX = 100, 2000

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField("question", max_length=500)
    max_chars = models.PositiveSmallIntegerField(
        "character limit", default=1000, validators=[MinValueValidator(LIMIT_MIN), MaxValueValidator(LIMIT_MAX)]
    )
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["project_id", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_chars__gte=100, max_chars__lte=2000), name="question_max_chars_100_2000"
            ),
        ]

    def __str__(self):
        return self.text


class ProjectEvent(Event):
    """The trail of a project: every change of state, who made it and when."""

    subject_field = "project"
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["project_id", "at", "pk"]


class SavedSearch(models.Model):
    """A student's saved browse query, mailed as a daily digest of newly published matches."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(max_length=200)
    query = models.CharField(max_length=1000, help_text="The browse page's query string.")
    created_at = models.DateTimeField(default=timezone.now)
    # Projects published after this moment are new for the next digest.
    last_digest_at = models.DateTimeField(default=timezone.now)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "saved searches"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "query"], name="saved_search_unique_per_user")]

    def __str__(self):
        return self.name


class SavedSearchHit(models.Model):
    """A project already mailed in one saved search's digest: never twice."""

    search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="hits")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["search", "project"], name="saved_search_hit_unique")]

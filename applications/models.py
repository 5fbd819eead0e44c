from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from opportunities.models import Project, Question
from portal.transitions import Event


class ApplicationQuerySet(models.QuerySet):
    def holding(self):
        """Applications that hold an opening: an offer out, or accepted with an engagement that
        was not cancelled (a cancelled engagement frees its opening)."""
        return self.filter(status__in=Application.HOLDING).exclude(engagement__status="cancelled")

    def of_student(self, user):
        """A student's own applications, drafts included."""
        if not getattr(user, "is_authenticated", False) or not user.is_student:
            return self.none()
        return self.filter(student=user)

    def for_employer(self, user):
        """Applications an organization's members review: submitted (never drafts) to its projects.
        The one place that decides it, so a forgotten filter cannot show another organization's
        applicants."""
        if not getattr(user, "is_authenticated", False) or not user.is_employer:
            return self.none()
        return self.filter(project__organization__memberships__user=user, submitted_at__isnull=False)


class Application(models.Model):
    """One student's application to one project, from draft to the answer to an offer."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        SHORTLISTED = "shortlisted", "Shortlisted"
        OFFERED = "offered", "Offer made"
        ACCEPTED = "accepted", "Offer accepted"
        DECLINED = "declined", "Offer declined"
        NOT_SELECTED = "not_selected", "Not selected"
        WITHDRAWN = "withdrawn", "Withdrawn"
        LAPSED = "lapsed", "Offer lapsed"

    class Reason(models.TextChoices):
        """Why an applicant was not selected; the student sees it."""

        ANOTHER_CANDIDATE = "another_candidate", "Another candidate was chosen"
        SKILLS = "skills", "Skills did not match this project"
        AVAILABILITY = "availability", "Availability did not match"
        OTHER = "other", "Other"
        FILLED = "filled", "The openings were filled by other candidates"
        CANCELLED = "cancelled", "The organization cancelled the project"
        NO_DECISION = "no_decision", "The employer did not decide"

    # Reasons an employer may pick; FILLED, CANCELLED and NO_DECISION are the portal's own.
    EMPLOYER_REASONS = [Reason.ANOTHER_CANDIDATE, Reason.SKILLS, Reason.AVAILABILITY, Reason.OTHER]
    # States in which the employer still has a decision to make.
    UNDECIDED = [Status.SUBMITTED, Status.SHORTLISTED]
    # States that hold an opening.
    HOLDING = [Status.OFFERED, Status.ACCEPTED]
    # States in which the employer sees who the applicant is, even in blind mode.
    REVEALED = [Status.SHORTLISTED, Status.OFFERED, Status.ACCEPTED]
    # States from which the employer can shortlist.
    SHORTLISTABLE = [Status.SUBMITTED]

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="applications")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The supervisor's daily digest claims each submitted application once.
    digested_at = models.DateTimeField(null=True, blank=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    offer_reminded_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField("final decision at", null=True, blank=True)
    reason = models.CharField("reason not selected", max_length=20, choices=Reason.choices, blank=True)
    message = models.TextField("message to the student", max_length=2000, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "student"], name="application_one_per_student_project")
        ]
        indexes = [
            models.Index(fields=["project", "status"], name="application_project_status_idx"),
            # The applicants page: a project's submitted applications, newest first, each with
            # its state. A page's twenty are read along it and its counts from it alone; without
            # it, every application of the project was read and sorted for each page (0.55 ->
            # 0.18 ms with 1,000 applications, and growing with them).
            models.Index(
                fields=["project", "-submitted_at", "-id"],
                include=["status"],
                condition=Q(submitted_at__isnull=False),
                name="application_submitted_idx",
            ),
            models.Index(fields=["status", "offer_expires_at"], name="application_offer_due_idx"),
        ]

    def __str__(self):
        return f"{self.student} → {self.project}"

    def get_absolute_url(self):
        return reverse("applications:detail", args=[self.pk])

    @property
    def next_step(self):
        """What the student does next, in a few words."""
        return {
            self.Status.DRAFT: "Finish your answers and submit.",
            self.Status.SUBMITTED: "Wait for the employer's decision; you get an email.",
            self.Status.SHORTLISTED: "You are on the shortlist; the employer decides soon.",
            self.Status.OFFERED: "Accept or decline the offer.",
            self.Status.ACCEPTED: "Sign up for payroll and get ready for the kick-off.",
            self.Status.DECLINED: "Nothing: you declined the offer.",
            self.Status.NOT_SELECTED: "Apply to another project.",
            self.Status.WITHDRAWN: "Nothing: you withdrew.",
            self.Status.LAPSED: "Apply to another project.",
        }[self.status]

    @property
    def is_revealed(self):
        return self.status in self.REVEALED

    @property
    def is_undecided(self):
        return self.status in self.UNDECIDED

    can_withdraw = is_undecided

    @property
    def can_shortlist(self):
        return self.status in self.SHORTLISTABLE

    @property
    def engagement_or_none(self):
        """The engagement of an accepted offer, if there is one."""
        try:
            return self.engagement
        except models.ObjectDoesNotExist:
            return None

    @property
    def holds_opening(self):
        return self.status in self.HOLDING


class Answer(models.Model):
    """A student's answer to one question of the project: plain text."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(max_length=Question.LIMIT_MAX, blank=True)

    class Meta:
        ordering = ["question__position", "question__pk"]
        constraints = [models.UniqueConstraint(fields=["application", "question"], name="answer_one_per_question")]

    def __str__(self):
        return f"Answer to {self.question}"


class ApplicationEvent(Event):
    """The trail of an application: every change of state, who made it and when."""

    subject_field = "application"
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["application_id", "at", "pk"]


class Assessment(models.Model):
    """The organization's private rating and notes on one applicant; never shown to the student."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="assessment")
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    notes = models.TextField("private notes", max_length=4000, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="assessment_rating_1_5"
            )
        ]

    def __str__(self):
        return f"Assessment of {self.application}"


class ReviewRequest(models.Model):
    """A student asks the career center to read a draft; staff answer with comments."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="review_requests")
    requested_at = models.DateTimeField(default=timezone.now)
    comments = models.TextField(blank=True, max_length=5000, help_text="The student sees these beside the draft.")
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "draft review"
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=Q(answered_at__isnull=True), name="review_one_open_per_application"
            )
        ]

    def __str__(self):
        return f"Review of {self.application}"

    @property
    def is_answered(self):
        return self.answered_at is not None


# Engagements live in their own package; importing them here registers them with this app.
from .completion.models import Completion, Feedback, FeedbackRating, Survey  # noqa: E402
from .engagements.models import (  # noqa: E402
    Engagement,
    EngagementEvent,
    EngagementReminder,
    KickoffSlot,
    Milestone,
    Submission,
    SubmissionFile,
)
from .outcome_models import OutcomeApplication, OutcomeGroup, OutcomeStale, OutcomeStudent, OutcomeYear  # noqa: E402

__all__ = [
    "Answer",
    "Application",
    "ApplicationEvent",
    "Assessment",
    "Completion",
    "Feedback",
    "FeedbackRating",
    "Survey",
    "Engagement",
    "EngagementEvent",
    "EngagementReminder",
    "KickoffSlot",
    "Milestone",
    "OutcomeApplication",
    "OutcomeGroup",
    "OutcomeStale",
    "OutcomeStudent",
    "OutcomeYear",
    "ReviewRequest",
    "Submission",
    "SubmissionFile",
]

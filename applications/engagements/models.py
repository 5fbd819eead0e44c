"""An engagement: the work after an accepted offer, from the kick-off to verified delivery.

Models of the ``applications`` app (registered through ``applications.models``).
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from portal.models import Membership
from portal.transitions import Event
from portal.zones import zone_named


class EngagementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Engagements a person may open: the student's own, and those of the projects of the
        organization an employer belongs to. Everyone else (staff included: they use the admin)
        sees none."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_student:
            return self.filter(application__student=user)
        if user.is_employer:
            member = Exists(Membership.objects.filter(organization=OuterRef("project__organization"), user=user))
            return self.filter(member)
        return self.none()

    def open(self):
        return self.exclude(status__in=Engagement.FINISHED)


class Engagement(models.Model):
    """One accepted offer's work. Exactly one per application (a database constraint)."""

    class Status(models.TextChoices):
        AWAITING_KICKOFF = "awaiting_kickoff", "Awaiting kick-off"
        KICKOFF_BOOKED = "kickoff_booked", "Kick-off booked"
        IN_PROGRESS = "in_progress", "In progress"
        WORK_SUBMITTED = "work_submitted", "Work submitted"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        COMPLETED = "completed", "Completed"
        PAID = "paid", "Paid"
        CANCELLED = "cancelled", "Cancelled"

    class CancelReason(models.TextChoices):
        STUDENT_CANNOT = "student_cannot", "The student can no longer do it"
        NO_RESPONSE = "no_response", "The student did not respond"
        NOT_NEEDED = "not_needed", "The project is no longer needed"
        DISPUTE = "dispute", "A dispute about the work (career center)"
        OTHER = "other", "Other"

    # The states each change starts from.
    SCHEDULING = [Status.AWAITING_KICKOFF, Status.KICKOFF_BOOKED]
    BOOKABLE = [Status.AWAITING_KICKOFF]
    DUE_DATE_MOVABLE = [Status.KICKOFF_BOOKED, Status.IN_PROGRESS, Status.CHANGES_REQUESTED]
    WORKING = [Status.IN_PROGRESS, Status.CHANGES_REQUESTED]
    # Either side may cancel before work is submitted; afterwards only staff (a dispute).
    CANCELLABLE_BY_PARTIES = [Status.AWAITING_KICKOFF, Status.KICKOFF_BOOKED, Status.IN_PROGRESS]
    CANCELLABLE_BY_STAFF = [*CANCELLABLE_BY_PARTIES, Status.WORK_SUBMITTED, Status.CHANGES_REQUESTED]
    FINISHED = [Status.COMPLETED, Status.PAID, Status.CANCELLED]
    # The supervisor verified the work (paid or not yet): feedback, the survey, the checklist
    # and the completion record follow it.
    VERIFIED = [Status.COMPLETED, Status.PAID]
    # Its payout was paid (payroll says so through ``payroll.events.payout_paid``).
    PAYABLE = [Status.COMPLETED]
    STUDENT_CANCEL_REASONS = [CancelReason.STUDENT_CANNOT, CancelReason.OTHER]
    SUPERVISOR_CANCEL_REASONS = [CancelReason.NO_RESPONSE, CancelReason.NOT_NEEDED, CancelReason.OTHER]

    MAX_MILESTONES = 5
    SLOTS_MIN, SLOTS_MAX = 2, 5
    SLOT_MINUTES = [15, 30, 45, 60]
    SLOT_DAYS_AHEAD = 14

    application = models.OneToOneField("applications.Application", on_delete=models.PROTECT, related_name="engagement")
    project = models.ForeignKey("opportunities.Project", on_delete=models.PROTECT, related_name="engagements")
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.AWAITING_KICKOFF)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # The kick-off: the booked slot, and the calendar invitation's identity and version.
    kickoff = models.ForeignKey(
        "KickoffSlot",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="booked kick-off",
    )
    kickoff_at = models.DateTimeField("kick-off time", null=True, blank=True)
    invite_uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    invite_sequence = models.PositiveIntegerField(default=0)
    times_requested_at = models.DateTimeField(null=True, blank=True)
    times_request_note = models.TextField("why none of the times work", max_length=1000, blank=True)
    due_on = models.DateField("due date", null=True, blank=True)
    submitted_at = models.DateTimeField("work last submitted at", null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=20, choices=CancelReason.choices, blank=True)
    cancel_message = models.TextField(max_length=2000, blank=True)

    objects = EngagementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "kickoff_at"], name="engagement_status_kickoff_idx"),
            models.Index(fields=["status", "due_on"], name="engagement_status_due_idx"),
            models.Index(fields=["status", "submitted_at"], name="engagement_status_sub_idx"),
        ]

    def __str__(self):
        return f"{self.application.student} on {self.project}"

    def get_absolute_url(self):
        return reverse("engagements:detail", args=[self.pk])

    @property
    def is_finished(self):
        return self.status in self.FINISHED

    @property
    def is_verified(self):
        return self.status in self.VERIFIED and self.completed_at is not None

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def can_offer_times(self):
        return self.status in self.SCHEDULING

    @property
    def can_book(self):
        return self.status in self.BOOKABLE

    @property
    def can_move_due_date(self):
        return self.status in self.DUE_DATE_MOVABLE

    @property
    def can_submit_work(self):
        return self.status in self.WORKING

    @property
    def is_awaiting_verification(self):
        return self.status == self.Status.WORK_SUBMITTED

    @property
    def can_be_cancelled_by_parties(self):
        return self.status in self.CANCELLABLE_BY_PARTIES

    @property
    def has_invitation(self):
        return self.kickoff_at is not None and self.invite_sequence > 0

    @property
    def kickoff_date(self):
        return timezone.localtime(self.kickoff_at, self.project_zone).date() if self.kickoff_at else None

    @property
    def project_zone(self):
        """Kick-off dates and due dates are days in the organization's zone."""
        return zone_named(self.project.organization.time_zone)

    def due_date_limits(self):
        """The due date may be 7 to 31 days after the kick-off date."""
        from opportunities.models import Project

        start = self.kickoff_date
        return start + timedelta(days=Project.DURATION_MIN), start + timedelta(days=Project.DURATION_MAX)

    @property
    def is_overdue(self):
        return bool(self.due_on and self.status in self.WORKING and self.due_on < timezone.localdate())

    @property
    def next_step(self):
        """What happens next and who acts, in a sentence each for the student and the organization."""
        return {
            self.Status.AWAITING_KICKOFF: (
                "Book one of the kick-off times the supervisor offers (payroll sign-up comes first).",
                "Offer two to five kick-off times; the student books one.",
            ),
            self.Status.KICKOFF_BOOKED: ("Meet at the kick-off.", "Meet at the kick-off."),
            self.Status.IN_PROGRESS: ("Do the work and submit it by the due date.", "Answer the student's questions."),
            self.Status.WORK_SUBMITTED: (
                "Wait for the supervisor to verify the work.",
                "Verify the work, or ask for changes.",
            ),
            self.Status.CHANGES_REQUESTED: (
                "Make the changes the supervisor asked for and submit again.",
                "Wait for the student to submit again.",
            ),
            self.Status.COMPLETED: (
                "Nothing: the work is verified; your payment follows (see Payroll).",
                "Nothing: you verified the work.",
            ),
            self.Status.PAID: ("Nothing: you have been paid.", "Nothing: the student has been paid."),
            self.Status.CANCELLED: ("Nothing: this engagement was cancelled.", "Nothing: it was cancelled."),
        }[self.status]


class EngagementEvent(Event):
    """The trail of an engagement: every change of state, who made it and when."""

    subject_field = "engagement"
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["engagement_id", "at", "pk"]


class KickoffSlot(models.Model):
    """A kick-off time the supervisor offers; the student books one and the others are released."""

    class Status(models.TextChoices):
        OFFERED = "offered", "Offered"
        BOOKED = "booked", "Booked"
        RELEASED = "released", "Released"

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField()
    minutes = models.PositiveSmallIntegerField(default=30)
    location = models.CharField("place", max_length=200, blank=True)
    video_url = models.URLField("video link", max_length=500, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OFFERED)
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gte=15, minutes__lte=60), name="kickoff_minutes_15_60"),
            models.UniqueConstraint(
                fields=["engagement"], condition=Q(status="booked"), name="kickoff_one_booked_per_engagement"
            ),
        ]

    def __str__(self):
        return f"Kick-off at {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.minutes)

    @property
    def where(self):
        return self.video_url or self.location


class Milestone(models.Model):
    """An optional step between the kick-off and the due date that the student marks done."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=120)
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.title


def work_file_upload_to(instance, filename):
    from portal.models import _private_name

    return _private_name("work", filename)


class Submission(models.Model):
    """One round of delivered work: a link, a note and files; the supervisor's answer to it."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Waiting for the supervisor"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        VERIFIED = "verified", "Verified"

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="submissions")
    round = models.PositiveSmallIntegerField(default=1)
    url = models.URLField("link to the work", max_length=500, blank=True)
    note = models.TextField(max_length=4000, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    comment = models.TextField("supervisor's comment", max_length=4000, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["engagement_id", "round"]
        constraints = [models.UniqueConstraint(fields=["engagement", "round"], name="submission_one_per_round")]

    def __str__(self):
        return f"Round {self.round} of {self.engagement_id}"


class SubmissionFile(models.Model):
    """A file handed in with a submission: stored privately under a random name."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=work_file_upload_to, max_length=200)
    name = models.CharField("file name", max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.name


class EngagementReminder(models.Model):
    """A reminder already sent (kind and the date or time it was about): each goes once."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=40)
    about = models.CharField(max_length=40)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["engagement", "kind", "about"], name="engagement_reminder_once")]

    def __str__(self):
        return f"{self.kind} ({self.about})"

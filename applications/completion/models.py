"""After the work: the supervisor's feedback, the student's survey, the checklist and the
completion record a student may share.

Models of the ``applications`` app (registered through ``applications.models``). Feedback and
surveys name the organization as well as the engagement: when a student deletes their account
the engagement goes, and the rows stay only as anonymous aggregates (ratings, no words).
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

RATING = [MinValueValidator(1), MaxValueValidator(5)]
RATING_CHOICES = [(i, str(i)) for i in range(1, 6)]


class Answer3(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_SURE = "not_sure", "Not sure"


class Feedback(models.Model):
    """The supervisor's feedback on one completed engagement: given once, read-only afterwards."""

    WINDOW_DAYS = 7
    REMINDER_DAYS = (2, 5)

    engagement = models.OneToOneField(
        "applications.Engagement", on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback"
    )
    organization = models.ForeignKey("portal.Organization", on_delete=models.CASCADE, related_name="+")
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    given_at = models.DateTimeField(default=timezone.now)
    comment = models.TextField("comment to the student", max_length=4000, blank=True)
    would_work_again = models.CharField("would work with again", max_length=10, choices=Answer3.choices)
    private_note = models.TextField("private note to the career center", max_length=4000, blank=True)

    class Meta:
        ordering = ["-given_at", "-pk"]
        verbose_name_plural = "feedback"

    def __str__(self):
        return f"Feedback of {self.given_at:%Y-%m-%d}"


class FeedbackRating(models.Model):
    """One competency's rating (1 to 5); the competencies are the staff-kept core skills."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="ratings")
    competency = models.ForeignKey("portal.Skill", on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(validators=RATING)

    class Meta:
        ordering = ["competency__name"]
        constraints = [
            models.UniqueConstraint(fields=["feedback", "competency"], name="feedback_rating_once"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="feedback_rating_1_5"),
        ]

    def __str__(self):
        return f"{self.competency}: {self.score}"


class Survey(models.Model):
    """The student's survey after completion. Staff read the answers; employers see only an
    organization's aggregates, and only from ``MIN_FOR_EMPLOYERS`` responses."""

    MIN_FOR_EMPLOYERS = 5

    class Learned(models.IntegerChoices):
        NOTHING = 1, "Nothing new"
        A_LITTLE = 2, "A little"
        SOME = 3, "Some"
        A_LOT = 4, "A lot"

    engagement = models.OneToOneField(
        "applications.Engagement", on_delete=models.SET_NULL, null=True, blank=True, related_name="survey"
    )
    organization = models.ForeignKey("portal.Organization", on_delete=models.CASCADE, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    project_rating = models.PositiveSmallIntegerField("the project", validators=RATING)
    supervisor_rating = models.PositiveSmallIntegerField("the supervisor", validators=RATING)
    learned = models.PositiveSmallIntegerField("how much you learned", choices=Learned.choices)
    skills_used = models.ManyToManyField("portal.Skill", blank=True, related_name="+", verbose_name="skills used")
    recommend = models.CharField("would recommend the organization", max_length=10, choices=Answer3.choices)
    comment = models.TextField(max_length=4000, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]

    def __str__(self):
        return f"Survey of {self.submitted_at:%Y-%m-%d}"


def _token():
    return secrets.token_urlsafe(24)


class Completion(models.Model):
    """The student's side of a completed engagement: the checklist, its reminders and the
    shareable record. Made when the engagement completes (or first needed)."""

    engagement = models.OneToOneField("applications.Engagement", on_delete=models.CASCADE, related_name="completion")
    # Checklist items: the time each was done (by the portal seeing it, or by the student).
    survey_done_at = models.DateTimeField(null=True, blank=True)
    feedback_read_at = models.DateTimeField(null=True, blank=True)
    resume_updated_at = models.DateTimeField(null=True, blank=True)
    linkedin_updated_at = models.DateTimeField(null=True, blank=True)
    stayed_in_touch_at = models.DateTimeField(null=True, blank=True)
    applied_again_at = models.DateTimeField(null=True, blank=True)
    reminders_off = models.BooleanField("no checklist reminders", default=False)
    thanks_sent_at = models.DateTimeField("thank-you sent at", null=True, blank=True)
    # The record page: public only while the student keeps it on.
    record_public = models.BooleanField(default=False)
    record_token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    record_shows_work_again = models.BooleanField(default=False)

    class Meta:
        ordering = ["-pk"]

    def __str__(self):
        return f"Completion of engagement {self.engagement_id}"

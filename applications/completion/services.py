"""After the work: one function per action on feedback, the survey, the checklist and the record.

Each runs in a transaction, checks who asks and that the engagement is completed, and writes its
emails to the outbox. The reminder jobs claim each reminder in ``EngagementReminder`` (its unique
key decides), so a job run twice mails nobody twice.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count
from django.urls import reverse
from django.utils import timezone

from portal import emails
from portal.access import require_member, require_person
from portal.models import Skill
from portal.transitions import TransitionError, lock

from ..engagements.models import Engagement, EngagementReminder
from .models import Answer3, Completion, Feedback, FeedbackRating, Survey

Status = Engagement.Status

# The checklist: (field on Completion, what the student sees, whether the student ticks it).
CHECKLIST = [
    ("survey_done_at", "Complete the survey", False),
    ("feedback_read_at", "Read the supervisor's feedback", False),
    ("resume_updated_at", "Update your résumé", True),
    ("linkedin_updated_at", "Update LinkedIn", True),
    ("stayed_in_touch_at", "Stay in touch with the supervisor", True),
    ("applied_again_at", "Apply to another project", True),
]
MANUAL_ITEMS = [name for name, _label, manual in CHECKLIST if manual]
CHECKLIST_REMINDER_DAYS = (3, 10)


def competencies():
    """The competencies a supervisor rates: the staff-kept core skills."""
    return Skill.objects.filter(kind=Skill.Kind.CORE).order_by("name")


def _require_completed(engagement):
    if not engagement.is_verified:
        raise TransitionError("This is possible once the work is verified.")


def completion_for(engagement):
    completion, _ = Completion.objects.get_or_create(engagement=engagement)
    return completion


# The supervisor's feedback.


def feedback_deadline(engagement):
    return engagement.completed_at + timedelta(days=Feedback.WINDOW_DAYS)


def feedback_give(*, engagement, by, ratings, would_work_again, comment="", private_note="", now=None):
    """A member rates every core competency (1 to 5), says whether they would work with the
    student again and may write a comment (the student reads it) and a private note (the career
    center only). Once per engagement, at verification or within 7 days after it."""
    now = now or timezone.now()
    if would_work_again not in Answer3.values:
        raise TransitionError("Say whether you would work with the student again.", field="would_work_again")
    wanted = {c.pk: c for c in competencies()}
    if set(ratings) != set(wanted):
        raise TransitionError("Rate every competency.")
    if any(not 1 <= int(score) <= 5 for score in ratings.values()):
        raise TransitionError("Ratings go from 1 to 5.")
    with transaction.atomic():
        locked = lock(engagement, related=["project__organization", "application__student", "project__contact"])
        require_member(by, locked.project.organization_id, "Only members of the project's organization can do this.")
        _require_completed(locked)
        if now > feedback_deadline(locked):
            raise TransitionError("Feedback can be given within 7 days of the verification; that time has passed.")
        if Feedback.objects.filter(engagement=locked).exists():
            raise TransitionError("Feedback was already given for this engagement.")
        feedback = Feedback.objects.create(
            engagement=locked,
            organization_id=locked.project.organization_id,
            given_by=by,
            given_at=now,
            comment=(comment or "").strip(),
            would_work_again=would_work_again,
            private_note=(private_note or "").strip(),
        )
        FeedbackRating.objects.bulk_create(
            FeedbackRating(feedback=feedback, competency=wanted[pk], score=int(score)) for pk, score in ratings.items()
        )
        completion_for(locked)
        emails.feedback_received(locked, feedback=feedback)
    return feedback


def feedback_remind_due(*, now=None):
    """Beat job: the supervisor, 2 and 5 days after the verification, while no feedback came."""
    now = now or timezone.now()
    sent = 0
    for days in Feedback.REMINDER_DAYS:
        kind = f"feedback-{days}"
        due = (
            Engagement.objects.filter(
                status__in=Engagement.VERIFIED,
                completed_at__lte=now - timedelta(days=days),
                completed_at__gt=now - timedelta(days=Feedback.WINDOW_DAYS),
                feedback__isnull=True,
            )
            .exclude(reminders__kind=kind)
            .values_list("pk", "completed_at")
        )
        for pk, completed_at in list(due):
            with transaction.atomic():
                _, claimed = EngagementReminder.objects.get_or_create(
                    engagement_id=pk, kind=kind, about=completed_at.isoformat()
                )
                if not claimed:
                    continue
                engagement = Engagement.objects.select_related(
                    "project__organization", "project__contact", "application__student"
                ).get(pk=pk)
                emails.feedback_reminder(engagement, days=days, deadline=feedback_deadline(engagement))
                sent += 1
    return sent


# The student's survey.


def survey_submit(
    *, engagement, by, project_rating, supervisor_rating, learned, recommend, skills=(), comment="", now=None
):
    """The student answers the survey once. Employers never see it alone (``survey_summary``)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock(engagement, related=["project__organization", "application__student"])
        require_person(by, locked.application.student_id, "Only the student who did this project can answer.")
        _require_completed(locked)
        if Survey.objects.filter(engagement=locked).exists():
            raise TransitionError("You already answered the survey for this project. Thank you!")
        survey = Survey.objects.create(
            engagement=locked,
            organization_id=locked.project.organization_id,
            submitted_at=now,
            project_rating=project_rating,
            supervisor_rating=supervisor_rating,
            learned=learned,
            recommend=recommend,
            comment=(comment or "").strip(),
        )
        survey.skills_used.set(skills)
        completion = completion_for(locked)
        Completion.objects.filter(pk=completion.pk, survey_done_at=None).update(survey_done_at=now)
    return survey


def survey_summary(organization_id):
    """What an organization's members may see: averages of at least ``MIN_FOR_EMPLOYERS``
    responses, never one answer; None below that."""
    surveys = Survey.objects.filter(organization_id=organization_id)
    numbers = surveys.aggregate(
        count=Count("pk"),
        project=Avg("project_rating"),
        supervisor=Avg("supervisor_rating"),
        learned=Avg("learned"),
    )
    if numbers["count"] < Survey.MIN_FOR_EMPLOYERS:
        return None
    recommend = surveys.filter(recommend=Answer3.YES).count()
    return {
        "count": numbers["count"],
        "project": round(numbers["project"], 1),
        "supervisor": round(numbers["supervisor"], 1),
        "learned": round(numbers["learned"], 1),
        "recommend_percent": round(100 * recommend / numbers["count"]),
    }


# The checklist.


def checklist_refresh(completion, *, now=None):
    """Tick what the portal can see: a résumé uploaded or an application submitted after the
    completion, a thank-you sent. Idempotent; returns the completion, reloaded."""
    from applications.models import Application

    engagement = completion.engagement
    done = engagement.completed_at
    student = engagement.application.student
    profile = getattr(student, "student_profile", None)
    changes = {}
    if completion.resume_updated_at is None and profile is not None and profile.resume_uploaded_at:
        if profile.resume_uploaded_at > done:
            changes["resume_updated_at"] = profile.resume_uploaded_at
    if completion.applied_again_at is None:
        first = (
            Application.objects.filter(student=student, submitted_at__gt=done)
            .order_by("submitted_at")
            .values_list("submitted_at", flat=True)
            .first()
        )
        if first:
            changes["applied_again_at"] = first
    if completion.stayed_in_touch_at is None and completion.thanks_sent_at:
        changes["stayed_in_touch_at"] = completion.thanks_sent_at
    for name, value in changes.items():
        Completion.objects.filter(pk=completion.pk, **{name: None}).update(**{name: value})
        setattr(completion, name, value)
    return completion


def checklist_items(completion):
    return [
        {"name": name, "label": label, "manual": manual, "done": getattr(completion, name) is not None}
        for name, label, manual in CHECKLIST
    ]


def checklist_is_done(completion):
    return all(getattr(completion, name) is not None for name, _label, _manual in CHECKLIST)


def feedback_mark_read(*, engagement, by, now=None):
    """The student opened the page with the feedback: that item ticks itself."""
    if by is None or by.pk != engagement.application.student_id or not Feedback.objects.filter(engagement=engagement):
        return False
    completion = completion_for(engagement)
    return bool(
        Completion.objects.filter(pk=completion.pk, feedback_read_at=None).update(
            feedback_read_at=now or timezone.now()
        )
    )


def checklist_update(*, engagement, by, ticked, reminders_off, now=None):
    """The student ticks (or unticks) the items they do themselves, and may turn reminders off."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock(engagement, related=["application__student"])
        require_person(by, locked.application.student_id, "Only the student who did this project can do this.")
        _require_completed(locked)
        completion = Completion.objects.select_for_update().get(pk=completion_for(locked).pk)
        for name in MANUAL_ITEMS:
            current = getattr(completion, name)
            setattr(completion, name, (current or now) if name in ticked else None)
        completion.reminders_off = bool(reminders_off)
        completion.save(update_fields=[*MANUAL_ITEMS, "reminders_off"])
    # What the portal sees stays ticked.
    return checklist_refresh(completion, now=now)


def thanks_send(*, engagement, by, message, now=None):
    """The student's thank-you to the supervisor, emailed by the portal with the student's
    address as Reply-To; once per engagement. Ticks "stay in touch"."""
    message = (message or "").strip()
    if not message:
        raise TransitionError("Write a short note to the supervisor.", field="message")
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock(engagement, related=["project__organization", "project__contact", "application__student"])
        require_person(by, locked.application.student_id, "Only the student who did this project can do this.")
        _require_completed(locked)
        completion = Completion.objects.select_for_update().get(pk=completion_for(locked).pk)
        if completion.thanks_sent_at:
            raise TransitionError("You already sent a thank-you for this project.")
        completion.thanks_sent_at = now
        completion.stayed_in_touch_at = completion.stayed_in_touch_at or now
        completion.save(update_fields=["thanks_sent_at", "stayed_in_touch_at"])
        emails.thank_you(locked, completion=completion, message=message)
    return completion


def checklist_remind_due(*, now=None):
    """Beat job: the student, 3 and 10 days after the completion, while items are open and
    reminders are on."""
    now = now or timezone.now()
    # A completion the student never opened has no row yet: make it, so its reminders go too.
    for engagement in Engagement.objects.filter(status__in=Engagement.VERIFIED, completion__isnull=True).exclude(
        completed_at=None
    ):
        completion_for(engagement)
    sent = 0
    for days in CHECKLIST_REMINDER_DAYS:
        kind = f"checklist-{days}"
        due = (
            Completion.objects.filter(
                reminders_off=False,
                engagement__status__in=Engagement.VERIFIED,
                engagement__completed_at__lte=now - timedelta(days=days),
            )
            .exclude(engagement__reminders__kind=kind)
            .values_list("pk", flat=True)
        )
        for pk in list(due):
            with transaction.atomic():
                completion = Completion.objects.select_related(
                    "engagement__project__organization", "engagement__application__student__student_profile"
                ).get(pk=pk)
                completion = checklist_refresh(completion, now=now)
                if checklist_is_done(completion):
                    continue
                engagement = completion.engagement
                _, claimed = EngagementReminder.objects.get_or_create(
                    engagement=engagement, kind=kind, about=engagement.completed_at.isoformat()
                )
                if not claimed:
                    continue
                items = [item for item in checklist_items(completion) if not item["done"]]
                emails.checklist_reminder(engagement, days=days, items=items)
                sent += 1
    return sent


# The completion record.


def record_update(*, engagement, by, public, shows_work_again):
    with transaction.atomic():
        locked = lock(engagement, related=["application__student"])
        require_person(by, locked.application.student_id, "Only the student who did this project can do this.")
        _require_completed(locked)
        completion = Completion.objects.select_for_update().get(pk=completion_for(locked).pk)
        completion.record_public = bool(public)
        completion.record_shows_work_again = bool(shows_work_again)
        completion.save(update_fields=["record_public", "record_shows_work_again"])
    return completion


def record_url(completion):
    return settings.SITE_URL + reverse("completion:record", args=[completion.record_token])


def record_facts(completion):
    """What the public record shows, and nothing else: no ratings, notes or email address."""
    engagement = completion.engagement
    project = engagement.project
    feedback = Feedback.objects.filter(engagement=engagement).first()
    survey = Survey.objects.filter(engagement=engagement).prefetch_related("skills_used").first()
    # The skills the student said they used, else the project's.
    skills = [s.name for s in survey.skills_used.all()] if survey else []
    skills = skills or [s.name for s in project.skills.all()]
    start = engagement.kickoff_at.date() if engagement.kickoff_at else engagement.created_at.date()
    return {
        "name": engagement.application.student.get_full_name(),
        "project": project.title,
        "organization": project.organization.name,
        "started_on": start,
        "completed_on": timezone.localdate(engagement.completed_at),
        "hours": project.estimated_hours,
        "skills": skills,
        "work_again": bool(
            feedback and feedback.would_work_again == Answer3.YES and completion.record_shows_work_again
        ),
        "supervisor_said_yes": bool(feedback and feedback.would_work_again == Answer3.YES),
    }


LINKEDIN_ADD = "https://www.linkedin.com/profile/add"


def linkedin_url(completion):
    """LinkedIn's add-to-profile form for licenses and certifications, filled in."""
    facts = record_facts(completion)
    query = {
        "startTask": "CERTIFICATION_NAME",
        "name": f"Micro-internship: {facts['project']}",
        "organizationName": facts["organization"],
        "issueYear": facts["completed_on"].year,
        "issueMonth": facts["completed_on"].month,
        "certUrl": record_url(completion),
    }
    return f"{LINKEDIN_ADD}?{urlencode(query)}"


def resume_line(completion):
    facts = record_facts(completion)
    skills = ", ".join(facts["skills"][:4])
    line = (
        f"Micro-intern, {facts['organization']} ({facts['completed_on']:%B %Y}): completed “{facts['project']}”, "
        f"a {facts['hours']}-hour project"
    )
    return f"{line}, using {skills}." if skills else f"{line}."

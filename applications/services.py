"""Every change to an application: one function per action.

Each transition locks the row (``select_for_update``), checks the state it starts from, leaves
an ``ApplicationEvent`` and writes its emails to the outbox in the same transaction, so a
refused or failed change leaves nothing behind. Services that touch both a project and one of
its applications lock the project first, always, so two of them never wait on each other.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from opportunities.models import Project
from opportunities.services import project_close
from portal import emails
from portal.access import require_member, require_person
from portal.models import OutboundEmail, StudentProfile, WorkEligibility
from portal.transitions import TransitionError, check_state, lock, transition

from .eligibility import Reason as GateReason
from .eligibility import eligibility_for
from .engagements.models import Engagement
from .engagements.services import engagement_create
from .fanout import not_selected_queue
from .models import Answer, Application, Assessment, ReviewRequest

Status = Application.Status


def gate_window(project, *, student=None, today=None):
    """The kick-off and due dates the eligibility gate checks before the kick-off is known.

    A kick-off can be held from tomorrow at the earliest until the last kick-off time an offer
    made on the apply-by date allows: answered within ``OFFER_RESPONSE_DAYS``, with times
    offered up to ``Engagement.SLOT_DAYS_AHEAD`` days ahead. The gate is asked about the first
    kick-off in that range that the student's authorization can start on (an F-1 or J-1
    authorization may begin next week), with the project's duration after it. The exact dates
    are checked again when the student books the kick-off.
    """
    today = today or timezone.localdate()
    earliest = today + timedelta(days=1)
    try:
        latest = max(project.apply_by, today) + timedelta(
            days=settings.OFFER_RESPONSE_DAYS + Engagement.SLOT_DAYS_AHEAD
        )
    except OverflowError:  # an apply-by date near the end of the calendar (from before its limit)
        latest = date.max
    kickoff = earliest
    if student is not None:
        record = WorkEligibility.objects.current().filter(student=student).only("starts_on").first()
        if record is not None and record.starts_on and record.starts_on > earliest:
            kickoff = min(record.starts_on, latest)
    kickoff = min(kickoff, date.max - timedelta(days=project.duration_days))
    return kickoff, kickoff + timedelta(days=project.duration_days)


def _day(value):
    return date_format(timezone.localtime(value) if hasattr(value, "tzinfo") else value, "F j, Y")


def normalize_answer(text):
    """Answers are plain text with Unix line ends (browsers send CRLF, counters count LF)."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


# Who may act.


def _require_student(application, by):
    require_person(by, application.student_id, "Only the student who applied can do this.")


def _require_member(project, by):
    require_member(by, project.organization_id)


def _lock_project(project_id):
    return lock(Project(pk=project_id), related=["contact", "organization"])


# Students: drafts, answers, submission, withdrawal.


def application_start(*, student, project):
    """The student's application to ``project``: the existing one, or a new draft."""
    if not student.is_student:
        raise TransitionError("Only students can apply to projects.")
    existing = Application.objects.filter(project=project, student=student).first()
    if existing is not None:
        return existing
    if not project.is_open or not project.organization.is_verified:
        raise TransitionError("This project no longer takes applications.")
    try:
        with transaction.atomic():
            return Application.objects.create(project=project, student=student)
    except IntegrityError:  # the same student, twice at once: the database keeps one
        return Application.objects.get(project=project, student=student)


def application_save_answers(*, application, by, answers):
    """Save a draft's answers (``{question_id: text}``); a draft may be incomplete, never too long."""
    with transaction.atomic():
        locked = lock(application)
        _require_student(locked, by)
        check_state(locked, [Status.DRAFT], "edited")
        questions = {q.pk: q for q in locked.project.questions.all()}
        existing = {a.question_id: a for a in locked.answers.all()}
        for question_id, raw in answers.items():
            question = questions.get(question_id)
            if question is None:
                continue
            text = normalize_answer(raw)
            if len(text) > question.max_chars:
                raise TransitionError(
                    f"The answer to “{question.text}” has {len(text)} characters; the limit is {question.max_chars}."
                )
            answer = existing.get(question_id)
            if answer is None:
                Answer.objects.create(application=locked, question=question, text=text)
            elif answer.text != text:
                answer.text = text
                answer.save(update_fields=["text"])
        locked.save(update_fields=["updated_at"])
    return locked


def _check_answers(application):
    answers = {a.question_id: a.text for a in application.answers.all()}
    for question in application.project.questions.all():
        text = answers.get(question.pk, "")
        if question.required and not text:
            raise TransitionError(f"Answer “{question.text}” before you submit; your draft is saved.")
        if len(text) > question.max_chars:
            raise TransitionError(f"The answer to “{question.text}” is over {question.max_chars} characters.")


def _check_profile(student):
    """Complete enough to apply: a name, a résumé and the 18-or-older confirmation."""
    profile = StudentProfile.objects.filter(user=student).first()
    missing = []
    if not (student.first_name and student.last_name):
        missing.append("your first and last name")
    if profile is None or not profile.resume:
        missing.append("your résumé")
    if profile is None or not profile.adult_attested_at:
        missing.append("the confirmation that you are 18 or older")
    if missing:
        raise TransitionError(
            f"Before you submit, add {', '.join(missing)} to your profile. Your draft is saved.",
            next_step="Complete your profile",
            url=reverse("portal:profile"),
        )


def application_submit(*, application, by, today=None):
    """Send a complete draft to the employer: answers, profile and the eligibility gate are
    checked first; a refusal says what to do and leaves the draft as it was."""
    with transaction.atomic():
        locked = lock(application)
        _require_student(locked, by)
        check_state(locked, [Status.DRAFT], "submitted")
        project = Project.objects.select_related("contact").get(pk=locked.project_id)
        if not project.is_open:
            raise TransitionError("This project no longer takes applications. Your draft is kept.")
        _check_answers(locked)
        _check_profile(locked.student)
        decision = eligibility_for(
            locked.student, *gate_window(project, student=locked.student, today=today), today=today
        )
        if not decision:
            raise TransitionError(
                f"{decision.message} Your draft is saved.", next_step=decision.next_step, url=decision.url
            )
        transition(
            locked,
            locked=True,
            allowed=[Status.DRAFT],
            verb="submitted",
            by=by,
            to=Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
        emails.application_received(locked)
    return locked


def application_withdraw(*, application, by):
    """The student takes back an application the employer has not decided on yet."""
    with transaction.atomic():
        locked = lock(application)
        _require_student(locked, by)
        transition(
            locked,
            locked=True,
            allowed=Application.UNDECIDED,
            verb="withdrawn",
            by=by,
            to=Status.WITHDRAWN,
            decided_at=timezone.now(),
        )
        emails.application_withdrawn(locked)
    return locked


def application_request_review(*, application, by):
    """Ask the career center to read a draft; staff answer in the admin."""
    with transaction.atomic():
        locked = lock(application)
        _require_student(locked, by)
        check_state(locked, [Status.DRAFT], "sent for review")
        if locked.review_requests.filter(answered_at__isnull=True).exists():
            raise TransitionError("You already asked for a review of this draft; the career center will email you.")
        return ReviewRequest.objects.create(application=locked)


def application_review_answer(*, review, by, comments):
    """Staff answer a review request; the student gets an email and sees the comments."""
    comments = (comments or "").strip()
    if not comments:
        raise TransitionError("Write the comments the student will read.")
    if by is None or not by.is_staff or not by.has_perm("applications.change_reviewrequest"):
        raise TransitionError("Only career center staff can answer review requests.")
    with transaction.atomic():
        locked = ReviewRequest.objects.select_for_update().get(pk=review.pk)
        if locked.is_answered:
            raise TransitionError("This review request was already answered.")
        locked.comments = comments
        locked.answered_at = timezone.now()
        locked.answered_by = by
        locked.save(update_fields=["comments", "answered_at", "answered_by"])
        application = locked.application
        emails.review_answered(application, review=locked)
    return locked


# Employers: review and selection.


def application_shortlist(*, application, by):
    with transaction.atomic():
        locked = lock(application)
        _require_member(locked.project, by)
        return transition(
            locked, locked=True, allowed=[Status.SUBMITTED], verb="shortlisted", by=by, to=Status.SHORTLISTED
        )


def application_select(*, application, by, today=None):
    """Make an offer. The project row is locked while the offers out and accepted are counted,
    so members clicking at once never make more offers than there are openings; the gate is
    checked again, as the student's authorization may have changed since they applied."""
    with transaction.atomic():
        project = _lock_project(application.project_id)
        _require_member(project, by)
        locked = lock(application)
        check_state(locked, Application.UNDECIDED, "selected")
        if project.status not in (Project.Status.PUBLISHED, Project.Status.CLOSED):
            raise TransitionError(f"This project is {project.get_status_display().lower()}; no offers can be made.")
        taken = project.applications.holding().count()
        if taken >= project.openings:
            raise TransitionError(
                f"All {project.openings} opening(s) already have an offer out or accepted. "
                "An opening frees up if an offer is declined or lapses."
            )
        decision = eligibility_for(
            locked.student, *gate_window(project, student=locked.student, today=today), today=today
        )
        if not decision:
            raise TransitionError(
                "This applicant's work eligibility does not cover this project's dates "
                f"({GateReason(decision.reason).label.lower()}), so no offer can be made now."
            )
        now = timezone.now()
        transition(
            locked,
            locked=True,
            allowed=Application.UNDECIDED,
            verb="selected",
            by=by,
            to=Status.OFFERED,
            offered_at=now,
            offer_expires_at=now + timedelta(days=settings.OFFER_RESPONSE_DAYS),
        )
        locked.project = project
        emails.offer(locked)
    return locked


def application_decline(*, application, by, reason, message=""):
    """The employer turns an applicant down, with a reason category and an optional message."""
    if reason not in Application.EMPLOYER_REASONS:
        raise TransitionError("Choose a reason for the student.")
    with transaction.atomic():
        locked = lock(application)
        _require_member(locked.project, by)
        transition(
            locked,
            locked=True,
            allowed=Application.UNDECIDED,
            verb="declined",
            by=by,
            to=Status.NOT_SELECTED,
            reason=reason,
            message=(message or "").strip(),
            decided_at=timezone.now(),
        )
        emails.not_selected(locked)
    return locked


def assessment_save(*, application, by, rating, notes):
    """The organization's private rating (1-5, or none) and notes on an applicant."""
    if rating is not None and rating not in range(1, 6):
        raise TransitionError("A rating is a whole number from 1 to 5.")
    _require_member(application.project, by)
    assessment, _ = Assessment.objects.update_or_create(
        application=application, defaults={"rating": rating, "notes": (notes or "").strip(), "updated_by": by}
    )
    return assessment


# Students answer offers.


def _fill(project):
    """The accepted offers fill the openings: close the project; a background job tells
    everyone still waiting, once, that they were not selected (``applications.fanout``)."""
    if project.status == Project.Status.PUBLISHED:
        project_close(project=project, by=None, note="All openings are filled.")
    not_selected_queue(project=project, reason=Application.Reason.FILLED)


def applications_close_for_cancelled_project(*, project, by):
    """The organization cancelled the project: everyone still waiting, and any open offer, is
    told once (by a background job) that it will not go ahead."""
    not_selected_queue(project=project, reason=Application.Reason.CANCELLED, by=by)


def application_accept(*, application, by):
    with transaction.atomic():
        project = _lock_project(application.project_id)
        locked = lock(application)
        _require_student(locked, by)
        check_state(locked, [Status.OFFERED], "accepted")
        if locked.offer_expires_at and locked.offer_expires_at <= timezone.now():
            raise TransitionError(
                f"This offer lapsed on {_day(locked.offer_expires_at)}; it can no longer be accepted."
            )
        transition(
            locked,
            locked=True,
            allowed=[Status.OFFERED],
            verb="accepted",
            by=by,
            to=Status.ACCEPTED,
            decided_at=timezone.now(),
        )
        locked.project = project
        engagement_create(application=locked, by=by)
        emails.offer_accepted(locked)
        if project.applications.holding().filter(status=Status.ACCEPTED).count() >= project.openings:
            _fill(project)
    return locked


def application_decline_offer(*, application, by):
    with transaction.atomic():
        project = _lock_project(application.project_id)
        locked = lock(application)
        _require_student(locked, by)
        transition(
            locked,
            locked=True,
            allowed=[Status.OFFERED],
            verb="declined",
            by=by,
            to=Status.DECLINED,
            decided_at=timezone.now(),
        )
        locked.project = project
        emails.offer_declined(locked)
    return locked


def application_lapse(*, application, now=None):
    """An offer not answered in time lapses; its opening is free again. Both sides are told."""
    now = now or timezone.now()
    with transaction.atomic():
        project = _lock_project(application.project_id)
        locked = lock(application)
        check_state(locked, [Status.OFFERED], "marked as lapsed")
        if locked.offer_expires_at is None or locked.offer_expires_at > now:
            raise TransitionError("This offer has not expired yet.")
        transition(
            locked,
            locked=True,
            allowed=[Status.OFFERED],
            verb="marked as lapsed",
            to=Status.LAPSED,
            decided_at=now,
            note="Not answered in time.",
        )
        locked.project = project
        emails.offer_lapsed(locked)
    return locked


# Beat jobs: each safe to run twice, or two at once.


def offers_lapse_due(*, now=None):
    now = now or timezone.now()
    lapsed = 0
    due = Application.objects.filter(status=Status.OFFERED, offer_expires_at__lte=now).only("pk", "project_id")
    for application in list(due):
        try:
            application_lapse(application=application, now=now)
        except TransitionError:
            continue  # answered meanwhile
        lapsed += 1
    return lapsed


def offers_remind_due(*, now=None):
    """One reminder per offer still open ``OFFER_REMINDER_HOURS`` after it was made: the claim
    is a conditional update of ``offer_reminded_at``, so a second run finds nothing to send."""
    now = now or timezone.now()
    due = Application.objects.filter(
        status=Status.OFFERED,
        offered_at__lte=now - timedelta(hours=settings.OFFER_REMINDER_HOURS),
        offer_expires_at__gt=now,
        offer_reminded_at__isnull=True,
    )
    sent = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            claimed = Application.objects.filter(pk=pk, status=Status.OFFERED, offer_reminded_at__isnull=True).update(
                offer_reminded_at=now
            )
            if not claimed:
                continue
            application = Application.objects.select_related("project", "student").get(pk=pk)
            emails.offer_reminder(application)
            sent += 1
    return sent


def _digest_key(project_id, day):
    return f"opportunities.project:{project_id}:{day.isoformat()}"


def applications_send_digests(*, now=None):
    """The supervisor's digest of new applications: at most one a day per project. Each
    application is claimed once (``digested_at``); one that arrives after today's digest waits
    for tomorrow's."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    waiting = Application.objects.filter(submitted_at__isnull=False, digested_at__isnull=True)
    sent = 0
    for project_id in sorted(set(waiting.values_list("project_id", flat=True))):
        key = _digest_key(project_id, day)
        with transaction.atomic():
            project = _lock_project(project_id)
            if OutboundEmail.objects.filter(kind="applications-digest", object_key=key).exists():
                continue
            new = list(
                Application.objects.select_for_update()
                .filter(project=project, submitted_at__isnull=False, digested_at__isnull=True)
                .order_by("submitted_at", "pk")
            )
            if not new:
                continue
            Application.objects.filter(pk__in=[a.pk for a in new]).update(digested_at=now)
            total = project.applications.filter(submitted_at__isnull=False).count()
            emails.applications_digest(project, key=key, new_count=len(new), total=total)
            sent += 1
    return sent

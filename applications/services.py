"""Every change to an application: one function per action.

Each transition locks the row (``select_for_update``), checks the state it starts from, leaves
an ``ApplicationEvent`` and writes its emails to the outbox in the same transaction, so a
refused or failed change leaves nothing behind. Services that touch both a project and one of
its applications lock the project first, always, so two of them never wait on each other.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from opportunities.models import Project
from opportunities.services import project_close
from portal.models import Membership, OutboundEmail, StudentProfile
from portal.outbox import outbox_enqueue
from portal.services import TransitionNotAllowed

from .eligibility import Reason as GateReason
from .eligibility import eligibility_for
from .fanout import not_selected_queue
from .models import Answer, Application, ApplicationEvent, Assessment, ReviewRequest

Status = Application.Status
KICKOFF_WEEK_DAYS = 7


class ApplicationError(TransitionNotAllowed):
    """A change the application's state, or the person asking, does not allow. ``next_step``
    and ``url`` say what to do about it, when there is something to do."""

    def __init__(self, message, *, next_step="", url=""):
        super().__init__(message)
        self.next_step = next_step
        self.url = url


def gate_window(project, *, today=None):
    """The dates the eligibility gate checks for ``project`` before its kick-off is known.

    The work can start as soon as an offer is made (today, at the earliest) and ends at the
    latest when an offer made on the apply-by date is answered on its last day
    (``OFFER_RESPONSE_DAYS``), the kick-off is held within a week, and the project's duration
    has run. The window is deliberately wide: a student cleared for it is cleared for any
    schedule the project can take.
    """
    today = today or timezone.localdate()
    ends_on = project.apply_by + timedelta(
        days=settings.OFFER_RESPONSE_DAYS + KICKOFF_WEEK_DAYS + project.duration_days
    )
    return today, max(ends_on, today)


def _day(value):
    return date_format(timezone.localtime(value) if hasattr(value, "tzinfo") else value, "F j, Y")


def normalize_answer(text):
    """Answers are plain text with Unix line ends (browsers send CRLF, counters count LF)."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


# Who may act.


def _require_student(application, by):
    if by is None or by.pk != application.student_id:
        raise ApplicationError("Only the student who applied can do this.")


def _is_member(user, organization_id):
    return (
        user is not None
        and user.is_authenticated
        and user.is_employer
        and Membership.objects.filter(organization_id=organization_id, user=user).exists()
    )


def _require_member(project, by):
    if not _is_member(by, project.organization_id):
        raise ApplicationError("Only members of the project's organization can do this.")


# The mechanics of a transition.


def _lock(application):
    return Application.objects.select_for_update().get(pk=application.pk)


def _lock_project(project_id):
    return Project.objects.select_for_update().select_related("contact", "organization").get(pk=project_id)


def _check(locked, allowed, verb):
    if locked.status not in allowed:
        raise ApplicationError(
            f"This application is {locked.get_status_display().lower()}, so it cannot be {verb}. Nothing was changed."
        )


def _move(locked, *, by, to, note="", **changes):
    previous = locked.status
    locked.status = to
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", "updated_at", *changes])
    ApplicationEvent.objects.create(application=locked, from_status=previous, to_status=to, by=by, note=note)
    return locked


def _mail(kind, application, person, **context):
    outbox_enqueue(
        kind=kind,
        obj=application,
        recipient=person.email,
        template=kind,
        context={"application": application, "project": application.project, "person": person, **context},
    )


# Students: drafts, answers, submission, withdrawal.


def application_start(*, student, project):
    """The student's application to ``project``: the existing one, or a new draft."""
    if not student.is_student:
        raise ApplicationError("Only students can apply to projects.")
    existing = Application.objects.filter(project=project, student=student).first()
    if existing is not None:
        return existing
    if not project.is_open or not project.organization.is_verified:
        raise ApplicationError("This project no longer takes applications.")
    try:
        with transaction.atomic():
            return Application.objects.create(project=project, student=student)
    except IntegrityError:  # the same student, twice at once: the database keeps one
        return Application.objects.get(project=project, student=student)


def application_save_answers(*, application, by, answers):
    """Save a draft's answers (``{question_id: text}``); a draft may be incomplete, never too long."""
    with transaction.atomic():
        locked = _lock(application)
        _require_student(locked, by)
        _check(locked, [Status.DRAFT], "edited")
        questions = {q.pk: q for q in locked.project.questions.all()}
        existing = {a.question_id: a for a in locked.answers.all()}
        for question_id, raw in answers.items():
            question = questions.get(question_id)
            if question is None:
                continue
            text = normalize_answer(raw)
            if len(text) > question.max_chars:
                raise ApplicationError(
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
            raise ApplicationError(f"Answer “{question.text}” before you submit; your draft is saved.")
        if len(text) > question.max_chars:
            raise ApplicationError(f"The answer to “{question.text}” is over {question.max_chars} characters.")


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
        raise ApplicationError(
            f"Before you submit, add {', '.join(missing)} to your profile. Your draft is saved.",
            next_step="Complete your profile",
            url=reverse("portal:profile"),
        )


def application_submit(*, application, by, today=None):
    """Send a complete draft to the employer: answers, profile and the eligibility gate are
    checked first; a refusal says what to do and leaves the draft as it was."""
    with transaction.atomic():
        locked = _lock(application)
        _require_student(locked, by)
        _check(locked, [Status.DRAFT], "submitted")
        project = Project.objects.select_related("contact").get(pk=locked.project_id)
        if not project.is_open:
            raise ApplicationError("This project no longer takes applications. Your draft is kept.")
        _check_answers(locked)
        _check_profile(locked.student)
        decision = eligibility_for(locked.student, *gate_window(project, today=today), today=today)
        if not decision:
            raise ApplicationError(
                f"{decision.message} Your draft is saved.", next_step=decision.next_step, url=decision.url
            )
        _move(locked, by=by, to=Status.SUBMITTED, submitted_at=timezone.now())
        _mail("application-received", locked, locked.student)
    return locked


def application_withdraw(*, application, by):
    """The student takes back an application the employer has not decided on yet."""
    with transaction.atomic():
        locked = _lock(application)
        _require_student(locked, by)
        _check(locked, Application.UNDECIDED, "withdrawn")
        _move(locked, by=by, to=Status.WITHDRAWN, decided_at=timezone.now())
        _mail("application-withdrawn", locked, locked.project.contact)
    return locked


def application_request_review(*, application, by):
    """Ask the career center to read a draft; staff answer in the admin."""
    with transaction.atomic():
        locked = _lock(application)
        _require_student(locked, by)
        _check(locked, [Status.DRAFT], "sent for review")
        if locked.review_requests.filter(answered_at__isnull=True).exists():
            raise ApplicationError("You already asked for a review of this draft; the career center will email you.")
        return ReviewRequest.objects.create(application=locked)


def application_review_answer(*, review, by, comments):
    """Staff answer a review request; the student gets an email and sees the comments."""
    comments = (comments or "").strip()
    if not comments:
        raise ApplicationError("Write the comments the student will read.")
    if by is None or not by.is_staff or not by.has_perm("applications.change_reviewrequest"):
        raise ApplicationError("Only career center staff can answer review requests.")
    with transaction.atomic():
        locked = ReviewRequest.objects.select_for_update().get(pk=review.pk)
        if locked.is_answered:
            raise ApplicationError("This review request was already answered.")
        locked.comments = comments
        locked.answered_at = timezone.now()
        locked.answered_by = by
        locked.save(update_fields=["comments", "answered_at", "answered_by"])
        application = locked.application
        _mail("review-answered", application, application.student, review=locked)
    return locked


# Employers: review and selection.


def application_shortlist(*, application, by):
    with transaction.atomic():
        locked = _lock(application)
        _require_member(locked.project, by)
        _check(locked, [Status.SUBMITTED], "shortlisted")
        return _move(locked, by=by, to=Status.SHORTLISTED)


def application_select(*, application, by, today=None):
    """Make an offer. The project row is locked while the offers out and accepted are counted,
    so members clicking at once never make more offers than there are openings; the gate is
    checked again, as the student's authorization may have changed since they applied."""
    with transaction.atomic():
        project = _lock_project(application.project_id)
        _require_member(project, by)
        locked = _lock(application)
        _check(locked, Application.UNDECIDED, "selected")
        if project.status not in (Project.Status.PUBLISHED, Project.Status.CLOSED):
            raise ApplicationError(f"This project is {project.get_status_display().lower()}; no offers can be made.")
        taken = project.applications.filter(status__in=Application.HOLDING).count()
        if taken >= project.openings:
            raise ApplicationError(
                f"All {project.openings} opening(s) already have an offer out or accepted. "
                "An opening frees up if an offer is declined or lapses."
            )
        decision = eligibility_for(locked.student, *gate_window(project, today=today), today=today)
        if not decision:
            raise ApplicationError(
                "This applicant's work eligibility does not cover this project's dates "
                f"({GateReason(decision.reason).label.lower()}), so no offer can be made now."
            )
        now = timezone.now()
        _move(
            locked,
            by=by,
            to=Status.OFFERED,
            offered_at=now,
            offer_expires_at=now + timedelta(days=settings.OFFER_RESPONSE_DAYS),
        )
        locked.project = project
        _mail("offer", locked, locked.student)
    return locked


def application_decline(*, application, by, reason, message=""):
    """The employer turns an applicant down, with a reason category and an optional message."""
    if reason not in Application.EMPLOYER_REASONS:
        raise ApplicationError("Choose a reason for the student.")
    with transaction.atomic():
        locked = _lock(application)
        _require_member(locked.project, by)
        _check(locked, Application.UNDECIDED, "declined")
        _move(
            locked,
            by=by,
            to=Status.NOT_SELECTED,
            reason=reason,
            message=(message or "").strip(),
            decided_at=timezone.now(),
        )
        _mail("not-selected", locked, locked.student)
    return locked


def assessment_save(*, application, by, rating, notes):
    """The organization's private rating (1-5, or none) and notes on an applicant."""
    if rating is not None and rating not in range(1, 6):
        raise ApplicationError("A rating is a whole number from 1 to 5.")
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
        locked = _lock(application)
        _require_student(locked, by)
        _check(locked, [Status.OFFERED], "accepted")
        if locked.offer_expires_at and locked.offer_expires_at <= timezone.now():
            raise ApplicationError(
                f"This offer lapsed on {_day(locked.offer_expires_at)}; it can no longer be accepted."
            )
        _move(locked, by=by, to=Status.ACCEPTED, decided_at=timezone.now())
        locked.project = project
        _mail("offer-accepted", locked, project.contact)
        if project.applications.filter(status=Status.ACCEPTED).count() >= project.openings:
            _fill(project)
    return locked


def application_decline_offer(*, application, by):
    with transaction.atomic():
        project = _lock_project(application.project_id)
        locked = _lock(application)
        _require_student(locked, by)
        _check(locked, [Status.OFFERED], "declined")
        _move(locked, by=by, to=Status.DECLINED, decided_at=timezone.now())
        locked.project = project
        _mail("offer-declined", locked, project.contact)
    return locked


def application_lapse(*, application, now=None):
    """An offer not answered in time lapses; its opening is free again. Both sides are told."""
    now = now or timezone.now()
    with transaction.atomic():
        project = _lock_project(application.project_id)
        locked = _lock(application)
        _check(locked, [Status.OFFERED], "marked as lapsed")
        if locked.offer_expires_at is None or locked.offer_expires_at > now:
            raise ApplicationError("This offer has not expired yet.")
        _move(locked, by=None, to=Status.LAPSED, decided_at=now, note="Not answered in time.")
        locked.project = project
        _mail("offer-lapsed-student", locked, locked.student)
        _mail("offer-lapsed-supervisor", locked, project.contact)
    return locked


# Beat jobs: each safe to run twice, or two at once.


def offers_lapse_due(*, now=None):
    now = now or timezone.now()
    lapsed = 0
    due = Application.objects.filter(status=Status.OFFERED, offer_expires_at__lte=now).only("pk", "project_id")
    for application in list(due):
        try:
            application_lapse(application=application, now=now)
        except ApplicationError:
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
            _mail("offer-reminder", application, application.student)
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
            outbox_enqueue(
                kind="applications-digest",
                obj=key,
                recipient=project.contact.email,
                template="applications-digest",
                context={"project": project, "person": project.contact, "new_count": len(new), "total": total},
            )
            sent += 1
    return sent

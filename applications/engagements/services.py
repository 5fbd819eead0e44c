"""Every change to an engagement: one function per action.

Each one runs in a transaction, locks the engagement (``portal.transitions``), checks who asks
and the state it starts from, leaves an event and writes its emails to the outbox, so a refused
change leaves nothing behind and a retried job mails nobody twice.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from payroll.payouts.services import payout_create
from payroll.selectors import contractor_record_for
from portal import emails
from portal.access import is_member, require_member, require_person
from portal.models import User
from portal.permissions import CAREER_CENTER_GROUP
from portal.transitions import TransitionError, check_state, lock, transition

from ..eligibility import eligibility_for
from . import ics
from .models import Engagement, EngagementReminder, KickoffSlot, Milestone, Submission, SubmissionFile

Status = Engagement.Status


def _day(value):
    return date_format(value, "l, F j, Y")


def _lock(engagement):
    return lock(engagement, related=["project__organization", "project__contact", "application__student"])


def _require_student(engagement, by):
    require_person(by, engagement.application.student_id, "Only the student doing this project can do this.")


def _require_member(engagement, by):
    require_member(by, engagement.project.organization_id, "Only members of the project's organization can do this.")


def _move(engagement, *, to, allowed, verb, by, note="", **changes):
    return transition(engagement, locked=True, to=to, allowed=allowed, verb=verb, by=by, note=note, **changes)


def career_center_staff():
    return User.objects.filter(is_active=True, is_staff=True, groups__name=CAREER_CENTER_GROUP).order_by("pk")


# Created with the accepted offer.


def engagement_create(*, application, by):
    """Called by ``application_accept`` in its transaction: the one engagement of this offer."""
    engagement = Engagement.objects.create(application=application, project=application.project)
    engagement.events.create(from_status="", to_status=Status.AWAITING_KICKOFF, by=by, note="Offer accepted.")
    return engagement


# The kick-off.


def _validate_slot(*, starts_at, minutes, location, video_url, today):
    if minutes not in Engagement.SLOT_MINUTES:
        raise TransitionError("A kick-off lasts 15, 30, 45 or 60 minutes.")
    if not (location or "").strip() and not (video_url or "").strip():
        raise TransitionError("Give each time a video link or a place.")
    if video_url and urlsplit(video_url).scheme != "https":
        raise TransitionError("A video link starts with https://.")
    first, last = today + timedelta(days=1), today + timedelta(days=Engagement.SLOT_DAYS_AHEAD)
    day = timezone.localtime(starts_at).date()
    if not first <= day <= last:
        raise TransitionError(f"Kick-off times go from tomorrow to {Engagement.SLOT_DAYS_AHEAD} days ahead.")


def kickoff_offer_times(*, engagement, by, slots, today=None):
    """A member offers 2 to 5 times (``slots``: dicts of starts_at, minutes, location, video_url).
    Times offered before and not booked are released. Offering times while a kick-off is booked
    moves it: the student books one of the new times and both get the updated invitation."""
    with transaction.atomic():
        locked = _lock(engagement)
        _require_member(locked, by)
        check_state(locked, Engagement.SCHEDULING, "given kick-off times")
        with timezone.override(locked.project_zone):
            today = today or timezone.localdate()
            if not Engagement.SLOTS_MIN <= len(slots) <= Engagement.SLOTS_MAX:
                raise TransitionError("Offer two to five kick-off times.")
            for slot in slots:
                _validate_slot(today=today, **slot)
        starts = [slot["starts_at"] for slot in slots]
        if len(set(starts)) != len(starts):
            raise TransitionError("Offer different times: two of them are the same.")
        locked.slots.exclude(status=KickoffSlot.Status.RELEASED).update(status=KickoffSlot.Status.RELEASED)
        created = KickoffSlot.objects.bulk_create(
            KickoffSlot(engagement=locked, offered_by=by, **slot)
            for slot in sorted(slots, key=lambda s: s["starts_at"])
        )
        note = f"{len(created)} kick-off times offered."
        if locked.status == Status.KICKOFF_BOOKED:
            note = f"The kick-off is moving: {len(created)} new times offered."
        _move(locked, to=Status.AWAITING_KICKOFF, allowed=Engagement.SCHEDULING, verb="rescheduled", by=by, note=note)
        locked.times_requested_at = None
        locked.save(update_fields=["times_requested_at"])
        key = f"{locked._meta.label_lower}:{locked.pk}:times:{created[0].pk}"
        emails.kickoff_times_offered(locked, slots=created, key=key)
    return locked


def kickoff_request_times(*, engagement, by, note):
    """The student says none of the offered times work; the supervisor is asked for new ones."""
    note = (note or "").strip()
    if not note:
        raise TransitionError("Say when you can meet, so the supervisor can offer times that work.", field="note")
    with transaction.atomic():
        locked = _lock(engagement)
        _require_student(locked, by)
        now = timezone.now()
        _move(
            locked,
            to=Status.AWAITING_KICKOFF,
            allowed=Engagement.BOOKABLE,
            verb="asked for new times",
            by=by,
            note=note,
            times_requested_at=now,
            times_request_note=note,
        )
        locked.slots.filter(status=KickoffSlot.Status.OFFERED).update(status=KickoffSlot.Status.RELEASED)
        emails.kickoff_times_requested(
            locked, key=f"{locked._meta.label_lower}:{locked.pk}:{now.isoformat()}", note=note
        )
    return locked


def due_date_for(engagement, kickoff_at):
    zone = engagement.project_zone
    return timezone.localtime(kickoff_at, zone).date() + timedelta(days=engagement.project.duration_days)


def kickoff_book(*, engagement, slot_id, by, today=None):
    """The student books one offered time. Payroll sign-up comes first, and the eligibility
    gate is asked about the real dates: the kick-off to the due date. The engagement row is
    locked, so two bookings at once give one."""
    with transaction.atomic():
        locked = _lock(engagement)
        _require_student(locked, by)
        check_state(locked, Engagement.BOOKABLE, "booked")
        slot = KickoffSlot.objects.select_for_update().filter(pk=slot_id, engagement=locked).first()
        if slot is None or slot.status != KickoffSlot.Status.OFFERED:
            raise TransitionError("That time is no longer offered; choose one of the times shown.")
        if slot.starts_at <= timezone.now():
            raise TransitionError("That time has passed; choose a later one or ask for new times.")
        record = contractor_record_for(by)
        if record is None or not record.is_complete:
            raise TransitionError(
                "Sign up for payroll before you book the kick-off: the portal pays you directly.",
                next_step="Sign up for payroll",
                url=reverse("payroll:home"),
            )
        due_on = due_date_for(locked, slot.starts_at)
        kickoff_day = timezone.localtime(slot.starts_at, locked.project_zone).date()
        decision = eligibility_for(by, kickoff_day, due_on, today=today)
        if not decision:
            raise TransitionError(
                f"{decision.message} Nothing was booked.", next_step=decision.next_step, url=decision.url
            )
        locked.slots.filter(status=KickoffSlot.Status.OFFERED).exclude(pk=slot.pk).update(
            status=KickoffSlot.Status.RELEASED
        )
        slot.status = KickoffSlot.Status.BOOKED
        slot.save(update_fields=["status"])
        _move(
            locked,
            to=Status.KICKOFF_BOOKED,
            allowed=Engagement.BOOKABLE,
            verb="booked",
            by=by,
            note=f"Kick-off on {_day(kickoff_day)}.",
            kickoff=slot,
            kickoff_at=slot.starts_at,
            due_on=due_on,
            invite_sequence=locked.invite_sequence + 1,
        )
        emails.kickoff_booked(locked, invitation=(ics.filename(locked), ics.invitation(locked), "REQUEST"))
    return locked


def engagements_start_due(*, now=None):
    """Beat job: a booked kick-off whose time has come puts the engagement in progress."""
    now = now or timezone.now()
    started = 0
    due = Engagement.objects.filter(status=Status.KICKOFF_BOOKED, kickoff_at__lte=now).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            locked = lock(Engagement(pk=pk))
            if locked.status != Status.KICKOFF_BOOKED or locked.kickoff_at > now:
                continue  # rescheduled or cancelled meanwhile
            _move(locked, to=Status.IN_PROGRESS, allowed=[Status.KICKOFF_BOOKED], verb="started", by=None)
            started += 1
    return started


# Deadlines and milestones.


def due_date_move(*, engagement, by, due_on, reason):
    """A member moves the due date, saying why; it stays 7 to 31 days after the kick-off."""
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError("Say why the due date moves; the student reads it.", field="reason")
    with transaction.atomic():
        locked = _lock(engagement)
        _require_member(locked, by)
        check_state(locked, Engagement.DUE_DATE_MOVABLE, "given a new due date")
        first, last = locked.due_date_limits()
        if not first <= due_on <= last:
            raise TransitionError(
                f"The due date must be between {_day(first)} and {_day(last)} (7 to 31 days after the kick-off).",
                field="due_on",
            )
        if due_on == locked.due_on:
            raise TransitionError("That is already the due date.", field="due_on")
        previous = locked.due_on
        locked.due_on = due_on
        locked.save(update_fields=["due_on", "updated_at"])
        locked.milestones.filter(due_on__gt=due_on).update(due_on=due_on)
        locked.events.create(
            from_status=locked.status,
            to_status=locked.status,
            by=by,
            note=f"Due date moved from {_day(previous)} to {_day(due_on)}: {reason}",
        )
        emails.due_date_moved(locked, reason=reason)
    return locked


def milestones_set(*, engagement, by, milestones):
    """A member sets the optional milestones (up to 5: title and a date between the kick-off
    and the due date); the list replaces the previous one, keeping what is already done."""
    with transaction.atomic():
        locked = _lock(engagement)
        _require_member(locked, by)
        check_state(locked, Engagement.DUE_DATE_MOVABLE, "given milestones")
        if len(milestones) > Engagement.MAX_MILESTONES:
            raise TransitionError(f"Set at most {Engagement.MAX_MILESTONES} milestones.")
        for item in milestones:
            if not locked.kickoff_date <= item["due_on"] <= locked.due_on:
                raise TransitionError(
                    f"“{item['title']}”: a milestone falls between the kick-off ({_day(locked.kickoff_date)}) and "
                    f"the due date ({_day(locked.due_on)})."
                )
        done = {m.title: m.done_at for m in locked.milestones.exclude(done_at=None)}
        locked.milestones.all().delete()
        Milestone.objects.bulk_create(
            Milestone(engagement=locked, title=item["title"], due_on=item["due_on"], done_at=done.get(item["title"]))
            for item in milestones
        )
    return locked


def milestone_mark_done(*, milestone, by, done=True):
    with transaction.atomic():
        locked = _lock(milestone.engagement)
        _require_student(locked, by)
        check_state(locked, [*Engagement.DUE_DATE_MOVABLE, Status.WORK_SUBMITTED], "changed")
        Milestone.objects.filter(pk=milestone.pk, engagement=locked).update(done_at=timezone.now() if done else None)
    return locked


# Delivery and verification.


def work_submit(*, engagement, by, url="", note="", files=()):
    """The student hands in the work: an https link and a note, with optional files (checked by
    the form: type by content, size). Every round stays in the timeline."""
    url, note = (url or "").strip(), (note or "").strip()
    if not url and not files:
        raise TransitionError("Give a link to the work or attach a file.", field="url")
    if url and urlsplit(url).scheme != "https":
        raise TransitionError("The link must start with https://.", field="url")
    with transaction.atomic():
        locked = _lock(engagement)
        _require_student(locked, by)
        check_state(locked, Engagement.WORKING, "submitted")
        now = timezone.now()
        submission = Submission.objects.create(
            engagement=locked, round=locked.submissions.count() + 1, url=url, note=note, submitted_at=now
        )
        for upload in files:
            stored = SubmissionFile(
                submission=submission,
                name=upload.name[:200],
                size=upload.size,
                content_type=getattr(upload, "content_type", "") or "application/octet-stream",
            )
            stored.file.save(upload.name, upload, save=False)
            stored.save()
        _move(
            locked,
            to=Status.WORK_SUBMITTED,
            allowed=Engagement.WORKING,
            verb="submitted",
            by=by,
            note=f"Round {submission.round} submitted.",
            submitted_at=now,
        )
        emails.work_submitted(locked, submission=submission)
    return submission


def _answer(locked, by, outcome, comment):
    submission = locked.submissions.select_for_update().order_by("-round").first()
    submission.outcome = outcome
    submission.comment = comment
    submission.answered_at = timezone.now()
    submission.answered_by = by
    submission.save(update_fields=["outcome", "comment", "answered_at", "answered_by"])
    return submission


def work_request_changes(*, engagement, by, comment):
    """A member asks for changes, saying what; the student submits again."""
    comment = (comment or "").strip()
    if not comment:
        raise TransitionError("Say what should change; the student reads it.", field="comment")
    with transaction.atomic():
        locked = _lock(engagement)
        _require_member(locked, by)
        check_state(locked, [Status.WORK_SUBMITTED], "sent back for changes")
        submission = _answer(locked, by, Submission.Outcome.CHANGES_REQUESTED, comment)
        _move(
            locked,
            to=Status.CHANGES_REQUESTED,
            allowed=[Status.WORK_SUBMITTED],
            verb="sent back for changes",
            by=by,
            note=comment,
        )
        emails.changes_requested(locked, submission=submission)
    return locked


def work_verify(*, engagement, by, comment="", feedback=None):
    """A member verifies the work: the engagement is completed. ``feedback`` (the arguments of
    ``completion.services.feedback_give``) gives the feedback in the same step."""
    with transaction.atomic():
        locked = _lock(engagement)
        _require_member(locked, by)
        check_state(locked, [Status.WORK_SUBMITTED], "verified")
        submission = _answer(locked, by, Submission.Outcome.VERIFIED, (comment or "").strip())
        _move(
            locked,
            to=Status.COMPLETED,
            allowed=[Status.WORK_SUBMITTED],
            verb="verified",
            by=by,
            completed_at=timezone.now(),
        )
        # The one payout for the project's fee, in this transaction (one per engagement).
        payout_create(
            engagement=locked,
            amount=locked.project.fee,
            student=locked.application.student,
            description=locked.project.title,
            by=by,
        )
        emails.work_verified(locked, submission=submission)
        if feedback is not None:
            from ..completion.services import feedback_give

            feedback_give(engagement=locked, by=by, **feedback)
    return locked


def engagement_mark_paid(*, engagement_id, by):
    """Its payout was paid (payroll sends ``payout_paid``): the engagement is paid."""
    engagement = Engagement.objects.get(pk=engagement_id)
    if engagement.status == Status.PAID:
        return engagement
    return transition(engagement, to=Status.PAID, allowed=Engagement.PAYABLE, verb="marked paid", by=by)


# Cancelling.


def engagement_cancel(*, engagement, by, reason, message=""):
    """Before work is submitted either side may cancel, with a reason; afterwards only career
    center staff (a dispute). The other side and staff are told, and a booked kick-off's
    invitation is cancelled. The opening is free again: the organization may reopen the
    project and select someone else."""
    message = (message or "").strip()
    with transaction.atomic():
        locked = _lock(engagement)
        student = locked.application.student
        if by is not None and by.pk == student.pk:
            allowed, reasons, side = Engagement.CANCELLABLE_BY_PARTIES, Engagement.STUDENT_CANCEL_REASONS, "student"
        elif is_member(by, locked.project.organization_id):
            allowed, reasons, side = Engagement.CANCELLABLE_BY_PARTIES, Engagement.SUPERVISOR_CANCEL_REASONS, "org"
        elif by is not None and by.is_staff and by.has_perm("applications.change_engagement"):
            allowed, reasons, side = Engagement.CANCELLABLE_BY_STAFF, list(Engagement.CancelReason), "staff"
        else:
            raise TransitionError("Only the student, the organization or the career center can cancel this.")
        if reason not in reasons:
            raise TransitionError("Choose a reason.", field="reason")
        if side == "staff" and not message:
            raise TransitionError("Say why the career center cancels it; both sides read it.", field="message")
        if locked.status not in allowed and side != "staff" and locked.status in Engagement.CANCELLABLE_BY_STAFF:
            raise TransitionError("The work is submitted: only the career center can cancel now. Contact them.")
        had_invitation = locked.status == Status.KICKOFF_BOOKED and locked.kickoff_at is not None
        label = Engagement.CancelReason(reason).label
        _move(
            locked,
            to=Status.CANCELLED,
            allowed=allowed,
            verb="cancelled",
            by=by,
            note=f"{label}. {message}".strip(),
            cancelled_at=timezone.now(),
            cancel_reason=reason,
            cancel_message=message,
        )
        locked.slots.filter(status=KickoffSlot.Status.OFFERED).update(status=KickoffSlot.Status.RELEASED)
        if had_invitation:
            locked.invite_sequence += 1
            locked.save(update_fields=["invite_sequence"])
            emails.kickoff_cancelled(
                locked, invitation=(ics.filename(locked), ics.invitation(locked, cancel=True), "CANCEL")
            )
        people = list(career_center_staff())
        if side != "student":
            people.append(student)
        if side != "org":
            people.append(locked.project.contact)
        emails.engagement_cancelled(locked, by=by, people=[p for p in people if by is None or p.pk != by.pk])
    return locked


# Beat jobs: reminders, each sent once however often the job runs.


def _claim(engagement_id, kind, about):
    """Record a reminder as sent; False when it already was (the unique key decides)."""
    _, created = EngagementReminder.objects.get_or_create(engagement_id=engagement_id, kind=kind, about=about)
    return created


def _each_claimed(queryset, kind, about):
    """Engagements of ``queryset`` not yet reminded of ``kind``, claimed one by one; yields the
    locked-in-transaction engagement, with what the emails need."""
    for pk, value in list(queryset.values_list("pk", about)):
        with transaction.atomic():
            if not _claim(pk, kind, value.isoformat()):
                continue
            yield Engagement.objects.select_related(
                "project__organization", "project__contact", "application__student", "kickoff"
            ).get(pk=pk)


def kickoff_remind_due(*, now=None):
    """Both people, 24 hours before the kick-off."""
    now = now or timezone.now()
    due = Engagement.objects.filter(
        status=Status.KICKOFF_BOOKED, kickoff_at__gt=now, kickoff_at__lte=now + timedelta(hours=24)
    ).exclude(reminders__kind="kickoff-tomorrow")
    sent = 0
    for engagement in _each_claimed(due, "kickoff-tomorrow", "kickoff_at"):
        emails.kickoff_tomorrow(engagement)
        sent += 1
    return sent


def deadlines_remind_due(*, today=None):
    """The student 3 days and 1 day before the due date; both the day after it, if overdue."""
    today = today or timezone.localdate()
    sent = 0
    for days in (3, 1):
        kind = f"due-in-{days}"
        due = Engagement.objects.filter(status__in=Engagement.WORKING, due_on=today + timedelta(days=days)).exclude(
            reminders__kind=kind
        )
        for engagement in _each_claimed(due, kind, "due_on"):
            emails.due_soon(engagement, days=days)
            sent += 1
    late = Engagement.objects.filter(status__in=Engagement.WORKING, due_on__lt=today).exclude(reminders__kind="overdue")
    for engagement in _each_claimed(late, "overdue", "due_on"):
        emails.overdue(engagement)
        sent += 1
    return sent


def verification_remind_due(*, now=None):
    """Work not answered after 3 days reminds the supervisor; after 7, career center staff."""
    now = now or timezone.now()
    sent = 0
    for days, kind in ((3, "verify-late-3"), (7, "verify-late-7")):
        due = Engagement.objects.filter(
            status=Status.WORK_SUBMITTED, submitted_at__lte=now - timedelta(days=days)
        ).exclude(reminders__kind=kind)
        for engagement in _each_claimed(due, kind, "submitted_at"):
            submission = engagement.submissions.order_by("-round").first()
            staff = list(career_center_staff()) if days == 7 else ()
            emails.verification_late(engagement, submission=submission, days=days, staff=staff)
            sent += 1
    return sent

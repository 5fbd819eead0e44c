from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import emails
from .models import StudentProfile, User, WorkEligibility
from .transitions import TransitionError, transition


def account_welcome(*, user, email):
    """Once an address is confirmed, tell the person what to do next (once per address)."""
    return emails.welcome(user, email)


def delete_file_on_commit(storage, name):
    """Remove a stored file once the change that dropped it is committed (never before: a
    rollback must not leave a record pointing at nothing)."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# Student profile


def profile_for(user):
    profile, _ = StudentProfile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def profile_update(
    *,
    user,
    first_name,
    last_name,
    program,
    graduation_season,
    graduation_year,
    status,
    linkedin_url,
    bio,
    is_adult,
    skills,
    resume=None,
    programs=None,
    first_generation=None,
    pell_eligible=None,
):
    """Save the profile; a new résumé replaces (and removes) the old file. ``programs`` None
    leaves the chosen programs as they are."""
    profile = StudentProfile.objects.select_for_update().get(pk=profile_for(user).pk)
    User.objects.filter(pk=user.pk).update(first_name=first_name, last_name=last_name)
    user.first_name, user.last_name = first_name, last_name
    profile.program = program
    profile.graduation_season = graduation_season
    profile.graduation_year = graduation_year
    profile.status = status
    profile.linkedin_url = linkedin_url
    profile.bio = bio
    profile.first_generation = first_generation
    profile.pell_eligible = pell_eligible
    if is_adult and not profile.adult_attested_at:
        profile.adult_attested_at = timezone.now()
    elif not is_adult:
        profile.adult_attested_at = None
    if resume is not None:
        delete_file_on_commit(profile.resume.storage, profile.resume.name)
        profile.resume.save(resume.name, resume, save=False)
        profile.resume_uploaded_at = timezone.now()
    profile.save()
    profile.skills.set(skills)
    if programs is not None:
        profile.programs.set(programs)
    return profile


# Work eligibility


def eligibility_current(student):
    return WorkEligibility.objects.current().filter(student=student).select_related("reviewed_by").first()


@transaction.atomic
def eligibility_declare(*, student, basis, starts_on=None, ends_on=None, document=None):
    """Record a new declaration; it becomes the current one and the previous one stays as history.

    Bases that need a document wait for staff review; the others are the student's attestation.
    """
    # Locking the person serializes two declarations sent at once (one current record each).
    User.objects.select_for_update().get(pk=student.pk)
    needs_review = basis in WorkEligibility.DOCUMENT_BASES
    WorkEligibility.objects.filter(student=student, is_current=True).update(is_current=False)
    record = WorkEligibility(
        student=student,
        basis=basis,
        starts_on=starts_on if basis in WorkEligibility.DATED_BASES else None,
        ends_on=ends_on if needs_review else None,
        status=WorkEligibility.Status.PENDING if needs_review else WorkEligibility.Status.ATTESTED,
    )
    record._history_user = student
    if needs_review and document is not None:
        record.document.save(document.name, document, save=False)
    record.save()
    return record


def _locked_record(record, expected, verb):
    locked = WorkEligibility.objects.select_for_update().select_related("student").get(pk=record.pk)
    if locked.status not in expected:
        raise TransitionError(
            f"This declaration is {locked.get_status_display().lower()}; only a pending one can be {verb}."
        )
    if not locked.is_current:
        raise TransitionError(f"The student has declared again since; this declaration cannot be {verb}.")
    return locked


@transaction.atomic
def eligibility_approve(*, record, by):
    """Staff confirm a pending declaration; the student is told."""
    record = _locked_record(record, {WorkEligibility.Status.PENDING}, "approved")
    record = transition(
        record,
        locked=True,
        allowed=[WorkEligibility.Status.PENDING],
        verb="approved",
        by=by,
        event=False,
        to=WorkEligibility.Status.VERIFIED,
        reviewed_by=by,
        decided_at=timezone.now(),
        reason="",
    )
    emails.eligibility_verified(record)
    return record


@transaction.atomic
def eligibility_reject(*, record, by, reason):
    """Staff turn a pending declaration down, saying why; the student is told."""
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError("Give the student a reason for the rejection.")
    record = _locked_record(record, {WorkEligibility.Status.PENDING}, "rejected")
    record = transition(
        record,
        locked=True,
        allowed=[WorkEligibility.Status.PENDING],
        verb="rejected",
        by=by,
        event=False,
        to=WorkEligibility.Status.REJECTED,
        reviewed_by=by,
        decided_at=timezone.now(),
        reason=reason,
    )
    emails.eligibility_rejected(record)
    return record


def eligibility_expire_due(*, today=None):
    """Mark current records whose authorization has ended as expired. Safe to run again."""
    today = today or timezone.localdate()
    due = WorkEligibility.objects.filter(
        is_current=True,
        status__in=[WorkEligibility.Status.VERIFIED, WorkEligibility.Status.PENDING],
        ends_on__lt=today,
    ).values_list("pk", flat=True)
    expired = 0
    for pk in list(due):
        with transaction.atomic():
            record = WorkEligibility.objects.select_for_update().get(pk=pk)
            if record.status not in (WorkEligibility.Status.VERIFIED, WorkEligibility.Status.PENDING):
                continue
            record.status = WorkEligibility.Status.EXPIRED
            record.decided_at = timezone.now()
            record.reviewed_by = None
            record.save(update_fields=["status", "decided_at", "reviewed_by"])
            expired += 1
    return expired


def eligibility_remind_expiring(*, today=None):
    """One reminder per verified authorization that ends within the reminder window.

    The claim is a conditional update on ``reminded_at``, so a second run (or two beats at
    once) finds nothing to send; the outbox key would refuse a duplicate anyway.
    """
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.ELIGIBILITY_REMINDER_DAYS)
    due = WorkEligibility.objects.filter(
        is_current=True,
        status=WorkEligibility.Status.VERIFIED,
        ends_on__gte=today,
        ends_on__lte=horizon,
        reminded_at__isnull=True,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = WorkEligibility.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=timezone.now())
            if not claimed:
                continue
            record = WorkEligibility.objects.select_related("student").get(pk=pk)
            emails.eligibility_expiring(record, days_left=(record.ends_on - today).days)
            sent += 1
    return sent


# Programs


def profiles_map_to_program(*, profiles, program):
    """Add ``program`` to the chosen programs of ``profiles`` (staff map free-text majors to the
    list); the free text stays. Returns how many profiles gained it."""
    through = StudentProfile.programs.through
    missing = profiles.exclude(programs=program).values_list("pk", flat=True)
    new = [through(studentprofile_id=pk, program_id=program.pk) for pk in missing]
    through.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def user_rename(*, user, first_name, last_name):
    """The name projects, member lists and emails use ("Hello Dana,")."""
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    user.save(update_fields=["first_name", "last_name"])
    return user

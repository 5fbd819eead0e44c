"""The work-eligibility gate: may this student work on a project with these dates?

One function, ``eligibility_for``, answers for every row of DESIGN.md's table. Applications ask it
on submit and again on selection; the eligibility page asks it without dates to say where the
student stands today.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from payroll.selectors import ItinStatus, itin_status
from portal.models import WorkEligibility

Basis = WorkEligibility.Basis
Status = WorkEligibility.Status


class Reason(models.TextChoices):
    CITIZEN = "citizen", "U.S. citizen or national"
    PERMANENT_RESIDENT = "permanent_resident", "Lawful permanent resident"
    VERIFIED = "verified", "Authorization verified"
    ITIN_VALID = "itin_valid", "Valid ITIN"
    ITIN_EXPIRING = "itin_expiring", "ITIN expiring"
    NOT_DECLARED = "not_declared", "No declaration"
    PENDING_REVIEW = "pending_review", "Waiting for review"
    REJECTED = "rejected", "Declaration rejected"
    EXPIRED = "expired", "Authorization expired"
    STARTS_BEFORE_AUTHORIZATION = "starts_before_authorization", "Project starts before the authorization"
    ENDS_AFTER_AUTHORIZATION = "ends_after_authorization", "Project ends after the authorization"
    ITIN_MISSING = "itin_missing", "No ITIN on the payroll record"
    ITIN_EXPIRED = "itin_expired", "ITIN expired"
    NOT_AUTHORIZED = "not_authorized", "No work authorization"


@dataclass(frozen=True)
class EligibilityDecision:
    eligible: bool
    reason: str  # a Reason value
    message: str  # plain words for the student
    next_step: str = ""  # what to do about it, if anything
    url: str = ""  # where to do it
    record: WorkEligibility | None = None

    def __bool__(self):
        return self.eligible


def _day(value):
    return date_format(value, "F j, Y")


def _eligibility_url():
    return reverse("applications:eligibility")


def _international_office():
    return settings.INTERNATIONAL_STUDENT_SERVICES_URL or _eligibility_url()


def eligibility_for(student, starts_on=None, ends_on=None, *, today=None):
    """The gate's decision for ``student`` on a project from ``starts_on`` (kick-off) to
    ``ends_on`` (due date). Without dates, the decision is about today and the authorization as
    a whole (the eligibility page uses that)."""
    today = today or timezone.localdate()
    record = WorkEligibility.objects.current().filter(student=student).first()
    declare = "Declare your work eligibility"

    def no(reason, message, next_step=declare, url=None):
        return EligibilityDecision(False, reason, message, next_step, url or _eligibility_url(), record)

    def yes(reason, message, next_step="", url=""):
        return EligibilityDecision(True, reason, message, next_step, url, record)

    if record is None:
        return no(
            Reason.NOT_DECLARED,
            "You have not told us about your work eligibility yet. You can apply once you have.",
        )
    if record.basis == Basis.CITIZEN:
        return yes(Reason.CITIZEN, "You declared that you are a U.S. citizen or national: you can apply to projects.")
    if record.basis == Basis.PERMANENT_RESIDENT:
        return yes(
            Reason.PERMANENT_RESIDENT,
            "You declared that you are a lawful permanent resident: you can apply to projects.",
        )
    if record.basis == Basis.ITIN:
        return _itin_decision(student, record, yes, no)
    if record.basis == Basis.NONE:
        return no(
            Reason.NOT_AUTHORIZED,
            "Without work authorization you cannot be paid for projects. International Student Services can "
            "tell you what applies to you; if you are not in F-1 or J-1 status, you may be paid with an ITIN "
            "(see the IRS ITIN guide).",
            "Talk to International Student Services",
            _international_office(),
        )
    return _document_decision(record, starts_on, ends_on, today, yes, no)


def _itin_decision(student, record, yes, no):
    status = itin_status(student)
    if status == ItinStatus.VALID:
        return yes(Reason.ITIN_VALID, "Your payroll record has a valid ITIN: you can apply to projects.")
    if status == ItinStatus.EXPIRING:
        return yes(
            Reason.ITIN_EXPIRING,
            "Your ITIN expires at the end of this year. You can apply now; renew it with the IRS to keep "
            "being paid next year.",
            "Read the IRS ITIN guide",
            settings.ITIN_GUIDE_URL,
        )
    if status == ItinStatus.EXPIRED:
        return no(
            Reason.ITIN_EXPIRED,
            "The ITIN on your payroll record has expired. Renew it with the IRS, then update your payroll record.",
            "Read the IRS ITIN guide",
            settings.ITIN_GUIDE_URL,
        )
    return no(
        Reason.ITIN_MISSING,
        "To be paid with an ITIN you need a valid ITIN on your payroll record, and there is none yet. "
        "Sign up for payroll with your ITIN; if you do not have one, the IRS ITIN guide says how to apply.",
        "Sign up for payroll",
        reverse("payroll:home"),
    )


def _document_decision(record, starts_on, ends_on, today, yes, no):
    student_visa = record.basis in WorkEligibility.STUDENT_VISA_BASES
    if record.status == Status.REJECTED:
        why = f" The reason given: {record.reason}" if record.reason else ""
        return no(
            Reason.REJECTED,
            f"The career center could not confirm your authorization.{why} Declare again with the right document.",
        )
    if record.status == Status.EXPIRED or (record.ends_on and record.ends_on < today):
        return no(
            Reason.EXPIRED,
            f"Your authorization ended on {_day(record.ends_on)}. Declare your new authorization to apply again.",
        )
    if record.status != Status.VERIFIED:
        message = "The career center is checking your document; you will get an email when it is done."
        if student_visa:
            message = (
                "F-1 and J-1 students cannot apply until the career center confirms their authorization. "
                + message
                + " Questions about CPT, OPT or academic training go to International Student Services."
            )
        return no(Reason.PENDING_REVIEW, message, "See your eligibility status")
    if student_visa and starts_on and record.starts_on and starts_on < record.starts_on:
        return no(
            Reason.STARTS_BEFORE_AUTHORIZATION,
            f"This project starts on {_day(starts_on)}, before your authorization begins "
            f"({_day(record.starts_on)}). Choose a project that starts later, or ask International Student "
            "Services about your dates.",
            "See your eligibility status",
        )
    if ends_on and record.ends_on and ends_on > record.ends_on:
        return no(
            Reason.ENDS_AFTER_AUTHORIZATION,
            f"This project is due on {_day(ends_on)}, after your authorization ends ({_day(record.ends_on)}). "
            "Choose a shorter project, or declare your extended authorization.",
            "See your eligibility status",
        )
    if student_visa:
        window = f"from {_day(record.starts_on)} to {_day(record.ends_on)}"
        message = f"Your authorization is verified: you can apply to projects that start and end {window}."
    else:
        message = f"Your authorization is verified until {_day(record.ends_on)}: you can apply to projects due by then."
    return yes(Reason.VERIFIED, message)

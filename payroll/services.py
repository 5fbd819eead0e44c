"""Every change to a contractor record goes through here."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from portal import emails
from portal.models import User
from portal.transitions import TransitionError

from .models import CERTIFICATION_VERSION, ContractorRecord
from .selectors import records_sharing_tin

PLAIN_FIELDS = [
    "legal_first_name",
    "legal_last_name",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "zip_code",
    "tin_type",
    "itin_issued_year",
    "itin_last_used_year",
    "payment_method",
    "routing_number",
    "account_type",
]


# Says nothing about who else holds the number: the career center is told instead.
DUPLICATE_MESSAGE = "We could not accept this number; contact the career center."


class DuplicateTaxpayerId(TransitionError):
    """The taxpayer id is on another person's record; the message says nothing of whose."""

    def __init__(self):
        super().__init__(DUPLICATE_MESSAGE, field="taxpayer_id")


def _duplicate_taxpayer_id():
    return DuplicateTaxpayerId()


@sensitive_variables()
def contractor_save(*, student, data, by, ip=None):
    """See ``_contractor_save``; a taxpayer id already on another person's record is refused
    without saying so, and the career center is alerted (after the refusal rolled back)."""
    try:
        return _contractor_save(student=student, data=data, by=by, ip=ip)
    except DuplicateTaxpayerId:
        holders = (
            records_sharing_tin(data["tin_digits"])
            .filter(student__isnull=False)
            .exclude(student=student)
            .select_related("student")
        )
        contractor_duplicate_alert(student=student, holders=[record.student for record in holders])
        raise


@sensitive_variables()
@transaction.atomic
def _contractor_save(*, student, data, by, ip=None):
    """Create or update ``student``'s record from a cleaned ``PayrollForm``, and sign it.

    ``data["tin_digits"]`` / ``data["account_digits"]`` carry a new number, or None to keep the
    one on file. Each save is a new W-9 style certification (typed name, time, IP). The same
    taxpayer id on another person's record is refused (records of deleted accounts, kept for tax
    reporting, do not count). The student is told by email when the taxpayer id or the bank
    details change, with the last four digits only.
    """
    # Lock the person first, so two first sign-ups at once cannot both create a record.
    User.objects.select_for_update().get(pk=student.pk)
    record = ContractorRecord.objects.select_for_update().filter(student=student).first()
    created = record is None
    if created:
        record = ContractorRecord(student=student)

    tin_digits = data.get("tin_digits")
    if tin_digits:
        others = records_sharing_tin(tin_digits, exclude=record).filter(student__isnull=False)
        if others.exists():
            raise _duplicate_taxpayer_id()

    now = timezone.now()
    for name in PLAIN_FIELDS:
        empty = None if name.startswith("itin_") else ""
        setattr(record, name, data.get(name) or empty)
    changed = []
    if tin_digits:
        record.set_tin(tin_digits)
        record.tin_updated_at = now
        changed.append("taxpayer id")
    if record.payment_method == ContractorRecord.PaymentMethod.CHECK:
        if record.account_last4:
            changed.append("payment method")
            record.bank_updated_at = now
        record.set_account_number("")
        record.routing_number = ""
        record.account_type = ""
    elif data.get("account_digits") or data.get("bank_change"):
        if data.get("account_digits"):
            record.set_account_number(data["account_digits"])
        record.bank_updated_at = now
        changed.append("bank account")

    record.certified_name = " ".join(data["certified_name"].split())
    record.certified_at = now
    record.certified_ip = ip
    record.certification_version = CERTIFICATION_VERSION
    record.revision += 1
    record.updated_at = now
    record._history_user = by
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        if tin_digits and records_sharing_tin(tin_digits, exclude=record).filter(student__isnull=False).exists():
            raise _duplicate_taxpayer_id() from None
        raise

    if created or changed:
        emails.payroll_updated(record, student=student, created=created, changed=changed)
    return record


@transaction.atomic
def contractor_detach(*, student):
    """Detach ``student``'s record from the person, keeping what tax reporting needs.

    See ``payroll.privacy.erase`` for what is kept and why.
    """
    record = ContractorRecord.objects.select_for_update().filter(student=student).first()
    if record is None:
        return None
    record.student = None
    record.detached_at = timezone.now()
    record.set_account_number("")
    record.routing_number = ""
    record.account_type = ""
    record.certified_ip = None
    record._history_user = None
    record.save()
    # The history keeps staff changes; it must not point at the person or their bank either.
    record.history.all().update(student=None, routing_number="", account_last4="", certified_ip=None)
    return record


def contractor_duplicate_alert(*, student, holders):
    """Tell the career center that ``student`` gave a taxpayer id already on the records of
    ``holders`` (a typo, a shared family number, or identity theft: people decide). The email
    names the accounts, never the number; one email per pair of accounts."""
    key = ",".join(str(holder.pk) for holder in sorted(holders, key=lambda h: h.pk)) or "detached"
    return emails.payroll_duplicate_taxpayer_id(student, holders=holders, key=f"payroll.duplicate:{student.pk}:{key}")

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from portal.states import us_mailing_states

from . import crypto
from .fields import EncryptedTextField
from .validators import ITIN_FIRST_YEAR, ITIN_UNRENEWED_CUTOFF_YEAR, itin_expiry, validate_zip_code

# Which wording of the W-9 style statements a record was signed with.
CERTIFICATION_VERSION = "w9-2024"


class ItinStatus(models.TextChoices):
    VALID = "valid", "Valid"
    EXPIRING = "expiring", "Expiring this year"
    EXPIRED = "expired", "Expired"
    NONE = "none", "No ITIN on file"


def itin_status_on(*, issued_year, last_used_year, today):
    """Valid, expiring (in the ITIN's last calendar year) or expired, on ``today``."""
    if issued_year is None:
        return ItinStatus.NONE
    expires_on = itin_expiry(issued_year=issued_year, last_used_year=last_used_year)
    if expires_on is None or today > expires_on:
        return ItinStatus.EXPIRED
    if today.year == expires_on.year:
        return ItinStatus.EXPIRING
    return ItinStatus.VALID


_YEAR_VALIDATORS = [MinValueValidator(ITIN_FIRST_YEAR), MaxValueValidator(2100)]


class ContractorRecord(models.Model):
    """A student's payroll sign-up: who they are for tax purposes and how they are paid.

    The taxpayer id and account number are encrypted; ``*_last4`` is what pages show and
    ``tin_hash`` (a keyed hash) finds the same taxpayer id on another record. When the person
    deletes their account the record stays, detached (``student`` empty), for tax reporting.
    """

    class TinType(models.TextChoices):
        SSN = "ssn", "Social Security number (SSN)"
        ITIN = "itin", "Individual Taxpayer Identification Number (ITIN)"

    class PaymentMethod(models.TextChoices):
        DIRECT_DEPOSIT = "direct_deposit", "Direct deposit to a U.S. bank account"
        CHECK = "check", "Paper check mailed to my address"

    class AccountType(models.TextChoices):
        CHECKING = "checking", "Checking"
        SAVINGS = "savings", "Savings"

    class State(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        COMPLETE = "complete", "Complete"
        NEEDS_ATTENTION = "needs_attention", "Needs attention"

    student = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contractor_record",
    )
    legal_first_name = models.CharField("legal first name", max_length=100)
    legal_last_name = models.CharField("legal last name", max_length=100)
    address_line1 = models.CharField("street address", max_length=200)
    address_line2 = models.CharField("apartment, suite, unit", max_length=200, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, choices=us_mailing_states)
    zip_code = models.CharField(
        "ZIP code",
        max_length=10,
        validators=[validate_zip_code],
    )

    tin_type = models.CharField("taxpayer id type", max_length=4, choices=TinType.choices)
    tin = EncryptedTextField("taxpayer id")
    tin_last4 = models.CharField("taxpayer id, last four", max_length=4)
    tin_hash = models.CharField(max_length=64, db_index=True, editable=False)
    tin_updated_at = models.DateTimeField(null=True, blank=True)
    itin_issued_year = models.PositiveSmallIntegerField(
        "ITIN issued or last renewed in", null=True, blank=True, validators=_YEAR_VALIDATORS
    )
    itin_last_used_year = models.PositiveSmallIntegerField(
        "ITIN last used on a federal return for tax year", null=True, blank=True, validators=_YEAR_VALIDATORS
    )

    payment_method = models.CharField(max_length=16, choices=PaymentMethod.choices)
    routing_number = models.CharField(max_length=9, blank=True)
    account_number = EncryptedTextField(blank=True)
    account_last4 = models.CharField("account number, last four", max_length=4, blank=True)
    account_type = models.CharField(max_length=8, choices=AccountType.choices, blank=True)
    bank_updated_at = models.DateTimeField(null=True, blank=True)

    certified_name = models.CharField("certification: typed name", max_length=201, blank=True)
    certified_at = models.DateTimeField("certification: signed at", null=True, blank=True)
    certified_ip = models.GenericIPAddressField("certification: IP address", null=True, blank=True)
    certification_version = models.CharField(max_length=20, blank=True)

    revision = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    detached_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Keyed-hash columns and the encrypted field each is computed from: rotation recomputes them.
    BLIND_INDEXES = {"tin_hash": "tin"}

    # Staff edits are kept; the history never holds the numbers, not even encrypted (a change
    # shows as a new last four and update time).
    history = HistoricalRecords(excluded_fields=["tin", "tin_hash", "account_number"])

    class Meta:
        ordering = ["legal_last_name", "legal_first_name"]
        constraints = [
            # Backstop for ``contractor_save``'s duplicate check when two people save at once;
            # detached records (deleted accounts) may share it.
            models.UniqueConstraint(
                fields=["tin_hash"],
                condition=models.Q(student__isnull=False),
                name="payroll_one_person_per_taxpayer_id",
            ),
            models.CheckConstraint(
                condition=models.Q(tin_type="itin") | models.Q(itin_issued_year__isnull=True),
                name="payroll_itin_years_only_for_itin",
            ),
        ]

    def __str__(self):
        return f"{self.legal_first_name} {self.legal_last_name}".strip() or f"Contractor record {self.pk}"

    def save(self, *args, **kwargs):
        # The derived columns always follow the numbers, whoever saves (a form, the admin).
        self.tin_last4 = self.tin[-4:] if self.tin else ""
        self.tin_hash = crypto.blind_index(self.tin) if self.tin else ""
        self.account_last4 = self.account_number[-4:] if self.account_number else ""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ({"tin", "account_number"} & set(update_fields)):
            kwargs["update_fields"] = {*update_fields, "tin_last4", "tin_hash", "account_last4"}
        super().save(*args, **kwargs)

    def clean(self):
        # The check constraint says the same; forms that leave tin_type out (the admin's) skip it.
        if self.tin_type != self.TinType.ITIN:
            errors = {
                name: "Only an ITIN has these years: leave it blank for an SSN."
                for name in ("itin_issued_year", "itin_last_used_year")
                if getattr(self, name) is not None
            }
            if errors:
                raise ValidationError(errors)

    @property
    def legal_name(self):
        return f"{self.legal_first_name} {self.legal_last_name}".strip()

    def set_tin(self, digits):
        self.tin = digits
        self.tin_last4 = digits[-4:]
        self.tin_hash = crypto.blind_index(digits)

    def set_account_number(self, digits):
        self.account_number = digits
        self.account_last4 = digits[-4:] if digits else ""

    @property
    def routing_last4(self):
        return self.routing_number[-4:]

    @property
    def itin_expires_on(self):
        if self.tin_type != self.TinType.ITIN:
            return None
        return itin_expiry(issued_year=self.itin_issued_year, last_used_year=self.itin_last_used_year)

    @property
    def itin_issued_before_cutoff(self):
        return self.tin_type == self.TinType.ITIN and (self.itin_issued_year or 0) < ITIN_UNRENEWED_CUTOFF_YEAR

    def itin_status(self, today=None):
        if self.tin_type != self.TinType.ITIN:
            return ItinStatus.NONE
        return itin_status_on(
            issued_year=self.itin_issued_year,
            last_used_year=self.itin_last_used_year,
            today=today or timezone.localdate(),
        )

    def missing(self):
        """What a complete record still lacks, in words for the student and staff."""
        gaps = []
        if not (self.legal_first_name and self.legal_last_name):
            gaps.append("legal name")
        if not (self.address_line1 and self.city and self.state and self.zip_code):
            gaps.append("mailing address")
        if not (self.tin_type and self.tin_last4):
            gaps.append("taxpayer id")
        if self.tin_type == self.TinType.ITIN and not self.itin_issued_year:
            gaps.append("year the ITIN was issued or renewed")
        if self.payment_method == self.PaymentMethod.DIRECT_DEPOSIT:
            if not (self.routing_number and self.account_last4 and self.account_type):
                gaps.append("bank account")
        elif self.payment_method != self.PaymentMethod.CHECK:
            gaps.append("payment method")
        if not (self.certified_at and self.certified_name):
            gaps.append("certification")
        return gaps

    @property
    def is_complete(self):
        return not self.missing()

    def state_on(self, today=None):
        if not self.is_complete or self.itin_status(today) in (ItinStatus.EXPIRING, ItinStatus.EXPIRED):
            return self.State.NEEDS_ATTENTION
        return self.State.COMPLETE


# Payouts and runs live in their own package; importing them here registers them with this app.
from .payouts.models import Payout, PayoutEvent, PayrollExport, PayrollRun  # noqa: E402

__all__ = [
    "CERTIFICATION_VERSION",
    "ContractorRecord",
    "ItinStatus",
    "Payout",
    "PayoutEvent",
    "PayrollExport",
    "PayrollRun",
]

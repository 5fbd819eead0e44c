"""Payouts (one per verified engagement), payroll runs, and the record of every export.

Models of the ``payroll`` app (registered through ``payroll.models``). The engagement is named
by string: payroll never imports ``applications``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from portal.transitions import Event


class Payout(models.Model):
    """What the portal owes a student for one verified engagement. Exactly one per engagement
    (a database constraint). ``contractor`` is the payroll record it is paid to; it stays when
    the student deletes their account (``student`` is then empty)."""

    class Status(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
        APPROVED = "approved", "Approved"
        IN_RUN = "in_run", "In a payroll run"
        PAID = "paid", "Paid"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    class FailureReason(models.TextChoices):
        R01 = "R01", "R01 Insufficient funds"
        R02 = "R02", "R02 Account closed"
        R03 = "R03", "R03 No account / unable to locate account"
        R04 = "R04", "R04 Invalid account number"
        OTHER = "other", "Other"

    # As ``ContractorRecord.PaymentMethod``, short.
    METHODS = [("direct_deposit", "Direct deposit"), ("check", "Paper check")]

    # The states each change starts from.
    APPROVABLE = [Status.AWAITING_APPROVAL, Status.FAILED]
    RUNNABLE = [Status.APPROVED]
    IN_A_RUN = [Status.IN_RUN]
    CANCELLABLE = [Status.AWAITING_APPROVAL, Status.APPROVED, Status.FAILED]

    # One-to-one: the database's unique index is what keeps a second verification from paying twice.
    # Emptied when a student deletes their account (the engagement goes; the payout is kept for
    # tax reporting, with its contractor record).
    engagement = models.OneToOneField(
        "applications.Engagement", on_delete=models.SET_NULL, null=True, blank=True, related_name="payout"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="payouts"
    )
    contractor = models.ForeignKey(
        "payroll.ContractorRecord", on_delete=models.PROTECT, null=True, blank=True, related_name="payouts"
    )
    # Kept as it was when the work was verified, so the earnings read the same years later.
    description = models.CharField("project", max_length=200)
    amount = models.DecimalField("amount (USD)", max_digits=8, decimal_places=2)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.AWAITING_APPROVAL)
    run = models.ForeignKey("PayrollRun", on_delete=models.PROTECT, null=True, blank=True, related_name="payouts")
    # How it was paid, set when it joins a run (direct deposit or check).
    method = models.CharField(max_length=16, choices=METHODS, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_on = models.DateField("date paid", null=True, blank=True)
    failure_reason = models.CharField(max_length=8, choices=FailureReason.choices, blank=True)
    failure_note = models.TextField(blank=True)
    # Why approval was last refused, in words, one cause a line (empty once approved).
    blocked_because = models.TextField("approval blocked because", blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payroll_payout_amount_positive"),
        ]
        indexes = [
            models.Index(fields=["status", "paid_on"], name="payout_status_paid_idx"),
        ]

    def __str__(self):
        return f"Payout {self.pk}: {self.description}"


class PayoutEvent(Event):
    subject_field = "payout"

    payout = models.ForeignKey(Payout, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["at", "pk"]


class PayrollRun(models.Model):
    """Approved payouts paid together: exported (the bank file and the checks), then paid."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        EXPORTED = "exported", "Exported"
        PAID = "paid", "Paid"

    OPEN_STATES = [Status.OPEN, Status.EXPORTED]

    status = models.CharField(max_length=24, choices=Status.choices, default=Status.OPEN)
    pay_on = models.DateField("payment date", help_text="The effective entry date of the bank file.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    exported_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "payroll run"
        permissions = [
            (
                "export_payment_files",
                "Can export payment files and the 1099 filing file (full account and taxpayer numbers)",
            )
        ]

    def __str__(self):
        return f"Payroll run {self.pk} ({self.pay_on:%Y-%m-%d})"


class PayrollExport(models.Model):
    """One file handed out: who, when, which run (or tax year), what kind, and its SHA-256, so
    a file found later can be matched to the export. The file itself is never kept."""

    class Kind(models.TextChoices):
        SUMMARY = "summary", "Run summary (CSV)"
        NACHA = "nacha", "Direct deposits (NACHA file)"
        CHECKS = "checks", "Paper checks (CSV)"
        FORM_1099 = "form1099", "1099-NEC filing (CSV)"

    SECRET_KINDS = [Kind.NACHA, Kind.CHECKS, Kind.FORM_1099]

    kind = models.CharField(max_length=16, choices=Kind.choices)
    run = models.ForeignKey(PayrollRun, on_delete=models.PROTECT, null=True, blank=True, related_name="exports")
    tax_year = models.PositiveSmallIntegerField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    file_name = models.CharField(max_length=100)
    sha256 = models.CharField("SHA-256", max_length=64)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "payroll export"

    def __str__(self):
        return f"{self.get_kind_display()} by {self.by} at {self.at:%Y-%m-%d %H:%M}"

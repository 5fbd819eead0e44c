"""Every change to a payout or a payroll run: one function per action.

Each runs in a transaction, locks what it changes (``portal.transitions``), checks the state it
starts from, leaves an event (payouts) and a history row, and writes its emails to the outbox.
"""

import csv
import hashlib
import io
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from portal import emails
from portal.jobs import queue_after_commit
from portal.models import OutboundEmail
from portal.transitions import TransitionError, check_state, lock, transition

from ..events import payout_paid
from ..models import ContractorRecord, ItinStatus
from . import nacha
from .models import Payout, PayoutEvent, PayrollExport, PayrollRun

Status = Payout.Status
RunStatus = PayrollRun.Status
EXPORT_PERMISSION = "payroll.export_payment_files"


# Created when the work is verified.


def payout_create(*, engagement, amount, student, description="", by=None):
    """Called by ``work_verify`` in its transaction: the one payout of this engagement (the
    database refuses a second)."""
    payout = Payout.objects.create(
        engagement=engagement,
        student=student,
        contractor=ContractorRecord.objects.filter(student=student).first(),
        amount=amount,
        description=(description or str(getattr(engagement, "project", "")))[:200],
    )
    payout.events.create(from_status="", to_status=Status.AWAITING_APPROVAL, by=by, note="Work verified.")
    return payout


# Approval: the contractor record must let us pay.


def payout_blockers(payout, *, record, on):
    """Why ``payout`` cannot be paid on ``on``, as (cause, words for the student and staff)."""
    if record is None:
        return [("not_signed_up", "you have not signed up for payroll.")]
    causes = []
    gaps = set(record.missing())
    if "certification" in gaps:
        causes.append(("not_certified", "your payroll details are not signed (the W-9 certification)."))
    details = [g for g in record.missing() if g not in ("certification", "bank account", "payment method")]
    if details:
        causes.append(("incomplete", f"your payroll record lacks: {', '.join(details)}."))
    if record.tin_type == ContractorRecord.TinType.ITIN and record.itin_status(on) == ItinStatus.EXPIRED:
        causes.append(
            ("tin_expired", f"your ITIN is not valid on the payment date ({on:%B %-d, %Y}); it must be renewed.")
        )
    if {"bank account", "payment method"} & gaps:
        causes.append(("no_payment_method", "we have no way to pay you (a bank account or a paper check)."))
    return causes


def _record_for(payout):
    if payout.student_id is not None:
        return ContractorRecord.objects.filter(student_id=payout.student_id).first()
    return payout.contractor


def payout_approve(*, payout, by, on=None):
    """Staff approve a payout awaiting approval (or a failed one whose cause is fixed). Refused,
    saying why, when the contractor record cannot be paid on ``on`` (today by default); the
    student is emailed once per cause with a link to fix it, and the reason stays on the payout."""
    on = on or timezone.localdate()
    with transaction.atomic():
        locked = lock(payout)
        check_state(locked, Payout.APPROVABLE, "approved")
        record = _record_for(locked)
        blockers = payout_blockers(locked, record=record, on=on)
        if blockers:
            locked.blocked_because = "\n".join(f"{cause}: {words}" for cause, words in blockers)
            locked.save(update_fields=["blocked_because", "updated_at"])
            for cause, words in blockers:
                emails.payout_blocked(locked, cause=cause, reason=words)
        else:
            locked = transition(
                locked,
                locked=True,
                to=Status.APPROVED,
                allowed=Payout.APPROVABLE,
                verb="approved",
                by=by,
                contractor=record,
                approved_at=timezone.now(),
                blocked_because="",
                run=None,
                failure_reason="",
                failure_note="",
            )
    if blockers:
        raise TransitionError("Not approved: " + " ".join(words for _, words in blockers))
    return locked


def payout_cancel(*, payout, by, reason):
    with transaction.atomic():
        return transition(payout, to=Status.CANCELLED, allowed=Payout.CANCELLABLE, verb="cancelled", by=by, note=reason)


# Runs.


def run_create(*, by, payouts=None, pay_on=None):
    """A run of every approved payout, or of the ones picked. Refused if a picked one is not
    approved (in another run, say): a payout is in at most one open run. Payouts whose record
    cannot be paid on ``pay_on`` stay approved and are left out, named in ``run.left_out``."""
    pay_on = pay_on or timezone.localdate()
    with transaction.atomic():
        # The numbers are not needed to decide (their last four are): skip decrypting them.
        queryset = (
            Payout.objects.select_for_update(of=("self",))
            .select_related("contractor")
            .defer("contractor__tin", "contractor__account_number")
        )
        if payouts is None:
            rows = list(queryset.filter(status=Status.APPROVED).order_by("pk"))
        else:
            ids = sorted({p.pk for p in payouts})
            rows = list(queryset.filter(pk__in=ids).order_by("pk"))
            for row in rows:
                check_state(row, Payout.RUNNABLE, "added to a run")
        payable, left_out = [], []
        for row in rows:
            (left_out if payout_blockers(row, record=row.contractor, on=pay_on) else payable).append(row)
        if not payable:
            raise TransitionError("There are no approved payouts that can be paid on that date. Nothing was changed.")
        run = PayrollRun.objects.create(created_by=by, pay_on=pay_on)
        now = timezone.now()
        by_method = {}
        for row in payable:
            row.status, row.run, row.method, row.updated_at = Status.IN_RUN, run, row.contractor.payment_method, now
            by_method.setdefault(row.method, []).append(row.pk)
        # A statement per payment method instead of one per row (the rows are locked and checked
        # above): a run of thousands stays fast. The history and the events follow in bulk.
        for method, ids in by_method.items():
            Payout.objects.filter(pk__in=ids).update(status=Status.IN_RUN, run=run, method=method, updated_at=now)
        Payout.history.bulk_history_create(payable, batch_size=1000, update=True, default_user=by, default_date=now)
        PayoutEvent.objects.bulk_create(
            [
                PayoutEvent(payout=row, from_status=Status.APPROVED, to_status=Status.IN_RUN, by=by, at=now)
                for row in payable
            ],
            batch_size=1000,
        )
    run.left_out = left_out
    return run


def _payouts_of(run, method=None):
    queryset = run.payouts.filter(status__in=[Status.IN_RUN, Status.PAID, Status.FAILED]).select_related("contractor")
    if method:
        queryset = queryset.filter(method=method)
    return queryset.order_by("pk")


def _record_export(*, kind, run, by, file_name, content, rows, tax_year=None):
    PayrollExport.objects.create(
        kind=kind,
        run=run,
        tax_year=tax_year,
        by=by,
        file_name=file_name,
        sha256=hashlib.sha256(content).hexdigest(),
        rows=rows,
    )


def _csv(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _require_export_permission(by):
    if not by.has_perm(EXPORT_PERMISSION):
        raise TransitionError("Only staff allowed to export payment files may do this.")


def run_summary(*, run, by):
    """The run for bookkeeping: who, what, how much, how. No taxpayer id, no account number."""
    payouts = list(_payouts_of(run))
    content = _csv(
        ["payout", "payee", "project", "amount", "method", "status", "date paid"],
        [
            [
                p.pk,
                p.contractor.legal_name if p.contractor else "",
                p.description,
                p.amount,
                p.get_method_display(),
                p.get_status_display(),
                p.paid_on or "",
            ]
            for p in payouts
        ],
    )
    name = f"payroll-run-{run.pk}-summary.csv"
    _record_export(kind=PayrollExport.Kind.SUMMARY, run=run, by=by, file_name=name, content=content, rows=len(payouts))
    return name, content


def _mark_exported(run, by, method):
    """The first payment file exported marks the run exported. The students paid by ``method``
    are told their money is on its way by a job after commit (thousands of emails would
    otherwise hold the export), each once (the outbox key names the run)."""
    from ..tasks import payouts_on_their_way_task

    locked = lock(run)
    if locked.status == RunStatus.OPEN:
        locked = transition(
            locked,
            locked=True,
            to=RunStatus.EXPORTED,
            allowed=[RunStatus.OPEN],
            verb="exported",
            by=by,
            event=False,
            exported_at=timezone.now(),
        )
    queue_after_commit(payouts_on_their_way_task, locked.pk, method, sweep="payouts-on-their-way")
    return locked


# The payment file that tells the students paid one way that their money is on its way.
TOLD_BY_EXPORT = {
    PayrollExport.Kind.NACHA: ContractorRecord.PaymentMethod.DIRECT_DEPOSIT,
    PayrollExport.Kind.CHECKS: ContractorRecord.PaymentMethod.CHECK,
}


def payouts_on_their_way_sweep(*, now=None, grace=timedelta(minutes=10)):
    """Beat job: finish telling the students of exported runs whose job was never queued (the
    broker was down) or died halfway. A run whose students all have their email is skipped
    with two counts; the others are told again, which mails only those not told yet."""
    now = now or timezone.now()
    told = 0
    for run in PayrollRun.objects.filter(status=RunStatus.EXPORTED, exported_at__lte=now - grace):
        methods = {
            TOLD_BY_EXPORT[kind] for kind in run.exports.filter(kind__in=TOLD_BY_EXPORT).values_list("kind", flat=True)
        }
        owed = run.payouts.filter(status=Status.IN_RUN, method__in=methods, student__isnull=False).count()
        sent = OutboundEmail.objects.filter(kind="payout-on-its-way", object_key__endswith=f":run{run.pk}").count()
        if sent < owed:
            told += sum(payouts_tell_on_their_way(run_id=run.pk, method=method) for method in methods)
    return told


def payouts_tell_on_their_way(*, run_id, method):
    run = PayrollRun.objects.get(pk=run_id)
    payouts = run.payouts.filter(status=Status.IN_RUN, method=method).select_related("student", "run")
    count = 0
    for payout in payouts.order_by("pk").iterator(chunk_size=500):
        with transaction.atomic():
            count += emails.payout_on_its_way(payout) is not None
    return count


@sensitive_variables()
def run_export_nacha(*, run, by, now=None):
    """The direct deposits of ``run`` as a NACHA file (bytes, never written to disk). The first
    payment file exported marks the run exported and tells each student the money is on its way."""
    _require_export_permission(by)
    now = now or timezone.localtime()
    with transaction.atomic():
        check_state(lock(run), PayrollRun.OPEN_STATES, "exported")
        payouts = [p for p in _payouts_of(run, ContractorRecord.PaymentMethod.DIRECT_DEPOSIT) if p.status != "failed"]
        if not payouts:
            raise TransitionError("This run has no direct deposits: export the paper checks instead.")
        entries = [
            nacha.Entry(
                routing_number=p.contractor.routing_number,
                account_number=p.contractor.account_number,
                savings=p.contractor.account_type == ContractorRecord.AccountType.SAVINGS,
                amount_cents=int(p.amount * 100),
                individual_id=f"PAYOUT{p.pk}",
                individual_name=p.contractor.legal_name,
            )
            for p in payouts
        ]
        text = nacha.build(
            originator=nacha.Originator.from_settings(),
            entries=entries,
            effective_date=run.pay_on,
            created_at=now,
            batch_number=run.pk % 10_000_000,
        )
        content = text.encode("ascii")
        name = f"payroll-run-{run.pk}-ach.txt"
        _record_export(
            kind=PayrollExport.Kind.NACHA, run=run, by=by, file_name=name, content=content, rows=len(entries)
        )
        _mark_exported(run, by, ContractorRecord.PaymentMethod.DIRECT_DEPOSIT)
    return name, content


def run_export_checks(*, run, by):
    """The paper checks of ``run``: payee, mailing address, amount (CSV)."""
    _require_export_permission(by)
    with transaction.atomic():
        check_state(lock(run), PayrollRun.OPEN_STATES, "exported")
        payouts = [p for p in _payouts_of(run, ContractorRecord.PaymentMethod.CHECK) if p.status != "failed"]
        if not payouts:
            raise TransitionError("This run has no paper checks.")
        content = _csv(
            ["payout", "payee", "address line 1", "address line 2", "city", "state", "ZIP code", "amount", "memo"],
            [
                [
                    p.pk,
                    p.contractor.legal_name,
                    p.contractor.address_line1,
                    p.contractor.address_line2,
                    p.contractor.city,
                    p.contractor.state,
                    p.contractor.zip_code,
                    p.amount,
                    p.description[:60],
                ]
                for p in payouts
            ],
        )
        name = f"payroll-run-{run.pk}-checks.csv"
        _record_export(
            kind=PayrollExport.Kind.CHECKS, run=run, by=by, file_name=name, content=content, rows=len(payouts)
        )
        _mark_exported(run, by, ContractorRecord.PaymentMethod.CHECK)
    return name, content


# Paid or failed.


def _close_run_if_done(run, by):
    locked = lock(run)
    if locked.status == RunStatus.EXPORTED and not locked.payouts.filter(status=Status.IN_RUN).exists():
        transition(
            locked,
            locked=True,
            to=RunStatus.PAID,
            allowed=[RunStatus.EXPORTED],
            verb="marked paid",
            by=by,
            event=False,
            paid_at=timezone.now(),
        )


def _pay(locked, by, paid_on):
    check_state(locked, Payout.IN_A_RUN, "marked paid")
    if locked.run is None or locked.run.status != RunStatus.EXPORTED:
        raise TransitionError("Export the run's payment files before marking it paid. Nothing was changed.")
    locked = transition(
        locked, locked=True, to=Status.PAID, allowed=Payout.IN_A_RUN, verb="marked paid", by=by, paid_on=paid_on
    )
    emails.payout_paid(locked)
    # Applications moves the engagement to "paid" (payroll may not import it).
    payout_paid.send(sender=Payout, payout=locked, by=by)
    return locked


def payout_mark_paid(*, payout, by, paid_on=None):
    with transaction.atomic():
        locked = _pay(lock(payout), by, paid_on or timezone.localdate())
        _close_run_if_done(locked.run, by)
    return locked


def run_mark_paid(*, run, by, paid_on=None):
    """Every payout still in the exported run is paid on ``paid_on``; the run is closed."""
    paid_on = paid_on or timezone.localdate()
    with transaction.atomic():
        locked_run = lock(run)
        check_state(locked_run, [RunStatus.EXPORTED], "marked paid")
        rows = Payout.objects.select_for_update(of=("self",)).select_related("run", "student")
        for payout in rows.filter(run=locked_run, status=Status.IN_RUN).order_by("pk"):
            _pay(payout, by, paid_on)
        _close_run_if_done(locked_run, by)
    return locked_run


def payout_mark_failed(*, payout, by, reason, note=""):
    """The bank returned it (an ACH return code) or the check came back: staff say why; the
    student is told what to do. Once fixed, it can be approved again."""
    if reason not in Payout.FailureReason.values:
        raise TransitionError("Choose why the payment failed.", field="reason")
    with transaction.atomic():
        locked = lock(payout)
        check_state(locked, Payout.IN_A_RUN, "marked failed")
        if locked.run.status == RunStatus.OPEN:
            raise TransitionError("This run is not exported yet, so nothing was sent to fail. Nothing was changed.")
        locked = transition(
            locked,
            locked=True,
            to=Status.FAILED,
            allowed=Payout.IN_A_RUN,
            verb="marked failed",
            by=by,
            note=f"{reason} {note}".strip(),
            failure_reason=reason,
            failure_note=note,
        )
        emails.payout_failed(locked, event=locked.events.order_by("-pk").first())
        _close_run_if_done(locked.run, by)
    return locked


# The 1099-NEC filing file.


@sensitive_variables()
def form_1099_export(*, year, by):
    """Every contractor at or over the year's threshold, with the full taxpayer id: under the
    payment-file permission, recorded like them."""
    from .tax import form_1099_rows

    _require_export_permission(by)
    rows = [row for row in form_1099_rows(year) if row.reportable]
    content = _csv(
        [
            "tax year",
            "legal name",
            "taxpayer id type",
            "taxpayer id",
            "address line 1",
            "address line 2",
            "city",
            "state",
            "ZIP code",
            "box 1 nonemployee compensation",
            "flag",
        ],
        [
            [
                year,
                row.record.legal_name,
                row.record.tin_type.upper(),
                row.record.tin,
                row.record.address_line1,
                row.record.address_line2,
                row.record.city,
                row.record.state,
                row.record.zip_code,
                row.total,
                row.flagged,
            ]
            for row in rows
        ],
    )
    name = f"form-1099-nec-{year}.csv"
    with transaction.atomic():
        _record_export(
            kind=PayrollExport.Kind.FORM_1099,
            run=None,
            tax_year=year,
            by=by,
            file_name=name,
            content=content,
            rows=len(rows),
        )
    return name, content

"""Payouts: one per verified engagement, approved against the contractor record, paid in runs."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from applications.engagements.services import work_verify
from applications.models import Engagement
from payroll.models import ContractorRecord, Payout, PayrollRun
from payroll.payouts import services
from portal.transitions import TransitionError

from .conftest import ITIN, ROUTING, save_record, submitted_work, verified_payout

S = Payout.Status


def approved(student, **kwargs):
    payout = verified_payout(student, **kwargs)
    return services.payout_approve(payout=payout, by=None)


def test_verifying_work_creates_one_payout_for_the_fee(alice, alice_record, django_capture_on_commit_callbacks):
    engagement = submitted_work(alice, fee="450.00")
    work_verify(engagement=engagement, by=engagement.project.contact)
    payout = Payout.objects.get(engagement=engagement)
    assert (payout.amount, payout.status, payout.student, payout.contractor) == (
        Decimal("450.00"),
        S.AWAITING_APPROVAL,
        alice,
        alice_record,
    )
    assert payout.description == engagement.project.title
    with pytest.raises(TransitionError, match="completed, so it cannot be verified"):
        work_verify(engagement=engagement, by=engagement.project.contact)
    assert Payout.objects.filter(engagement=engagement).count() == 1
    assert list(payout.events.values_list("to_status", flat=True)) == ["awaiting_approval"]


def test_the_database_refuses_a_second_payout_for_an_engagement(alice, alice_record):
    from django.db import IntegrityError, transaction

    payout = verified_payout(alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payout.objects.create(engagement=payout.engagement, student=alice, amount=1, description="again")


# Approval checks the contractor record.


@pytest.mark.parametrize(
    ("breaks", "cause", "message"),
    [
        (None, "not_signed_up", "you have not signed up for payroll"),
        ({"certified_at": None}, "not_certified", "not signed"),
        ({"address_line1": "", "city": ""}, "incomplete", "lacks: mailing address"),
        ({"account_number": "", "account_last4": ""}, "no_payment_method", "no way to pay you"),
    ],
)
def test_approval_is_refused_for_each_missing_piece_and_the_student_is_told_once(
    alice, breaks, cause, message, django_capture_on_commit_callbacks
):
    if breaks is not None:
        record = save_record(alice)
        ContractorRecord.objects.filter(pk=record.pk).update(**breaks)
    payout = verified_payout(alice)
    mail.outbox.clear()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionError, match=message):
            services.payout_approve(payout=payout, by=None)
    payout.refresh_from_db()
    assert payout.status == S.AWAITING_APPROVAL
    assert payout.blocked_because.startswith(f"{cause}: ")
    blocked = [m for m in mail.outbox if "payment is waiting" in m.subject]
    assert len(blocked) == 1, "one email per cause, however often staff try"
    assert "/payroll/edit/" in blocked[0].body and blocked[0].to == [alice.email]


def test_an_itin_expired_on_the_payment_date_blocks_approval(alice):
    save_record(alice, tin_type="itin", taxpayer_id=ITIN, itin_issued_year="2016", itin_last_used_year="2022")
    payout = verified_payout(alice)
    # Unused after tax year 2022: valid through December 31, 2025.
    services.payout_approve(payout=payout, by=None, on=date(2025, 12, 31))
    other = verified_payout(alice)
    with pytest.raises(TransitionError, match="ITIN is not valid on the payment date"):
        services.payout_approve(payout=other, by=None, on=date(2026, 1, 2))


def test_a_fixed_record_lets_the_payout_be_approved(alice):
    payout = verified_payout(alice)
    with pytest.raises(TransitionError):
        services.payout_approve(payout=payout, by=None)
    save_record(alice)
    payout = services.payout_approve(payout=payout, by=None)
    assert payout.status == S.APPROVED and payout.blocked_because == ""


# Runs, paid, failed.


def test_a_run_export_and_payment_pays_the_engagement(alice, alice_record, sid, django_capture_on_commit_callbacks):
    payout = approved(alice)
    run = services.run_create(by=sid)
    payout.refresh_from_db()
    assert (payout.status, payout.run, payout.method) == (S.IN_RUN, run, "direct_deposit")
    with pytest.raises(TransitionError, match="Export the run"):
        services.payout_mark_paid(payout=payout, by=sid)
    sid.user_permissions.add(export_permission())
    sid = type(sid).objects.get(pk=sid.pk)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.run_export_nacha(run=run, by=sid)
        services.run_export_nacha(run=run, by=sid)  # again: nobody is told twice
    assert [m.subject for m in mail.outbox] == ["Your payment of $300.00 is on its way"]
    with django_capture_on_commit_callbacks(execute=True):
        services.run_mark_paid(run=run, by=sid, paid_on=date(2026, 11, 30))
    run.refresh_from_db()
    payout.refresh_from_db()
    engagement = Engagement.objects.get(pk=payout.engagement_id)
    assert (run.status, payout.status, payout.paid_on) == (PayrollRun.Status.PAID, S.PAID, date(2026, 11, 30))
    assert engagement.status == Engagement.Status.PAID
    assert engagement.events.order_by("-pk").first().to_status == "paid"
    assert mail.outbox[-1].subject == "You've been paid $300.00"
    assert list(payout.events.values_list("to_status", flat=True)) == [
        "awaiting_approval",
        "approved",
        "in_run",
        "paid",
    ]
    assert payout.history.count() >= 3


def export_permission():
    from django.contrib.auth.models import Permission

    return Permission.objects.get(codename="export_payment_files")


def test_a_payout_is_in_at_most_one_open_run(alice, bob, alice_record, sid):
    save_record(bob, taxpayer_id="219-87-6544")
    first, second = approved(alice), approved(bob)
    run = services.run_create(by=sid, payouts=[first])
    assert list(run.payouts.all()) == [first]
    with pytest.raises(TransitionError, match="in a payroll run, so it cannot be added to a run"):
        services.run_create(by=sid, payouts=[first, second])
    second.refresh_from_db()
    assert second.status == S.APPROVED and PayrollRun.objects.count() == 1
    assert list(services.run_create(by=sid).payouts.all()) == [second]
    with pytest.raises(TransitionError, match="no approved payouts"):
        services.run_create(by=sid)


def test_a_failed_payout_is_explained_and_approved_again_once_fixed(
    alice, alice_record, sid, django_capture_on_commit_callbacks
):
    sid.user_permissions.add(export_permission())
    sid = type(sid).objects.get(pk=sid.pk)
    payout = approved(alice)
    run = services.run_create(by=sid)
    services.run_export_nacha(run=run, by=sid)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.payout_mark_failed(payout=payout, by=sid, reason="R03", note="The bank has no such account.")
    payout.refresh_from_db()
    run.refresh_from_db()
    assert (payout.status, payout.failure_reason) == (S.FAILED, "R03")
    assert run.status == PayrollRun.Status.PAID, "nothing left in the run: it is closed"
    assert mail.outbox[0].subject == "Your payment of $300.00 did not go through"
    assert "R03 No account" in mail.outbox[0].body and "/payroll/edit/" in mail.outbox[0].body
    with pytest.raises(TransitionError, match="Choose why"):
        services.payout_mark_failed(payout=payout, by=sid, reason="R99")
    payout = services.payout_approve(payout=payout, by=sid)
    assert (payout.status, payout.run, payout.failure_reason) == (S.APPROVED, None, "")
    assert services.run_create(by=sid).payouts.get() == payout


def test_forbidden_transitions_are_refused_with_the_state(alice, alice_record, sid):
    payout = approved(alice)
    with pytest.raises(TransitionError, match="approved, so it cannot be approved"):
        services.payout_approve(payout=payout, by=sid)
    with pytest.raises(TransitionError, match="approved, so it cannot be marked paid"):
        services.payout_mark_paid(payout=payout, by=sid)
    with pytest.raises(TransitionError, match="approved, so it cannot be marked failed"):
        services.payout_mark_failed(payout=payout, by=sid, reason="R01")
    services.run_create(by=sid)
    with pytest.raises(TransitionError, match="in a payroll run, so it cannot be cancelled"):
        services.payout_cancel(payout=payout, by=sid, reason="no")
    with pytest.raises(TransitionError, match="Only staff allowed to export payment files"):
        services.run_export_nacha(run=payout.run, by=sid)


def test_cancelling_keeps_the_reason(alice, alice_record, sid):
    payout = verified_payout(alice)
    payout = services.payout_cancel(payout=payout, by=sid, reason="Paid outside the portal.")
    assert payout.status == S.CANCELLED
    assert payout.events.order_by("-pk").first().note == "Paid outside the portal."


def test_a_run_leaves_out_a_payout_no_longer_payable_on_its_date(alice, bob, alice_record, sid):
    save_record(bob, tin_type="itin", taxpayer_id=ITIN, itin_issued_year="2016", itin_last_used_year="2022")
    mine = approved(alice)
    bobs = services.payout_approve(payout=verified_payout(bob), by=sid, on=date(2025, 12, 1))
    run = services.run_create(by=sid, pay_on=date(2026, 1, 5))
    assert list(run.payouts.all()) == [mine]
    assert run.left_out == [bobs]
    assert Payout.objects.get(pk=bobs.pk).status == S.APPROVED


def test_check_payees_are_exported_with_their_mailing_address(alice, sid):
    save_record(alice, payment_method="check", routing_number="", account_number="", account_type="")
    sid.user_permissions.add(export_permission())
    sid = type(sid).objects.get(pk=sid.pk)
    approved(alice)
    run = services.run_create(by=sid)
    with pytest.raises(TransitionError, match="no direct deposits"):
        services.run_export_nacha(run=run, by=sid)
    name, content = services.run_export_checks(run=run, by=sid)
    lines = content.decode().splitlines()
    assert lines[0].startswith("payout,payee,address line 1")
    assert "12 Elm Street" in lines[1] and "Springfield,IL,62704,300.00" in lines[1]
    assert ROUTING not in content.decode()
    assert name == f"payroll-run-{run.pk}-checks.csv"


def test_paid_dates_are_dates_in_the_portal_time_zone(alice, alice_record, sid):
    sid.user_permissions.add(export_permission())
    sid = type(sid).objects.get(pk=sid.pk)
    payout = approved(alice)
    run = services.run_create(by=sid)
    services.run_export_nacha(run=run, by=sid)
    payout = services.payout_mark_paid(payout=payout, by=sid)
    assert payout.paid_on == timezone.localdate()


# What the student sees.


def test_the_student_sees_every_payout_and_yearly_totals_and_others_see_none(client, alice, bob, alice_record, sid):
    sid.user_permissions.add(export_permission())
    sid = type(sid).objects.get(pk=sid.pk)
    paid = approved(alice, fee="450.00")
    waiting = verified_payout(alice, fee="120.00")
    run = services.run_create(by=sid)
    services.run_export_nacha(run=run, by=sid)
    services.payout_mark_paid(payout=paid, by=sid, paid_on=date(2025, 12, 31))
    client.force_login(alice)
    page = client.get("/payroll/").content.decode()
    assert paid.description in page and waiting.description in page
    assert "$450.00" in page and "$120.00" in page and "Awaiting approval" in page
    assert "2025: $450.00" in page and "Paid this year: <strong>$0.00</strong>" in page
    assert alice_record.account_number not in page and alice_record.tin not in page
    statement = client.get("/payroll/statement/2025/").content.decode()
    assert "Earnings statement for 2025" in statement and "$450.00" in statement and "$120.00" not in statement
    assert "ending in 6543" in statement and alice_record.tin not in statement
    client.force_login(bob)
    assert paid.description not in client.get("/payroll/statement/2025/").content.decode()
    assert paid.description not in client.get("/payroll/").content.decode()


def test_a_deleted_students_payout_and_record_stay_detached(alice, alice_record, sid):
    from portal.data_rights import account_delete

    payout = approved(alice)
    account_delete(user=alice)
    payout.refresh_from_db()
    alice_record.refresh_from_db()
    assert (payout.student, payout.engagement, payout.contractor) == (None, None, alice_record)
    assert alice_record.student is None and alice_record.detached_at
    assert not Engagement.objects.exists()
    assert not payout.history.filter(student__isnull=False).exists()

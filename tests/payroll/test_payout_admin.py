"""Staff work payouts from the admin: each action calls the service and says what happened."""

from django.contrib.auth.models import Permission
from django.urls import reverse

from payroll.models import Payout, PayrollRun
from payroll.payouts import services
from tests.signin import admin_login

from .conftest import save_record, verified_payout

CHANGELIST = reverse("admin:payroll_payout_changelist")


def act(client, action, payouts, **extra):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [p.pk for p in payouts], **extra}, follow=True
    )


def test_approval_in_the_admin_says_why_a_payout_is_refused(client, sid, alice, bob):
    save_record(alice)
    mine, bobs = verified_payout(alice), verified_payout(bob)
    admin_login(client, sid)
    page = act(client, "approve", [mine, bobs]).content.decode()
    assert "1 payouts approved." in page
    assert "you have not signed up for payroll" in page
    listing = client.get(CHANGELIST, {"blocked": "yes"}).content.decode()
    assert "you have not signed up for payroll" in listing and bobs.description in listing
    detail = client.get(reverse("admin:payroll_payout_change", args=[bobs.pk])).content.decode()
    assert "not_signed_up" in detail and "history of states" in detail.lower()


def test_staff_make_a_run_and_mark_a_payout_failed_with_a_return_code(client, sid, alice):
    save_record(alice)
    payout = verified_payout(alice)
    admin_login(client, sid)
    act(client, "approve", [payout])
    response = act(client, "make_run", [payout])
    run = PayrollRun.objects.get()
    assert response.redirect_chain[-1][0] == reverse("admin:payroll_payrollrun_change", args=[run.pk])
    assert "made with 1 payouts" in response.content.decode()
    # Staff without the payment-file permission export the summary only.
    page = response.content.decode()
    assert "Export the summary" in page and "Export direct deposits" not in page
    page = act(client, "mark_failed", [payout], reason_given="1", code="R01", reason="Insufficient funds.")
    assert "not exported yet" in page.content.decode()
    sid.user_permissions.add(Permission.objects.get(codename="export_payment_files"))
    services.run_export_nacha(run=run, by=type(sid).objects.get(pk=sid.pk))
    act(client, "mark_failed", [payout], reason_given="1", code="R01", reason="Insufficient funds.")
    payout.refresh_from_db()
    assert payout.status == Payout.Status.FAILED and payout.failure_reason == "R01"


def test_the_1099_page_is_linked_and_shows_the_threshold(client, sid):
    admin_login(client, sid)
    runs = client.get(reverse("admin:payroll_payrollrun_changelist")).content.decode()
    assert reverse("admin:payroll_form_1099") in runs and "New run of every approved payout" in runs
    page = client.get(reverse("admin:payroll_form_1099"), {"year": 2026}).content.decode()
    assert "Threshold for payments made in 2026: $2000" in page

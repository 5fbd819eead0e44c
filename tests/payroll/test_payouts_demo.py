"""The demo has payouts in every state, an exported run and a paid run, and mails nobody."""

import io

from django.core import mail
from django.core.management import call_command

from applications.models import Engagement
from payroll.models import Payout, PayrollExport, PayrollRun
from portal.models import OutboundEmail


def test_seed_demo_has_payouts_in_every_state_and_runs_twice(db, settings, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
        call_command("seed_demo", stdout=io.StringIO())
    assert set(Payout.objects.values_list("status", flat=True)) == set(Payout.Status)
    assert sorted(PayrollRun.objects.values_list("status", flat=True)) == ["exported", "paid"]
    assert Payout.objects.get(status="failed").failure_reason == "R03"
    assert Payout.objects.get(student__email="dev.patel@demo.test").blocked_because.startswith("not_signed_up")
    paid = Payout.objects.filter(status="paid")
    assert set(Engagement.objects.filter(payout__in=paid).values_list("status", flat=True)) == {"paid"}
    assert set(PayrollExport.objects.values_list("kind", flat=True)) == {"nacha", "checks"}
    assert not OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).exists()
    assert not [m for m in mail.outbox if "payment" in m.subject.lower() or "paid" in m.subject.lower()]

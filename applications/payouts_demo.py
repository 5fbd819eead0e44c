"""Demo payouts in every state, one exported run and one paid run, a failed payout.

Payroll may not import applications, so this lives here: it makes the few completed
engagements the payouts need (work submitted, then verified through the service, which creates
each payout), then moves the payouts through payroll's services as staff would. The emails this
writes are marked sent: seeding mails nobody.
"""

from datetime import timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from opportunities.models import Project
from payroll.models import CERTIFICATION_VERSION, ContractorRecord, Payout, PayrollRun
from payroll.payouts import services as payroll
from portal.models import OutboundEmail, User
from portal.permissions import PAYMENT_FILES_GROUP, grant_payment_files_permission

from .engagements.services import work_verify
from .models import Application, ApplicationEvent, Engagement, Submission

# Demo contractors: (email, SSN digits, paid by check). Made-up numbers that pass the rules.
CONTRACTORS = [
    ("ava.chen@demo.test", "123456781", False),
    ("ben.okafor@demo.test", "123456782", True),
    ("chloe.martin@demo.test", "123456783", False),
    ("eli.novak@demo.test", "123456784", False),
]
# dev.patel@demo.test never signs up: his payout waits, blocked, with the reason.


def _contractor(student, ssn, check):
    record = ContractorRecord.objects.filter(student=student).first()
    if record is not None:
        return record
    now = timezone.now()
    record = ContractorRecord(
        student=student,
        legal_first_name=student.first_name,
        legal_last_name=student.last_name,
        address_line1="5 Demo Street",
        city="Boston",
        state="MA",
        zip_code="02115",
        tin_type=ContractorRecord.TinType.SSN,
        tin_updated_at=now,
        payment_method=ContractorRecord.PaymentMethod.CHECK if check else ContractorRecord.PaymentMethod.DIRECT_DEPOSIT,
        routing_number="" if check else "021000021",
        account_type="" if check else ContractorRecord.AccountType.CHECKING,
        certified_name=f"{student.first_name} {student.last_name}",
        certified_at=now,
        certified_ip="127.0.0.1",
        certification_version=CERTIFICATION_VERSION,
        revision=1,
    )
    record.set_tin(ssn)
    if not check:
        record.set_account_number(f"0009{ssn[-5:]}")
        record.bank_updated_at = now
    record.save()
    return record


def _verified(student, projects):
    """A completed engagement of ``student`` on the first project they have not applied to."""
    project = next(p for p in projects if not Application.objects.filter(project=p, student=student).exists())
    now = timezone.now()
    application = Application.objects.create(
        project=project, student=student, status=Application.Status.ACCEPTED, submitted_at=now, decided_at=now
    )
    for before, after, by in [("draft", "submitted", student), ("submitted", "offered", project.contact)]:
        ApplicationEvent.objects.create(application=application, from_status=before, to_status=after, at=now, by=by)
    ApplicationEvent.objects.create(
        application=application, from_status="offered", to_status="accepted", at=now, by=student
    )
    engagement = Engagement.objects.create(
        application=application,
        project=project,
        status=Engagement.Status.WORK_SUBMITTED,
        due_on=timezone.localdate(),
        submitted_at=now - timedelta(days=1),
    )
    Submission.objects.create(engagement=engagement, url="https://drive.example.com/demo-work", note="Done.")
    work_verify(engagement=engagement, by=project.contact, comment="Thorough and on time.")
    return Payout.objects.get(engagement=engagement)


def seed(out):
    if PayrollRun.objects.exists():  # the runs are made below, once
        out.write("  payouts: demo payouts already there")
        return
    student = User.objects.get(email="student@demo.test")
    record = ContractorRecord.objects.filter(student=student).first()
    if record is None or not record.is_complete:
        out.write("  payouts: none (the demo student has not signed up for payroll)")
        return
    started = timezone.now()
    staff = User.objects.get(email="staff@demo.test")
    # The demo's staff member may export the payment files (a real one is added by a superuser).
    grant_payment_files_permission()
    staff.groups.add(Group.objects.get(name=PAYMENT_FILES_GROUP))
    staff = User.objects.get(pk=staff.pk)
    people = {email: User.objects.get(email=email) for email, *_ in CONTRACTORS}
    for email, ssn, check in CONTRACTORS:
        _contractor(people[email], ssn, check)
    student = User.objects.get(email="student@demo.test")
    dev = User.objects.get(email="dev.patel@demo.test")
    projects = list(Project.objects.filter(status=Project.Status.PUBLISHED).order_by("pk"))
    ava, ben, chloe, eli = (people[email] for email, *_ in CONTRACTORS)
    today = timezone.localdate()

    # The paid run: the demo student's first payout and Ava's.
    paid = [_verified(student, projects), _verified(ava, projects)]
    for payout in paid:
        payroll.payout_approve(payout=payout, by=staff)
    run = payroll.run_create(by=staff, payouts=paid, pay_on=today - timedelta(days=10))
    payroll.run_export_nacha(run=run, by=staff)
    payroll.run_mark_paid(run=run, by=staff, paid_on=today - timedelta(days=10))

    # The exported run: Chloe's deposit, Ben's check, and Eli's deposit that came back (R03).
    exported = [_verified(chloe, projects), _verified(ben, projects), _verified(eli, projects)]
    for payout in exported:
        payroll.payout_approve(payout=payout, by=staff)
    run = payroll.run_create(by=staff, payouts=exported, pay_on=today - timedelta(days=1))
    payroll.run_export_nacha(run=run, by=staff)
    payroll.run_export_checks(run=run, by=staff)
    payroll.payout_mark_failed(payout=exported[2], by=staff, reason="R03", note="The bank could not find the account.")

    # Approved, waiting for the next run; awaiting approval (one blocked: Dev never signed up);
    # cancelled.
    payroll.payout_approve(payout=_verified(student, projects), by=staff)
    _verified(ava, projects)
    blocked = _verified(dev, projects)
    try:
        payroll.payout_approve(payout=blocked, by=staff)
    except payroll.TransitionError:
        pass
    payroll.payout_cancel(payout=_verified(ben, projects), by=staff, reason="Paid outside the portal by mistake.")

    # Written now (the job after commit then finds them there), so that they are marked sent too.
    for run in PayrollRun.objects.all():
        for method in ("direct_deposit", "check"):
            payroll.payouts_tell_on_their_way(run_id=run.pk, method=method)
    OutboundEmail.objects.filter(created_at__gte=started, status=OutboundEmail.Status.PENDING).update(
        status=OutboundEmail.Status.SENT, sent_at=timezone.now()
    )
    states = sorted(set(Payout.objects.values_list("status", flat=True)))
    out.write(f"  payouts: {Payout.objects.count()} in states {', '.join(states)}; an exported run and a paid run")

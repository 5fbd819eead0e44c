import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from portal.models import OutboundEmail
from portal.outbox import Delivery, outbox_deliver, outbox_enqueue, outbox_sweep
from portal.tasks import send_outbound_email

pytestmark = pytest.mark.django_db


def queue_welcome(user):
    return outbox_enqueue(kind="welcome", obj=user, recipient=user.email, template="welcome", context={"user": user})


def test_enqueue_renders_three_templates_and_sends_after_commit(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = queue_welcome(alice)
    assert row.subject == "Welcome to the Micro-Internships Portal"
    assert "http://testserver/dashboard/" in row.body_text
    assert '<a href="http://testserver/dashboard/"' in row.body_html
    assert mail.outbox == []  # nothing leaves before the transaction commits

    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["alice@example.edu"]
    assert sent.alternatives[0][1] == "text/html"
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT
    assert row.sent_at is not None
    assert row.attempts == 1


def test_same_event_queues_once(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert queue_welcome(alice) is not None
        assert queue_welcome(alice) is None
    assert OutboundEmail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_send_task_run_twice_sends_once(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        row = queue_welcome(alice)
    send_outbound_email.apply(args=[row.pk])
    send_outbound_email.apply(args=[row.pk])
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.attempts == 1


def test_transient_failure_is_retried_with_backoff(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        row = queue_welcome(alice)
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=smtplib.SMTPServerDisconnected("gone")):
        outcome, delay = outbox_deliver(email_id=row.pk)
    assert outcome == Delivery.RETRY
    assert delay == 30
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.PENDING
    assert "SMTPServerDisconnected" in row.last_error
    assert row.next_attempt_at > timezone.now()
    assert mail.outbox == []

    # Too early: the retry waits for its time.
    assert outbox_deliver(email_id=row.pk) == (Delivery.SKIPPED, None)
    OutboundEmail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert outbox_deliver(email_id=row.pk) == (Delivery.SENT, None)
    row.refresh_from_db()
    assert row.attempts == 2
    assert row.last_error == ""
    assert len(mail.outbox) == 1


def test_celery_task_asks_for_a_retry_on_transient_error(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        row = queue_welcome(alice)
    with (
        mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=TimeoutError("slow")),
        mock.patch.object(send_outbound_email, "retry", side_effect=RuntimeError("retry requested")) as retry,
    ):
        with pytest.raises(RuntimeError, match="retry requested"):
            send_outbound_email.run(row.pk)
    retry.assert_called_once_with(countdown=30)


def test_permanent_failure_is_not_retried(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        row = queue_welcome(alice)
    refused = smtplib.SMTPRecipientsRefused({"alice@example.edu": (550, b"no such user")})
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=refused):
        assert outbox_deliver(email_id=row.pk) == (Delivery.FAILED, None)
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.FAILED
    assert "SMTPRecipientsRefused" in row.last_error


def test_gives_up_after_the_last_attempt(alice, settings, django_capture_on_commit_callbacks):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    with django_capture_on_commit_callbacks(execute=False):
        row = queue_welcome(alice)
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=ConnectionRefusedError()):
        assert outbox_deliver(email_id=row.pk)[0] == Delivery.RETRY
        OutboundEmail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        assert outbox_deliver(email_id=row.pk)[0] == Delivery.FAILED


def test_sweep_sends_a_row_left_unsent(alice, django_capture_on_commit_callbacks):
    # As if Redis was down at commit time: the row exists, no task ever ran.
    with django_capture_on_commit_callbacks(execute=False):
        row = queue_welcome(alice)
    OutboundEmail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=5))
    assert outbox_sweep() == 1
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1
    assert outbox_sweep() == 0


def test_sweep_takes_back_a_row_whose_worker_died(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        row = queue_welcome(alice)
    past = timezone.now() - timedelta(minutes=10)
    OutboundEmail.objects.filter(pk=row.pk).update(
        status=OutboundEmail.Status.SENDING, claimed_until=past, next_attempt_at=past, attempts=1
    )
    assert outbox_sweep() == 1
    assert len(mail.outbox) == 1


def test_sweep_leaves_fresh_rows_to_their_own_task(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        queue_welcome(alice)
    assert outbox_sweep() == 0


@pytest.mark.django_db(transaction=True)
def test_rolled_back_transaction_leaves_no_email(alice):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            queue_welcome(alice)
            raise RuntimeError("the change failed")
    assert OutboundEmail.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_committed_transaction_sends(alice):
    with transaction.atomic():
        queue_welcome(alice)
        assert mail.outbox == []
    assert len(mail.outbox) == 1


def test_every_attempt_at_one_row_carries_the_same_message_id(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        row = queue_welcome(alice)
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=smtplib.SMTPServerDisconnected("gone")):
        outbox_deliver(email_id=row.pk)
    OutboundEmail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    outbox_deliver(email_id=row.pk)
    with django_capture_on_commit_callbacks(execute=False):
        other = outbox_enqueue(kind="welcome", obj=alice.pk, recipient="x@example.edu", template="welcome", context={})
    outbox_deliver(email_id=other.pk)
    first, second = mail.outbox
    assert first.extra_headers["Message-ID"].startswith(f"<outbox-{row.pk}-")
    assert first.extra_headers["Message-ID"].endswith("@portal.localhost>")
    assert first.message()["Message-ID"] == first.extra_headers["Message-ID"]
    assert second.extra_headers["Message-ID"] != first.extra_headers["Message-ID"]

"""The email outbox: every email is a row written with the change that causes it.

``outbox_enqueue`` renders and stores the email inside the caller's transaction and hands it
to Celery only after commit, so a rolled-back change sends nothing and a Redis or worker
outage delays mail without losing it (``outbox_sweep`` re-queues what is left). Delivery
claims the row with a conditional update, so a task that runs twice sends once.

The guarantee is *at least once*: a worker killed after the mail server accepted a message but
before the row is marked sent leaves it to the sweep, which sends it again. Every message carries
a ``Message-ID`` derived from its row, so that second copy is the same message to the receiver.
"""

import base64
import hashlib
import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone
from kombu.exceptions import KombuError

from .models import OutboundEmail

logger = logging.getLogger(__name__)

Status = OutboundEmail.Status


def _object_key(obj):
    if isinstance(obj, models.Model):
        return f"{obj._meta.label_lower}:{obj.pk}"
    return str(obj)


def render_email(template, context):
    """Render ``emails/<template>-subject.txt``, ``-body.txt`` and ``-body.html``."""
    ctx = {"site_url": settings.SITE_URL, "site_name": settings.SITE_NAME, **context}
    subject = " ".join(render_to_string(f"emails/{template}-subject.txt", ctx).split())
    text = render_to_string(f"emails/{template}-body.txt", ctx).strip() + "\n"
    html = render_to_string(f"emails/{template}-body.html", ctx)
    return subject, text, html


def attachment(name, content, content_type):
    """One file for ``attachments``: text kept as is, bytes base64-encoded (JSON holds text)."""
    if isinstance(content, bytes):
        return {"name": name, "type": content_type, "content": base64.b64encode(content).decode(), "base64": True}
    return {"name": name, "type": content_type, "content": content}


def attachment_bytes(item):
    if item.get("base64"):
        return base64.b64decode(item["content"])
    return item["content"].encode()


def outbox_enqueue(*, kind, obj, recipient, template, context, headers=None, attachments=None):
    """Queue one email from templates; returns the row, or None if this event already mailed
    this recipient. ``attachments`` are made by ``attachment()``."""
    subject, text, html = render_email(template, context)
    return outbox_store(
        kind=kind,
        object_key=_object_key(obj),
        recipient=recipient,
        subject=subject,
        body_text=text,
        body_html=html,
        headers=headers,
        attachments=attachments,
    )


def outbox_store(*, kind, object_key, recipient, subject, body_text, body_html="", headers=None, attachments=None):
    email, created = OutboundEmail.objects.get_or_create(
        kind=kind,
        object_key=object_key,
        recipient=recipient.strip().lower(),
        defaults={
            "subject": subject[:255],
            "body_text": body_text,
            "body_html": body_html,
            "headers": headers or {},
            "attachments": attachments or [],
        },
    )
    if not created:
        return None
    # robust: whatever goes wrong handing it over, the caller's change is committed and stays a
    # success; the row waits for the sweep.
    transaction.on_commit(lambda: outbox_hand_off(email_id=email.pk), robust=True)
    return email


def outbox_hand_off(*, email_id):
    """Give one row to Celery. A broker that does not answer (Redis down) is logged and left to
    ``outbox_sweep``: it never turns the change that wrote the row into an error."""
    from .tasks import send_outbound_email

    try:
        send_outbound_email.delay(email_id)
    except (KombuError, OSError) as exc:
        logger.warning(
            "Email %s not handed to Celery (%s); the outbox sweep will send it.", email_id, type(exc).__name__
        )
        return False
    return True


def message_id(email):
    """The same ``Message-ID`` on every attempt at one row, so a receiver can drop a second copy."""
    sender = settings.DEFAULT_FROM_EMAIL
    domain = sender.rsplit("@", 1)[-1].strip(" >") if "@" in sender else "portal.localhost"
    digest = hashlib.sha256(f"{email.kind}:{email.object_key}:{email.recipient}".encode()).hexdigest()[:16]
    return f"<outbox-{email.pk}-{digest}@{domain}>"


def is_transient(exc):
    """Errors worth another try later: the server or the network, not the message."""
    if isinstance(exc, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, (ConnectionError, TimeoutError, OSError))


def backoff_seconds(attempts):
    # 30 s, 1 min, 2 min, ... capped at 30 min: always below the broker's visibility timeout.
    return min(30 * 2 ** max(attempts - 1, 0), 1800)


class Delivery:
    SENT = "sent"
    SKIPPED = "skipped"
    RETRY = "retry"
    FAILED = "failed"


def outbox_deliver(*, email_id):
    """Send one queued email. Returns a ``Delivery`` outcome and, for RETRY, the delay."""
    now = timezone.now()
    claimed = OutboundEmail.objects.filter(pk=email_id, status=Status.PENDING, next_attempt_at__lte=now).update(
        status=Status.SENDING,
        attempts=F("attempts") + 1,
        claimed_until=now + timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS),
    )
    if not claimed:
        return Delivery.SKIPPED, None
    email = OutboundEmail.objects.get(pk=email_id)
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.recipient],
        headers={**(email.headers or {}), "Message-ID": message_id(email)},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for item in email.attachments or []:
        message.attach(item["name"], attachment_bytes(item), item["type"])
    try:
        message.send()
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row
        error = f"{type(exc).__name__}: {exc}"[:1000]
        if is_transient(exc) and email.attempts < settings.OUTBOX_MAX_ATTEMPTS:
            delay = backoff_seconds(email.attempts)
            OutboundEmail.objects.filter(pk=email.pk).update(
                status=Status.PENDING,
                last_error=error,
                claimed_until=None,
                next_attempt_at=timezone.now() + timedelta(seconds=delay),
            )
            logger.warning("Email %s (%s) failed, retrying in %ss: %s", email.pk, email.kind, delay, type(exc).__name__)
            return Delivery.RETRY, delay
        OutboundEmail.objects.filter(pk=email.pk).update(status=Status.FAILED, last_error=error, claimed_until=None)
        logger.error("Email %s (%s) failed for good: %s", email.pk, email.kind, type(exc).__name__)
        return Delivery.FAILED, None
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=Status.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
    )
    return Delivery.SENT, None


def outbox_due(*, grace=timedelta(minutes=1)):
    """Rows that should have gone by now: pending past their time, or claimed by a worker that
    never finished."""
    now = timezone.now()
    OutboundEmail.objects.filter(status=Status.SENDING, claimed_until__lt=now).update(
        status=Status.PENDING, claimed_until=None
    )
    return OutboundEmail.objects.filter(Q(status=Status.PENDING) & Q(next_attempt_at__lte=now - grace))


def outbox_sweep(*, limit=500):
    """Hand every overdue row to Celery again; delivery's claim makes a duplicate harmless."""
    ids = list(outbox_due().order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    handed = 0
    for pk in ids:
        if not outbox_hand_off(email_id=pk):
            break  # the broker is down: the next sweep tries again
        handed += 1
    return handed


def stuck_emails():
    """Emails staff should look at: failed for good, or not sent an hour after they were due
    (a claim that never finished, or a broker that never took them)."""
    hour_ago = timezone.now() - timedelta(hours=1)
    return OutboundEmail.objects.filter(
        Q(status=Status.FAILED) | Q(status__in=[Status.PENDING, Status.SENDING], next_attempt_at__lt=hour_ago)
    )


def outbox_retry(*, emails):
    """Staff's "retry": failed or unsent rows go back to pending with fresh attempts and are
    handed to Celery after commit. Sent rows are left alone. Returns how many."""
    with transaction.atomic():
        ids = list(
            OutboundEmail.objects.filter(pk__in=[e.pk for e in emails])
            .exclude(status=Status.SENT)
            # A live claim is a worker sending right now: retrying it would send a second copy.
            .exclude(status=Status.SENDING, claimed_until__gte=timezone.now())
            .select_for_update()
            .values_list("pk", flat=True)
        )
        OutboundEmail.objects.filter(pk__in=ids).update(
            status=Status.PENDING, next_attempt_at=timezone.now(), attempts=0, claimed_until=None
        )
        for pk in ids:
            transaction.on_commit(lambda pk=pk: outbox_hand_off(email_id=pk), robust=True)
    return len(ids)

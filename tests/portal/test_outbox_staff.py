"""Staff see failed and stuck emails without looking for them, and retry them."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from portal.models import OutboundEmail
from portal.outbox import outbox_retry
from tests.signin import admin_login

pytestmark = pytest.mark.django_db

S = OutboundEmail.Status


def _row(n, **fields):
    return OutboundEmail.objects.create(
        kind="welcome", object_key=f"k{n}", recipient=f"p{n}@example.edu", subject="Hi", body_text="Hi", **fields
    )


@pytest.fixture
def rows():
    hours_ago = timezone.now() - timedelta(hours=2)
    return {
        "failed": _row(1, status=S.FAILED, last_error="SMTPRecipientsRefused"),
        "claimed": _row(2, status=S.SENDING, next_attempt_at=hours_ago, claimed_until=hours_ago),
        "unsent": _row(3, status=S.PENDING, next_attempt_at=hours_ago),
        "fresh": _row(4, status=S.PENDING),
        "sent": _row(5, status=S.SENT, next_attempt_at=hours_ago),
    }


def test_the_admin_index_and_the_staff_dashboard_count_failed_and_stuck_emails(client, sid, rows):
    admin_login(client, sid)
    for url in ["/admin/", "/dashboard/"]:
        html = client.get(url).content.decode()
        assert "3 emails failed or stuck" in html, url
        assert "/admin/portal/outboundemail/?problem=any" in html


def test_no_count_when_nothing_is_stuck(client, sid):
    _row(1, status=S.SENT)
    admin_login(client, sid)
    assert "0 emails failed or stuck" in client.get("/dashboard/").content.decode()  # an empty queue
    assert "failed or stuck" not in client.get("/admin/").content.decode()


@pytest.mark.parametrize(
    ("problem", "expected"),
    [("failed", {"failed"}), ("stuck", {"claimed", "unsent"}), ("any", {"failed", "claimed", "unsent"})],
)
def test_admin_filters_for_failed_and_stuck(client, sid, rows, problem, expected):
    admin_login(client, sid)
    response = client.get(f"/admin/portal/outboundemail/?problem={problem}")
    assert set(response.context["cl"].result_list) == {rows[name] for name in expected}


def test_retry_from_the_admin_goes_through_the_outbox_and_sends(client, sid, rows, django_capture_on_commit_callbacks):
    admin_login(client, sid)
    chosen = [rows[name].pk for name in ("failed", "claimed", "sent")]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/portal/outboundemail/", {"action": "retry_now", "_selected_action": chosen}, follow=True
        )
    assert "2 email(s) queued again." in response.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == ["p1@example.edu", "p2@example.edu"]
    assert OutboundEmail.objects.get(pk=rows["failed"].pk).status == S.SENT


def test_retry_leaves_a_live_claim_alone(django_capture_on_commit_callbacks):
    live = _row(1, status=S.SENDING, claimed_until=timezone.now() + timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_retry(emails=[live]) == 0
    assert mail.outbox == []

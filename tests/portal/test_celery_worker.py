"""A real Celery worker (in a thread) against the real Redis delivers an outbox email."""

import os
import time
import uuid

import pytest
from django.core import mail
from django.db import transaction

from portal.celery import app as celery_app
from portal.models import OutboundEmail
from portal.services import account_welcome
from tests.conftest import require


@pytest.fixture
def redis_worker():
    # The settings point Celery at Redis whenever REDIS_URL is set, as in production.
    require(
        os.environ.get("REDIS_URL", "").startswith("redis://") and celery_app.conf.broker_url.startswith("redis://"),
        "set REDIS_URL to run the Celery worker test against Redis",
    )
    from celery.contrib.testing.worker import start_worker

    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "task_default_queue")}
    # A queue of its own, so that nothing else on this Redis is consumed or disturbed.
    celery_app.conf.update(task_always_eager=False, task_default_queue=f"test-{uuid.uuid4().hex}")
    celery_app.loader.import_default_modules()  # every task registered before the worker reads them
    try:
        for attempt in range(3):
            worker = start_worker(celery_app, perform_ping_check=False, pool="solo", shutdown_timeout=30)
            try:
                worker.__enter__()
            except RuntimeError:  # logging set up while another thread (a live server's) adds a logger
                if attempt == 2:
                    raise
                continue
            break
        try:
            yield
        finally:
            worker.__exit__(None, None, None)
    finally:
        celery_app.conf.update(saved)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_delivers_outbox_email_through_redis(alice, redis_worker):
    with transaction.atomic():
        row = account_welcome(user=alice, email=alice.email)

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        row.refresh_from_db()
        if row.status == OutboundEmail.Status.SENT:
            break
        time.sleep(0.1)
    assert row.status == OutboundEmail.Status.SENT
    assert [m.to for m in mail.outbox] == [["alice@example.edu"]]

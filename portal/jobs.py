"""Background jobs queued after the change that causes them commits.

The change is saved first; the job is handed to Celery only once the transaction commits. A
broker that does not answer then must never turn the saved change into an error page: the
failure is logged, and the beat sweep named by the caller does the work later (every job
queued this way is idempotent, so a sweep and a late job never do it twice).
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def queue_after_commit(task, *args, sweep):
    """``task.delay(*args)`` after commit; ``sweep`` names the beat job that covers a failure."""

    def send():
        try:
            task.delay(*args)
        except Exception:  # noqa: BLE001 - the broker is down: the sweep runs the work later
            logger.warning("Could not queue %s%r; the %s job will do it.", task.name, args, sweep)

    transaction.on_commit(send, robust=True)

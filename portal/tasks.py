from celery import shared_task

from .outbox import Delivery, outbox_deliver, outbox_sweep
from .services import eligibility_expire_due, eligibility_remind_expiring


@shared_task(bind=True, max_retries=None)
def send_outbound_email(self, email_id):
    outcome, delay = outbox_deliver(email_id=email_id)
    if outcome == Delivery.RETRY:
        raise self.retry(countdown=delay)
    return outcome


@shared_task
def outbox_sweep_task():
    return outbox_sweep()


@shared_task
def eligibility_expiry_task():
    """Expire ended authorizations, then remind those ending soon (each once)."""
    return {"expired": eligibility_expire_due(), "reminded": eligibility_remind_expiring()}

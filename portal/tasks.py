from celery import shared_task

from .outbox import Delivery, outbox_deliver, outbox_sweep


@shared_task(bind=True, max_retries=None)
def send_outbound_email(self, email_id):
    outcome, delay = outbox_deliver(email_id=email_id)
    if outcome == Delivery.RETRY:
        raise self.retry(countdown=delay)
    return outcome


@shared_task
def outbox_sweep_task():
    return outbox_sweep()

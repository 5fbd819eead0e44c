from celery import shared_task

from .engagements.tasks import engagements_due_task  # noqa: F401 - registers the task
from .services import applications_send_digests, offers_lapse_due, offers_remind_due


@shared_task
def offers_due_task():
    """Lapse offers past their answer-by time, then remind those a day old (each once)."""
    return {"lapsed": offers_lapse_due(), "reminded": offers_remind_due()}


@shared_task
def applications_digest_task():
    return applications_send_digests()

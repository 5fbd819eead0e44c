from celery import shared_task

from .closing import closed_projects_due
from .services import applications_send_digests, offers_lapse_due, offers_remind_due


@shared_task
def offers_due_task():
    """Lapse offers past their answer-by time, then remind those a day old (each once)."""
    return {"lapsed": offers_lapse_due(), "reminded": offers_remind_due()}


@shared_task
def applications_digest_task():
    return applications_send_digests()


@shared_task
def closed_projects_due_task():
    """Remind contacts of closed projects to decide (once); tell applicants still undecided 14
    days after closing that they were not selected (once)."""
    return closed_projects_due()

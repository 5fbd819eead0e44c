from celery import shared_task

from .services import applications_send_digests, offers_lapse_due, offers_remind_due


@shared_task
def offers_due_task():
    """Lapse offers past their answer-by time, then remind those a day old (each once)."""
    return {"lapsed": offers_lapse_due(), "reminded": offers_remind_due()}


@shared_task
def applications_digest_task():
    return applications_send_digests()


@shared_task
def completion_reminders_task():
    """Feedback reminders to supervisors (2 and 5 days) and checklist reminders to students
    (3 and 10 days), each once however often this runs."""
    from .completion.services import checklist_remind_due, feedback_remind_due

    return {"feedback": feedback_remind_due(), "checklist": checklist_remind_due()}

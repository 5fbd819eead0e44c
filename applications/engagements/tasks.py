from celery import shared_task

from .services import (
    deadlines_remind_due,
    engagements_start_due,
    kickoff_remind_due,
    verification_remind_due,
)


@shared_task
def engagements_due_task():
    """Hourly: start engagements whose kick-off has come, and send the reminders that are due
    (each once: the jobs claim every reminder before sending it)."""
    return {
        "started": engagements_start_due(),
        "kickoff_reminders": kickoff_remind_due(),
        "deadline_reminders": deadlines_remind_due(),
        "verification_reminders": verification_remind_due(),
    }

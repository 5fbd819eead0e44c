from celery import shared_task

from . import outcome_summary
from .closing import closed_projects_due
from .engagements.tasks import engagements_due_task  # noqa: F401 - registers the task
from .fanout import not_selected_fanout, not_selected_sweep
from .services import applications_send_digests, offers_lapse_due, offers_remind_due


@shared_task
def offers_due_task():
    """Lapse offers past their answer-by time, then remind those a day old (each once)."""
    return {"lapsed": offers_lapse_due(), "reminded": offers_remind_due()}


@shared_task
def applications_digest_task():
    return applications_send_digests()


@shared_task
def not_selected_task(project_id, reason, by_id=None):
    """Tell everyone still waiting on a filled or cancelled project (each once)."""
    return not_selected_fanout(project_id=project_id, reason=reason, by_id=by_id)


@shared_task
def not_selected_sweep_task():
    return not_selected_sweep()


@shared_task
def closed_projects_due_task():
    """Remind contacts of closed projects to decide (once); tell applicants still undecided 14
    days after closing that they were not selected (once)."""
    return closed_projects_due()


@shared_task
def completion_reminders_task():
    """Feedback reminders to supervisors (2 and 5 days) and checklist reminders to students
    (3 and 10 days), each once however often this runs."""
    from .completion.services import checklist_remind_due, feedback_remind_due

    return {"feedback": feedback_remind_due(), "checklist": checklist_remind_due()}


@shared_task
def outcomes_refresh_task():
    """Rebuild the outcomes summary of the students changed since the last refresh, so that the
    career center's dashboard rarely has any to rebuild itself."""
    return outcome_summary.refresh()

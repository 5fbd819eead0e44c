"""The Celery application: one worker command and one beat command in production."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    # A task is acknowledged only once it has finished, and a worker takes one at a time, so a
    # worker that dies mid-task leaves it for another; tasks are idempotent for that reason.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_soft_time_limit=60,
    task_time_limit=90,
    broker_connection_retry_on_startup=True,
    # Periodic jobs scan the database for what is due; the schedule is static, in code.
    beat_schedule={
        "outbox-sweep": {
            "task": "portal.tasks.outbox_sweep_task",
            "schedule": 60.0,
        },
        # Exported payroll runs whose "on its way" job was never queued or died halfway.
        "payouts-on-their-way": {
            "task": "payroll.tasks.payouts_on_their_way_sweep_task",
            "schedule": 600.0,
        },
        # Hourly rather than daily: a missed beat costs an hour, and the job is idempotent.
        "eligibility-expiry": {
            "task": "portal.tasks.eligibility_expiry_task",
            "schedule": 3600.0,
        },
        "close-expired-projects": {
            "task": "opportunities.tasks.close_expired_projects",
            "schedule": crontab(minute=5, hour="0"),
        },
        # Hourly: an offer lapses within the hour after its time, and the reminder after 24 h.
        "offers-due": {
            "task": "applications.tasks.offers_due_task",
            "schedule": crontab(minute=15),
        },
        # Filled or cancelled projects whose "not selected" job was never queued or died halfway.
        "not-selected-sweep": {
            "task": "applications.tasks.not_selected_sweep_task",
            "schedule": 600.0,
        },
        # Hourly: a closed project's contact is reminded within the hour, and undecided
        # applicants are told within the hour after their 14 days.
        "closed-projects-due": {
            "task": "applications.tasks.closed_projects_due_task",
            "schedule": crontab(minute=45),
        },
        # Daily: at most one digest of new applications per project and day.
        "applications-digest": {
            "task": "applications.tasks.applications_digest_task",
            "schedule": crontab(minute=30, hour="7"),
        },
        # Hourly: kick-offs start within the hour; each reminder is claimed once, so a late or
        # doubled beat never sends one twice.
        "engagements-due": {
            "task": "applications.engagements.tasks.engagements_due_task",
            "schedule": crontab(minute=45),
        },
        # Hourly: feedback and checklist reminders, each once (the job is idempotent).
        "completion-reminders": {
            "task": "applications.tasks.completion_reminders_task",
            "schedule": crontab(minute=45),
        },
        # The outcomes summary of the students changed meanwhile (the dashboard refreshes too).
        "outcomes-refresh": {
            "task": "applications.tasks.outcomes_refresh_task",
            "schedule": 300.0,
        },
        "saved-search-digests": {
            "task": "opportunities.tasks.send_saved_search_digests",
            "schedule": crontab(minute=0, hour="7"),
        },
    },
)
app.autodiscover_tasks()

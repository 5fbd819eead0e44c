"""Telling everyone still waiting that they were not selected, in the background.

When accepted offers fill a project (or its organization cancels it), the request only closes
the project and queues ``not_selected_fanout`` after commit: moving a thousand applications and
writing a thousand emails inside the request made the student who accepted wait for seconds.

The job works in batches. Each batch, in one transaction, locks up to ``BATCH`` applications
still waiting (skipping rows another run holds), moves exactly those with a conditional update,
and writes their events and emails. A batch commits whole or not at all, so a job that runs
twice, or dies halfway and runs again, tells each student once (the outbox refuses a second
email for the same application anyway). If the broker is down when the job is queued, the beat
sweep (``not_selected_sweep``) finds the projects with someone still waiting and runs it.
"""

import logging

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from opportunities.models import Project
from portal import emails
from portal.jobs import queue_after_commit
from portal.models import User
from portal.transitions import transition_batch

from .models import Application

logger = logging.getLogger(__name__)

Status = Application.Status
Reason = Application.Reason
BATCH = 200

# Who is told, and the note on their event, for each reason.
WAITING = {
    Reason.FILLED: (Application.UNDECIDED, "The openings were filled."),
    Reason.CANCELLED: ([*Application.UNDECIDED, Status.OFFERED], "The project was cancelled."),
}


def not_selected_queue(*, project, reason, by=None):
    """Queue the fan-out for ``project`` once the caller's transaction commits."""
    from .tasks import not_selected_task

    queue_after_commit(not_selected_task, project.pk, reason, getattr(by, "pk", None), sweep="not-selected-sweep")


def not_selected_fanout(*, project_id, reason, by_id=None, batch=BATCH):
    """Move every application of the project still waiting to not selected and tell each
    student once. Safe to run twice, or two at once. Returns how many were told by this run."""
    statuses, note = WAITING[reason]
    project = Project.objects.select_related("organization", "contact").get(pk=project_id)
    by = User.objects.filter(pk=by_id).first() if by_id else None
    told = 0
    while True:
        with transaction.atomic():
            claimed = list(
                Application.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(project_id=project_id, status__in=statuses)
                .select_related("student")
                .order_by("pk")[:batch]
            )
            if not claimed:
                return told
            transition_batch(
                claimed,
                to=Status.NOT_SELECTED,
                allowed=statuses,
                verb="closed",
                by=by,
                note=note,
                reason=reason,
                decided_at=timezone.now(),
            )
            for application in claimed:
                application.project = project
                emails.not_selected(application)
            told += len(claimed)


def _waiting(statuses):
    return Exists(Application.objects.filter(project=OuterRef("pk"), status__in=statuses))


def owed_projects():
    """Projects with someone still to tell, and why: filled projects (accepted offers reach the
    openings) and cancelled ones."""
    filled = (
        Project.objects.annotate(accepted=Count("applications", filter=Q(applications__status=Status.ACCEPTED)))
        .filter(_waiting(WAITING[Reason.FILLED][0]), accepted__gte=1)
        .exclude(status=Project.Status.CANCELLED)
    )
    owed = [(p.pk, Reason.FILLED) for p in filled.only("pk", "openings") if p.accepted >= p.openings]
    cancelled = Project.objects.filter(_waiting(WAITING[Reason.CANCELLED][0]), status=Project.Status.CANCELLED)
    owed += [(pk, Reason.CANCELLED) for pk in cancelled.values_list("pk", flat=True)]
    return owed


def not_selected_pending(project, counts):
    """Whether students of ``project`` are still being told, from its applications counted by
    status (the employer's applicants page says so while the job runs)."""
    if project.status == Project.Status.CANCELLED:
        statuses = WAITING[Reason.CANCELLED][0]
    elif counts.get(Status.ACCEPTED, 0) >= project.openings:
        statuses = WAITING[Reason.FILLED][0]
    else:
        return False
    return any(counts.get(status, 0) for status in statuses)


def not_selected_sweep():
    """Run the fan-out of every project with someone still waiting to be told (a job that was
    never queued, or died halfway)."""
    told = 0
    for project_id, reason in owed_projects():
        told += not_selected_fanout(project_id=project_id, reason=reason)
    return told

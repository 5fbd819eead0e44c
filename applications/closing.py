"""Closed projects never leave applicants hanging.

A project closes by hand or when its apply-by date passes (``opportunities.services``); when
accepted offers fill it, everyone still waiting is told at once (``services._fill``). Otherwise
applicants may still wait for a decision: the project's contact is reminded once to decide, and
``DECIDE_WITHIN_DAYS`` after closing every applicant still undecided is told they were not
selected ("the employer did not decide"), once. One beat job does both; it is safe to run twice,
or two at once.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from opportunities.models import Project
from portal import emails
from portal.models import OutboundEmail
from portal.transitions import transition_batch

from .models import Application
from .services import _lock_project

DECIDE_WITHIN_DAYS = 14
REMINDER_KIND = "project-decide-reminder"

Status = Application.Status


def _closed_with_undecided():
    undecided = Application.objects.filter(project=OuterRef("pk"), status__in=Application.UNDECIDED)
    return Project.objects.filter(status=Project.Status.CLOSED, closed_at__isnull=False).filter(Exists(undecided))


def project_remind_to_decide(*, project):
    """Remind the contact of a closed project that applicants still wait for a decision; once
    per project (the outbox keeps one email per event and recipient). Returns True if sent."""
    with transaction.atomic():
        locked = _lock_project(project.pk)
        if locked.status != Project.Status.CLOSED or locked.closed_at is None:
            return False
        if OutboundEmail.objects.filter(kind=REMINDER_KIND, object_key=f"opportunities.project:{locked.pk}").exists():
            return False
        if not locked.contact.is_active:
            return False  # the organization's last member deleted their account; nobody to remind
        waiting = locked.applications.filter(status__in=Application.UNDECIDED).count()
        if not waiting:
            return False
        sent = emails.project_decide_reminder(
            locked,
            waiting=waiting,
            decide_by=timezone.localdate(locked.closed_at + timedelta(days=DECIDE_WITHIN_DAYS)),
        )
    return sent is not None


def project_release_undecided(*, project, now=None):
    """``DECIDE_WITHIN_DAYS`` after a project closed, everyone the employer left undecided is
    not selected and told so, once (a second run finds no one undecided). Returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_project(project.pk)
        if locked.status != Project.Status.CLOSED or locked.closed_at is None:
            return 0
        if locked.closed_at > now - timedelta(days=DECIDE_WITHIN_DAYS):
            return 0
        waiting = transition_batch(
            Application.objects.select_for_update()
            .filter(project=locked, status__in=Application.UNDECIDED)
            .select_related("student")
            .order_by("pk"),
            to=Status.NOT_SELECTED,
            allowed=Application.UNDECIDED,
            verb="closed",
            note=f"No decision within {DECIDE_WITHIN_DAYS} days of closing.",
            reason=Application.Reason.NO_DECISION,
            decided_at=now,
        )
        for application in waiting:
            application.project = locked
            emails.not_selected_no_decision(application, days=DECIDE_WITHIN_DAYS)
    return len(waiting)


def closed_projects_due(*, now=None):
    """The beat job: release first (a project past its days needs no reminder), then remind."""
    now = now or timezone.now()
    released = reminded = 0
    candidates = list(_closed_with_undecided().values_list("pk", "closed_at"))
    for pk, closed_at in candidates:
        if closed_at <= now - timedelta(days=DECIDE_WITHIN_DAYS):
            released += project_release_undecided(project=Project(pk=pk), now=now)
        elif project_remind_to_decide(project=Project(pk=pk)):
            reminded += 1
    return {"released": released, "reminded": reminded}

"""The reader's engagements, for pages of apps that cannot import this one (the dashboards)."""

from datetime import date
from html import escape as _escape  # plain str, quotes too: Django's escape() wraps it in SafeString
from typing import NamedTuple

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.safestring import mark_safe

from applications.models import Engagement
from portal.access import reader, reader_as
from portal.links import url_with
from portal.prepared import Prepared

register = template.Library()

# How many engagements a page lists.
SHOWN = 20


class Row(NamedTuple):
    """One engagement as the lists show it: plain values. Four model instances per row
    (engagement, application, student, project) cost the page more than its query."""

    pk: int
    status: str
    due_on: date | None
    project_title: str
    student_name: str

    def get_status_display(self):
        return Engagement.Status(self.status).label

    @property
    def is_finished(self):
        return self.status in Engagement.FINISHED


@register.simple_tag
def engagements_for(user, limit=SHOWN):
    """The engagements ``user`` may open, unfinished first, then the most recent, as `Row`s: one
    query."""
    if not user.is_authenticated:
        return []
    rows = ROWS(*reader(user), limit, user_id=user.pk)
    # The student's name as User.get_full_name() gives it: the email address when there is none.
    return [
        Row(
            row["pk"],
            row["status"],
            row["due_on"],
            row["project__title"],
            f"{row['application__student__first_name']} {row['application__student__last_name']}".strip()
            or row["application__student__email"],
        )
        for row in rows
    ]


def _rows(role, is_staff, limit, *, user_id):
    user = reader_as(role, is_staff, user_id)
    order = ["completed_at", "cancelled_at", "due_on", "-created_at", "pk"]
    engagements = Engagement.objects.visible_to(user)
    if user.is_employer:
        # An organization's engagements are many: the ones shown are picked from the engagements
        # alone, then joined to their project and student (joining them all before sorting cost
        # an employer's dashboard several times more). A student's few need no such step.
        engagements = Engagement.objects.filter(pk__in=engagements.order_by(*order).values("pk")[:limit])
    return engagements.order_by(*order).values(
        "pk",
        "status",
        "due_on",
        "project__title",
        "application__student__first_name",
        "application__student__last_name",
        "application__student__email",
    )[:limit]


ROWS = Prepared(_rows)


@register.simple_tag
def engagement_items(engagements, user):
    """The list's items: the project, the student's name for the organization's members, the
    state, and the due date while the work is open. One format per item, not a node per field."""
    employer = user.is_employer
    detail = url_with("engagements:detail")
    items = []
    for engagement in engagements:
        student = f" · {_escape(engagement.student_name)}" if employer else ""
        due = ""
        if engagement.due_on and not engagement.is_finished:
            due = f" · due {_escape(date_filter(engagement.due_on, 'M j'))}"
        items.append(
            f'<li><a href="{_escape(detail(engagement.pk))}">'
            f"{_escape(engagement.project_title)}</a>{student}"
            f' · <span class="badge">{_escape(engagement.get_status_display())}</span>{due}</li>'
        )
    return mark_safe("\n".join(items))  # noqa: S308 - every value is escaped above

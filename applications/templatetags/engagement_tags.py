"""The reader's engagements, for pages of apps that cannot import this one (the dashboards)."""

from html import escape as _escape  # plain str, quotes too: Django's escape() wraps it in SafeString

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.safestring import mark_safe

from applications.models import Engagement
from portal.links import url_with

register = template.Library()

# How many engagements a page lists.
SHOWN = 20


@register.simple_tag
def engagements_for(user, limit=SHOWN):
    """The engagements ``user`` may open, unfinished first, then the most recent: one query."""
    order = ["completed_at", "cancelled_at", "due_on", "-created_at", "pk"]
    engagements = Engagement.objects.visible_to(user)
    if user.is_employer:
        # An organization's engagements are many: the ones shown are picked from the engagements
        # alone, then joined to their project and student (joining them all before sorting cost
        # an employer's dashboard several times more). A student's few need no such step.
        engagements = Engagement.objects.filter(pk__in=engagements.order_by(*order).values("pk")[:limit])
    return list(
        engagements.select_related("project", "application__student").only(*LIST_FIELDS).order_by(*order)[:limit]
    )


# What the list shows (the projects' and students' other columns, descriptions and all, made the
# sort of every engagement of an organization several times wider).
LIST_FIELDS = [
    "status",
    "due_on",
    "completed_at",
    "cancelled_at",
    "created_at",
    "project__title",
    "application__student__first_name",
    "application__student__last_name",
    "application__student__email",
]


@register.simple_tag
def engagement_items(engagements, user):
    """The list's items: the project, the student's name for the organization's members, the
    state, and the due date while the work is open. One format per item, not a node per field."""
    employer = user.is_employer
    detail = url_with("engagements:detail")
    items = []
    for engagement in engagements:
        student = f" · {_escape(engagement.application.student.get_full_name())}" if employer else ""
        due = ""
        if engagement.due_on and not engagement.is_finished:
            due = f" · due {_escape(date_filter(engagement.due_on, 'M j'))}"
        items.append(
            f'<li><a href="{_escape(detail(engagement.pk))}">'
            f"{_escape(engagement.project.title)}</a>{student}"
            f' · <span class="badge">{_escape(engagement.get_status_display())}</span>{due}</li>'
        )
    return mark_safe("\n".join(items))  # noqa: S308 - every value is escaped above

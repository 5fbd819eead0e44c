"""The reader's engagements, for pages of apps that cannot import this one (the dashboards)."""

from django import template

from applications.models import Engagement

register = template.Library()


@register.simple_tag
def engagements_for(user, limit=20):
    """The engagements ``user`` may open, unfinished first, then the most recent: one query."""
    return list(
        Engagement.objects.visible_to(user)
        .select_related("project", "application__student")
        .only(*LIST_FIELDS)
        .order_by("completed_at", "cancelled_at", "due_on", "-created_at")[:limit]
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

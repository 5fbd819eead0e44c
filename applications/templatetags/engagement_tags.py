"""The reader's engagements, for pages of apps that cannot import this one (the dashboards)."""

from django import template

from applications.models import Engagement

register = template.Library()


@register.simple_tag
def engagements_for(user, limit=20):
    """The engagements ``user`` may open, unfinished first, then the most recent: one query."""
    return list(
        Engagement.objects.visible_to(user)
        .select_related("project__organization", "application__student")
        .order_by("completed_at", "cancelled_at", "due_on", "-created_at")[:limit]
    )

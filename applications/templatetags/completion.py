"""Pages of ``portal`` that show what ``applications`` knows, without ``portal`` importing it:
the student's open checklists on the dashboard (a helper of its Jinja2 template), an
organization's survey averages."""

from django import template

from ..completion import services
from ..completion.models import Completion, Survey
from ..models import Engagement
from .engagement_tags import SHOWN

register = template.Library()


def student_checklists(user, engagements=None):
    """The student's completed engagements whose checklist still has open items, each as
    {"engagement": ..., "items": [...]} (``services.checklist_items``). The page's
    list of the student's engagements (``engagements_for``), when it is all of them, tells
    whether there is any completed one to look for."""
    if (
        engagements is not None
        and len(engagements) < SHOWN
        and not any(engagement.status in Engagement.VERIFIED for engagement in engagements)
    ):
        return []
    completions = (
        Completion.objects.filter(engagement__application__student=user, engagement__status__in=Engagement.VERIFIED)
        .select_related("engagement__project", "engagement__application__student__student_profile")
        .only(
            *(name for name, _label, _manual in services.CHECKLIST),
            "thanks_sent_at",
            "engagement__completed_at",
            "engagement__project__title",
            "engagement__application__student__student_profile__resume_uploaded_at",
        )
    )
    open_lists = []
    for completion in completions:
        completion = services.checklist_refresh(completion)
        if not services.checklist_is_done(completion):
            open_lists.append({"engagement": completion.engagement, "items": services.checklist_items(completion)})
    return open_lists


@register.inclusion_tag("completion/_survey_summary.html")
def survey_summary(organization):
    return {"summary": services.survey_summary(organization.pk), "minimum": Survey.MIN_FOR_EMPLOYERS}

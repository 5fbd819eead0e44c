from django import template

from ..outcomes_views import can_see_outcomes as _can_see_outcomes

register = template.Library()


@register.filter
def can_see_outcomes(user):
    return _can_see_outcomes(user)

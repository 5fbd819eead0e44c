from django import template

from portal.outbox import stuck_emails

register = template.Library()


@register.simple_tag
def stuck_email_count():
    """Failed emails and emails not sent an hour after they were due: what staff should look at."""
    return stuck_emails().count()

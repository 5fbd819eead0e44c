"""Time zones: the portal's (``TIME_ZONE``), each organization's, and each person's.

Pages and emails show times in the reader's zone, with the zone named: the person's own choice,
else the portal's. An employer who creates or joins an organization without a zone of their own
takes the organization's, so finding a reader's zone never costs a query.
"""

import zoneinfo
from functools import cache

from django.conf import settings
from django.utils import timezone


@cache
def zone_choices():
    """Every IANA zone name, for the choice fields (a callable, so migrations do not list them)."""
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


def default_zone_name():
    return settings.TIME_ZONE


def zone_named(name):
    """The zone called ``name``; the portal's when the name is empty or unknown."""
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


# English month abbreviations, as strftime's %b gives them in the C locale (the site is English
# only): %b cost 5 µs a date, once per card of the applicants page.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_date(value):
    """A date as lists write it: "Nov 3, 2026" (a datetime: its date, in its own zone)."""
    return f"{_MONTHS[value.month - 1]} {value.day}, {value.year}"


def zone_for(user):
    """The zone to show ``user`` times in (``None``: the portal's)."""
    return zone_named(getattr(user, "time_zone", "") if user is not None else "")


class TimeZoneMiddleware:
    """Activate the signed-in person's zone for the request, so templates show their times."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(zone_for(user))
        else:
            timezone.deactivate()
        return self.get_response(request)

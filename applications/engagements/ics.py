"""The kick-off's calendar invitation: an RFC 5545 file made with the ``icalendar`` library.

One event per engagement, always the same UID; each new version (booked, moved) raises
SEQUENCE, so calendars update the meeting instead of adding another; cancelling sends
METHOD:CANCEL with the same UID. Times carry the organization's zone (TZID) and the matching
VTIMEZONE, so the meeting lands right across daylight-saving changes.
"""

from datetime import timedelta

import icalendar
from django.conf import settings
from django.utils import timezone

CONTENT_TYPE = "text/calendar"


def _address(user, role):
    address = icalendar.vCalAddress(f"mailto:{user.email}")
    address.params["CN"] = user.get_full_name()
    address.params["ROLE"] = role
    return address


def invitation(engagement, *, cancel=False):
    """The .ics text for ``engagement``'s booked kick-off (``cancel``: its cancellation)."""
    slot = engagement.kickoff
    zone = engagement.project_zone
    project = engagement.project
    supervisor = project.contact
    student = engagement.application.student
    link = settings.SITE_URL + engagement.get_absolute_url()

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Micro-Internships Portal//Kick-off//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")

    event = icalendar.Event()
    event.add("uid", f"{engagement.invite_uid}@{_domain()}")
    event.add("sequence", engagement.invite_sequence)
    event.add("dtstamp", timezone.now())
    starts_at = timezone.localtime(engagement.kickoff_at, zone)
    minutes = slot.minutes if slot is not None else 30
    event.add("dtstart", starts_at)
    event.add("dtend", starts_at + timedelta(minutes=minutes))
    event.add("summary", f"Kick-off: {project.title}")
    event.add("description", f"Kick-off meeting for the micro-internship “{project.title}”.\n{link}")
    if slot is not None and slot.video_url:
        event.add("url", slot.video_url)
        event.add("location", slot.video_url)
    elif slot is not None and slot.location:
        event.add("location", slot.location)
    event.add("organizer", _address(supervisor, "CHAIR"))
    attendee = _address(student, "REQ-PARTICIPANT")
    attendee.params["RSVP"] = "TRUE"
    attendee.params["PARTSTAT"] = "NEEDS-ACTION"
    event.add("attendee", attendee)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()


def filename(engagement):
    return f"kickoff-{engagement.pk}.ics"


def _domain():
    from urllib.parse import urlsplit

    return urlsplit(settings.SITE_URL).hostname or "portal.localhost"

"""The open calls' deadlines as an iCalendar feed (RFC 5545), one event per call.

Each event's UID is derived from the call's id alone, so a calendar that subscribes to the
feed updates an event when its call changes instead of adding a second one; its start is
the deadline in the call's own time zone (with the zone's definition in the feed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from funding.models import Call

PRODID = "-//Clusters Response Portal//Funding calls//EN"
UID_DOMAIN = "funding.clusters-response-portal"


def event_uid(call: Call) -> str:
    return f"call-{call.pk}@{UID_DOMAIN}"


def deadline_calendar(calls: Iterable[Call], *, absolute_url: Callable[[str], str]) -> bytes:
    """The feed for ``calls``; ``absolute_url`` turns a page's path into a full URL."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("EU funding calls: deadlines"))
    stamp = timezone.now()
    for call in calls:
        event = Event()
        event.add("uid", event_uid(call))
        event.add("dtstamp", stamp)
        event.add("last-modified", call.updated_at)
        # iCalendar counts in whole seconds.
        deadline = call.deadline_local.replace(microsecond=0)
        event.add("dtstart", deadline)
        event.add("dtend", deadline)
        event.add("summary", _("Deadline: %(title)s") % {"title": call.title})
        page = absolute_url(call.get_absolute_url())
        event.add("url", page)
        event.add(
            "description",
            _("%(programme)s. Apply on the official page: %(link)s — details: %(page)s")
            % {"programme": call.programme.name, "link": call.link, "page": page},
        )
        event.add("categories", [call.programme.name])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()

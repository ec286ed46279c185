"""Meetings as iCalendar (RFC 5545): what "add to calendar" and calendar subscriptions read.

What the existing finders get wrong, done right here:

- **One weekly recurring event per meeting** (``RRULE:FREQ=WEEKLY;BYDAY=TU``), not a single
  occurrence.
- **A stable UID** (``<slug>@homegroup``), the same whichever host served it, so a calendar that
  imports the file twice, or refreshes a subscription, updates the event instead of duplicating it.
- **The meeting's own zone**: ``DTSTART;TZID=America/New_York:…`` with the wall-clock time and a
  ``VTIMEZONE`` for every zone used, so the meeting stays at 19:00 local across DST changes.
  ``DTSTART`` is the first occurrence on or after the day the directory first saw the meeting:
  stable, so the file only changes when the meeting does. A start time that does not exist on
  a spring-forward day is written as is; RFC 5545 §3.3.5 makes clients read it with the offset
  before the gap, as `lib.schedule` does.
- ``DTEND`` the next day for a meeting that crosses midnight.
- CRLF line endings and 75-octet folding (the icalendar package writes both).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone

from homegroup.directory.models import Attendance, Meeting
from homegroup.lib.schedule import zone
from homegroup.lib.times import crosses_midnight
from homegroup.lib.weekdays import from_python

PRODID = "-//Homegroup//Meeting directory//EN"
UID_DOMAIN = "homegroup"
CONTENT_TYPE = "text/calendar; charset=utf-8"
BYDAY = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")  # index = our day (0 = Sunday)
# How far each VTIMEZONE spells out the zone's changes after the first event in it.
VTIMEZONE_YEARS = 30


def uid(meeting: Meeting) -> str:
    return f"{meeting.slug}@{UID_DOMAIN}"


def first_date(meeting: Meeting) -> date:
    """The first local date on or after the day the meeting was first seen that is its weekday."""
    seen = meeting.first_seen_at.astimezone(zone(meeting.timezone)).date()
    return seen + timedelta(days=(meeting.day - from_python(seen.weekday())) % 7)


def _description(meeting: Meeting, *, page_url: str) -> str:
    lines = [f"{meeting.fellowship.name or meeting.fellowship.code}"]
    if meeting.conference_url:
        lines.append(_("Join online: %(url)s") % {"url": meeting.conference_url})
    if meeting.conference_url_notes:
        lines.append(meeting.public_text("conference_url_notes"))
    if meeting.conference_phone:
        lines.append(_("By phone: %(phone)s") % {"phone": meeting.conference_phone})
    if meeting.conference_phone_notes:
        lines.append(meeting.public_text("conference_phone_notes"))
    if meeting.notes:
        lines.append(meeting.public_text("notes"))
    if meeting.location_notes:
        lines.append(meeting.public_text("location_notes"))
    lines.append(_("Details: %(url)s") % {"url": page_url})
    return "\n".join(lines)


def _location(meeting: Meeting) -> str:
    place = ", ".join(
        part for part in (meeting.location, meeting.formatted_address or meeting.address) if part
    )
    if meeting.attendance == Attendance.ONLINE and meeting.conference_url:
        return meeting.conference_url
    return place


def meeting_event(meeting: Meeting, *, page_url: str) -> Event:
    """One meeting as a weekly VEVENT in its own zone."""
    tz = zone(meeting.timezone)
    on = first_date(meeting)
    # The wall-clock time, not a normalised instant: the RRULE repeats the wall clock.
    starts = datetime.combine(on, meeting.start_time, tzinfo=tz)
    end_date = (
        on + timedelta(days=1)
        if crosses_midnight(start=meeting.start_time, end=meeting.end_time)
        else on
    )
    ends = datetime.combine(end_date, meeting.end_time, tzinfo=tz)
    event = Event()
    event.add("uid", uid(meeting))
    event.add("dtstamp", meeting.last_changed_at.astimezone(UTC))
    event.add("last-modified", meeting.last_changed_at.astimezone(UTC))
    event.add("summary", meeting.name)
    event.add("dtstart", starts)
    event.add("dtend", ends)
    event.add("rrule", {"freq": "weekly", "byday": [BYDAY[meeting.day]]})
    location = _location(meeting)
    if location:
        event.add("location", location)
    if meeting.latitude is not None and meeting.longitude is not None and not meeting.approximate:
        event.add("geo", (meeting.latitude, meeting.longitude))
    event.add("url", page_url)
    event.add("description", _description(meeting, page_url=page_url))
    if meeting.types:
        event.add("categories", [meeting.fellowship.code, *meeting.types])
    if meeting.attendance == Attendance.TEMPORARILY_CLOSED:
        event.add("status", "CANCELLED")
    return event


def calendar(
    meetings: Iterable[Meeting], *, name: str, page_url: Callable[[Meeting], str]
) -> bytes:
    """A VCALENDAR of weekly events, one VTIMEZONE per zone used, CRLF line endings."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("name", name)
    first_by_zone: dict[str, date] = {}
    events: list[Any] = []
    for meeting in meetings:
        events.append(meeting_event(meeting, page_url=page_url(meeting)))
        on = first_date(meeting)
        first_by_zone[meeting.timezone] = min(on, first_by_zone.get(meeting.timezone, on))
    for zone_name, first in sorted(first_by_zone.items()):
        cal.add_component(
            Timezone.from_tzid(
                zone_name,
                first_date=first - timedelta(days=1),
                last_date=date(first.year + VTIMEZONE_YEARS, 1, 1),
            )
        )
    for event in events:
        cal.add_component(event)
    output: bytes = cal.to_ical()
    return output

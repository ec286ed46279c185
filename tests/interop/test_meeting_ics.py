"""GET /meetings/<slug>.ics: one meeting as a weekly recurring event, parsed back with icalendar."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from homegroup.directory import actions
from tests.directory.search_data import meeting

pytestmark = pytest.mark.django_db

# First seen on Thursday 30 May 2024: a Tuesday meeting's first occurrence is 4 June.
FIRST_SEEN = datetime(2024, 5, 30, 12, 0, tzinfo=ZoneInfo("UTC"))


def calendar_of(client, found):
    response = client.get(reverse("interop:meeting-ics", args=[found.slug]))
    assert response.status_code == 200
    return response, Calendar.from_ical(response.content)


def the_event(cal):
    (event,) = cal.walk("VEVENT")
    return event


def test_the_answer_is_text_calendar_with_crlf_line_endings(client):
    response, _cal = calendar_of(client, meeting(name="Tuesday Hope", now=FIRST_SEEN))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content
    assert body.startswith(b"BEGIN:VCALENDAR\r\n")
    assert body.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))


def test_the_meeting_is_a_weekly_event_with_a_stable_uid_in_its_own_zone(client):
    found = meeting(name="Tuesday Hope", now=FIRST_SEEN)
    _response, cal = calendar_of(client, found)
    event = the_event(cal)
    assert str(event["UID"]) == f"{found.slug}@homegroup"
    assert event["RRULE"]["FREQ"] == ["WEEKLY"]
    assert event["RRULE"]["BYDAY"] == ["TU"]
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event["DTSTART"].dt == datetime(2024, 6, 4, 19, 0, tzinfo=ZoneInfo("America/New_York"))
    assert event["DTEND"].dt == datetime(2024, 6, 4, 20, 0, tzinfo=ZoneInfo("America/New_York"))
    assert str(event["SUMMARY"]) == "Tuesday Hope"
    (zone,) = cal.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "America/New_York"
    # The same file whenever and wherever it is asked for: calendars update, never duplicate.
    again, _cal = calendar_of(client, found)
    assert again.content == _response.content


def test_a_meeting_crossing_midnight_ends_the_next_day(client):
    found = meeting(
        name="Midnight Hope", day=6, start=time(23, 59), end=time(1, 29), now=FIRST_SEEN
    )
    event = the_event(calendar_of(client, found)[1])
    assert event["DTSTART"].dt.date() == date(2024, 6, 1)  # the Saturday
    assert event["DTEND"].dt.date() == date(2024, 6, 2)
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(hours=1, minutes=30)
    assert event["RRULE"]["BYDAY"] == ["SA"]


def test_location_geo_url_and_description_with_the_conference_link(client):
    found = meeting(
        name="Hybrid Hope",
        attendance="hybrid",
        conference_url="https://zoom.us/j/123",
        conference_url_notes="Password: hope",
        now=FIRST_SEEN,
    )
    event = the_event(calendar_of(client, found)[1])
    assert str(event["LOCATION"]) == "Community Hall, 1 Main St, Ithaca, NY 14850, USA"
    assert (event["GEO"].latitude, event["GEO"].longitude) == (42.444, -76.5019)
    assert str(event["URL"]) == f"http://testserver/meetings/{found.slug}/"
    description = str(event["DESCRIPTION"])
    assert "Join online: https://zoom.us/j/123" in description
    assert "Password: hope" in description


def test_an_online_meeting_is_located_at_its_link(client):
    found = meeting(
        name="Online Hope",
        attendance="online",
        conference_url="https://zoom.us/j/9",
        approximate=True,
        now=FIRST_SEEN,
    )
    event = the_event(calendar_of(client, found)[1])
    assert str(event["LOCATION"]) == "https://zoom.us/j/9"
    assert "GEO" not in event


def test_a_0230_meeting_keeps_its_wall_clock_time_for_the_calendar_to_resolve(client):
    first_seen = datetime(2024, 3, 9, 12, 0, tzinfo=ZoneInfo("UTC"))
    found = meeting(name="Early", day=0, start=time(2, 30), end=time(3, 30), now=first_seen)
    body = calendar_of(client, found)[0].content
    # 2024-03-10 02:30 does not exist in New York; RFC 5545 clients read it as 03:30 EDT.
    assert b"DTSTART;TZID=America/New_York:20240310T023000\r\n" in body


def test_an_unknown_or_removed_meeting_is_not_found(client):
    gone = meeting(name="Gone")
    actions.remove_meeting(meeting=gone)
    assert client.get(f"/meetings/{gone.slug}.ics").status_code == 404
    assert client.get("/meetings/no-such-meeting.ics").status_code == 404


def test_one_meeting_reads_one_query(client, django_assert_num_queries):
    found = meeting(name="Tuesday Hope")
    with django_assert_num_queries(1):
        client.get(f"/meetings/{found.slug}.ics")

"""GET /meetings.ics?<the search's parameters>: a search as a calendar to subscribe to."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from tests.directory.search_data import GENEVA, meeting

pytestmark = pytest.mark.django_db

URL = "/meetings.ics"


def test_the_url_is_named_in_the_interop_namespace():
    assert reverse("interop:search-ics") == URL


def test_the_search_parameters_choose_the_meetings(client):
    meeting(name="Tuesday Hope")
    meeting(name="Geneva Group", latitude=GENEVA[0], longitude=GENEVA[1])
    meeting(
        name="Sydney Morning",
        day=3,
        start=time(7, 0),
        end=time(8, 0),
        timezone="Australia/Sydney",
        latitude=-33.87,
        longitude=151.21,
        attendance="online",
    )
    response = client.get(URL, {"near": "14850", "include_online": "true"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = Calendar.from_ical(response.content)
    events = {str(event["SUMMARY"]): event for event in cal.walk("VEVENT")}
    assert sorted(events) == ["Sydney Morning", "Tuesday Hope"]
    assert events["Sydney Morning"]["DTSTART"].params["TZID"] == "Australia/Sydney"
    assert sorted(str(zone["TZID"]) for zone in cal.walk("VTIMEZONE")) == [
        "America/New_York",
        "Australia/Sydney",
    ]
    assert str(cal["X-WR-CALNAME"]) == "Meetings near 14850 (Ithaca, NY)"
    assert b"\r\n" in response.content
    assert b"\n" not in response.content.replace(b"\r\n", b"")


def test_without_a_limit_a_subscription_holds_up_to_500_meetings(client):
    for hour in range(8, 20):
        meeting(name=f"At {hour}", start=time(hour, 0), end=time(hour, 45))
    cal = Calendar.from_ical(client.get(URL, {"days": "2"}).content)
    assert len(cal.walk("VEVENT")) == 12
    cal = Calendar.from_ical(client.get(URL, {"days": "2", "limit": "5"}).content)
    assert len(cal.walk("VEVENT")) == 5


def test_every_event_recurs_weekly_with_a_stable_uid(client):
    first_seen = datetime(2024, 5, 30, tzinfo=ZoneInfo("UTC"))
    found = [meeting(name=f"Day {day}", day=day, now=first_seen) for day in range(7)]
    cal = Calendar.from_ical(client.get(URL).content)
    by_uid = {str(event["UID"]): event for event in cal.walk("VEVENT")}
    assert sorted(by_uid) == sorted(f"{m.slug}@homegroup" for m in found)
    days = {str(event["SUMMARY"]): event["RRULE"]["BYDAY"] for event in by_uid.values()}
    assert days == {
        "Day 0": ["SU"],
        "Day 1": ["MO"],
        "Day 2": ["TU"],
        "Day 3": ["WE"],
        "Day 4": ["TH"],
        "Day 5": ["FR"],
        "Day 6": ["SA"],
    }


def test_bad_parameters_answer_400_in_plain_text(client):
    response = client.get(URL, {"days": "9", "near": "Springfield"})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "days: Days are numbers 0-6" in text
    assert "near: There are several places called “Springfield”" in text


def test_a_search_calendar_reads_a_constant_number_of_queries(
    client, django_assert_max_num_queries
):
    for number in range(20):
        meeting(name=f"Meeting {number}", day=number % 7)
    client.get(URL, {"near": "14850"})  # warm the per-process caches
    with django_assert_max_num_queries(3):
        response = client.get(URL, {"near": "14850"})
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 20

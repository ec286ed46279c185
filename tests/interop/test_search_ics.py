"""GET /meetings.ics?slugs=a,b,c: the meetings a person chose, as one calendar (at most 50)."""

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


def test_the_chosen_slugs_make_the_calendar(client):
    hope = meeting(name="Tuesday Hope")
    meeting(name="Geneva Group", latitude=GENEVA[0], longitude=GENEVA[1])
    sydney = meeting(
        name="Sydney Morning",
        day=3,
        start=time(7, 0),
        end=time(8, 0),
        timezone="Australia/Sydney",
        latitude=-33.87,
        longitude=151.21,
        attendance="online",
    )
    response = client.get(URL, {"slugs": f"{hope.slug},{sydney.slug}"})
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
    assert str(cal["X-WR-CALNAME"]) == "My chosen meetings (2)"
    assert b"\r\n" in response.content
    assert b"\n" not in response.content.replace(b"\r\n", b"")


def test_repeated_slugs_parameters_as_the_search_page_sends_them_work_too(client):
    first, second = meeting(name="First"), meeting(name="Second")
    response = client.get(f"{URL}?slugs={first.slug}&slugs={second.slug}&slugs={first.slug}")
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 2


def test_a_search_without_chosen_meetings_is_a_400_in_the_api_error_shape(client):
    meeting(name="Tuesday Hope")
    response = client.get(URL, {"near": "14850"})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "Choose the meetings for the calendar: slugs=a,b,c."
    assert body["details"] == [{"loc": ["query", "slugs"], "message": body["error"]}]


def test_more_than_50_meetings_is_a_400_not_a_surprise_calendar(client):
    slugs = ",".join(f"meeting-{number}" for number in range(51))
    response = client.get(URL, {"slugs": slugs})
    assert response.status_code == 400
    assert response.json()["error"] == "At most 50 meetings in one calendar; 51 were chosen."


def test_fifty_chosen_meetings_are_fine(client):
    found = [meeting(name=f"Meeting {number}") for number in range(50)]
    response = client.get(URL, {"slugs": ",".join(m.slug for m in found)})
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 50


def test_a_slug_with_other_characters_is_a_400(client):
    response = client.get(URL, {"slugs": "good,<script>"})
    assert response.status_code == 400


def test_slugs_of_which_none_is_listed_are_a_404(client):
    assert client.get(URL, {"slugs": "no-such-meeting"}).status_code == 404


def test_every_event_recurs_weekly_with_a_stable_uid(client):
    first_seen = datetime(2024, 5, 30, tzinfo=ZoneInfo("UTC"))
    found = [meeting(name=f"Day {day}", day=day, now=first_seen) for day in range(7)]
    cal = Calendar.from_ical(client.get(URL, {"slugs": ",".join(m.slug for m in found)}).content)
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

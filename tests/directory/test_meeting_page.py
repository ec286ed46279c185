"""/meetings/<slug>/: one meeting, its time in its zone, how to get there or join, and how
welcoming it is to people on medication, and why."""

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from homegroup.directory import actions
from homegroup.directory.models import EvidenceKind, Stance
from tests.directory.search_data import GENEVA, ITHACA, meeting

pytestmark = pytest.mark.django_db

MONDAY_5PM = datetime(2024, 6, 3, 17, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.fixture
def monday():
    with time_machine.travel(MONDAY_5PM, tick=False):
        yield


def page_of(client, found):
    response = client.get(reverse("directory:meeting", args=[found.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_meeting_shows_its_time_in_its_own_zone(client, monday):
    found = meeting(
        name="Sydney Morning",
        day=3,
        start=time(7, 0),
        end=time(8, 0),
        timezone="Australia/Sydney",
        latitude=-33.87,
        longitude=151.21,
    )
    page = page_of(client, found)
    assert "Every Wednesday, 7 a.m. to 8 a.m." in page
    assert "Australia/Sydney" in page
    assert "AEST" in page
    assert "Next: Tomorrow 7 a.m." in page  # Monday 17:00 in New York is Tuesday in Sydney


def test_a_meeting_crossing_midnight_says_it_ends_the_next_day(client, monday):
    page = page_of(client, meeting(name="Midnight Hope", start=time(23, 59), end=time(1, 29)))
    assert "(ends the next day)" in page


def test_directions_link_to_openstreetmap_and_the_phones_maps_app(client, monday):
    page = page_of(client, meeting(name="Tuesday Hope"))
    lat, lng = ITHACA
    assert f"https://www.openstreetmap.org/?mlat={lat}&amp;mlon={lng}#map=17/{lat}/{lng}" in page
    assert f'href="geo:{lat},{lng}"' in page


def test_an_online_meeting_has_a_join_button_and_no_directions(client, monday):
    found = meeting(
        name="Online Hope",
        attendance="online",
        conference_url="https://zoom.us/j/123",
        conference_phone="+16465588656,,123#",
        approximate=True,
    )
    page = page_of(client, found)
    assert 'href="https://zoom.us/j/123"' in page
    assert "Join online" in page
    assert 'href="tel:+16465588656,,123#"' in page
    assert "openstreetmap" not in page


def test_a_link_that_is_not_a_web_address_is_not_made_clickable(client, monday):
    found = meeting(name="Odd", attendance="online", conference_url="javascript:alert(1)")
    page = page_of(client, found)
    assert "javascript:" not in page


def test_the_page_says_how_mat_friendly_the_meeting_is_and_why_by_kind_and_date(
    client, monday, people
):
    found = meeting(name="Tuesday Hope")
    actions.add_mat_evidence(
        meeting=found,
        actor=people.max,
        kind=EvidenceKind.PUBLISHER_STATEMENT,
        stance=Stance.WELCOMING,
        summary="The group's secretary wrote that everyone on medication is welcome.",
        observed_on=date(2024, 5, 1),
    )
    report = actions.report_mat_experience(
        meeting=found, reporter=people.ana, stance=Stance.WELCOMING, observed_on=date(2024, 5, 20)
    )
    pending = actions.report_mat_experience(
        meeting=found, reporter=people.ben, stance=Stance.UNWELCOMING, observed_on=date(2024, 5, 21)
    )
    actions.review_mat_report(evidence=report, reviewer=people.max, accept=True)
    page = page_of(client, found)
    assert "Confirmed welcoming" in page
    assert "The group&#x27;s or publisher&#x27;s own statement" in page
    assert "May 1, 2024" in page
    assert "everyone on medication is welcome" in page
    assert "A report from a person in recovery" in page
    assert "May 20, 2024" in page
    # Never who: no reporter's name, and a report still waiting for review does not show.
    assert not re.search(r"\b(Ana|Ben)\b", page)  # words, not letters of a random token
    assert pending.review_status == "pending"
    assert "May 21, 2024" not in page


def test_a_charter_fellowship_shows_its_charter(client, monday):
    page = page_of(client, meeting(name="MARA Tuesday", fellowship="MARA"))
    assert "Confirmed welcoming" in page
    assert "The charter of Medication-Assisted Recovery Anonymous welcomes people on" in page


def test_a_meeting_nothing_is_known_about_says_so(client, monday):
    page = page_of(client, meeting(name="Tuesday Hope"))
    assert "We have no information yet about how this meeting treats people on medication." in (
        page
    )


def test_other_meetings_at_the_same_place_are_listed(client, monday):
    here = meeting(name="Tuesday Hope")
    meeting(name="Thursday Serenity", day=4)
    meeting(name="Geneva Group", latitude=GENEVA[0], longitude=GENEVA[1])
    page = page_of(client, here)
    assert "Other meetings at the same place" in page
    assert "Thursday Serenity" in page
    assert "Geneva Group" not in page


def test_the_page_offers_the_meeting_as_a_calendar_file(client, monday):
    found = meeting(name="Tuesday Hope")
    assert f'href="/meetings/{found.slug}.ics"' in page_of(client, found)


def test_an_unknown_or_removed_meeting_is_not_found(client):
    gone = meeting(name="Gone")
    actions.remove_meeting(meeting=gone)
    assert client.get(f"/meetings/{gone.slug}/").status_code == 404
    assert client.get("/meetings/no-such-meeting/").status_code == 404


def test_the_page_reads_a_constant_number_of_queries(
    client, monday, people, django_assert_max_num_queries
):
    here = meeting(name="Tuesday Hope")
    for day in range(7):
        meeting(name=f"Same place {day}", day=day)
    for number in range(5):
        actions.add_mat_evidence(
            meeting=here,
            actor=people.max,
            kind=EvidenceKind.MAINTAINER,
            stance=Stance.WELCOMING,
            summary=f"Check {number}.",
            observed_on=date(2024, 5, 1 + number),
        )
    with django_assert_max_num_queries(3):  # the meeting, its evidence, the same place
        page_of(client, here)

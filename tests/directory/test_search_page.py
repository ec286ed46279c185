"""/meetings/: the search page, public, a GET form that works without JavaScript."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from homegroup.directory import actions
from homegroup.directory.models import EvidenceKind, Stance
from tests.directory.search_data import GENEVA, meeting

pytestmark = pytest.mark.django_db

URL = "/meetings/"
MONDAY_5PM = datetime(2024, 6, 3, 17, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.fixture
def monday():
    with time_machine.travel(MONDAY_5PM, tick=False):
        yield


def test_the_url_is_named_in_the_directory_namespace():
    assert reverse("directory:search") == URL


def test_without_criteria_the_page_shows_the_form_and_no_results(client):
    meeting(name="Tuesday Hope")
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="near"' in page
    assert "Tuesday Hope" not in page


def test_the_page_advertises_the_meeting_guide_feed(client):
    page = client.get(URL).content.decode()
    assert (
        '<link rel="alternate" type="application/json" title="Meetings Feed" '
        'href="/api/v1/feeds/meeting-guide.json">'
    ) in page


def test_searching_by_zip_code_lists_meetings_nearby_with_their_next_time(client, monday):
    meeting(name="Tuesday Hope")
    meeting(name="Geneva Group", latitude=GENEVA[0], longitude=GENEVA[1])
    response = client.get(URL, {"near": "14850"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 meeting near 14850 (Ithaca, NY)" in page
    assert "Tuesday Hope" in page
    assert "Geneva Group" not in page
    assert "Tomorrow 7 p.m." in page
    assert 'value="14850"' in page  # the form keeps what was typed


def test_the_map_gets_the_results_as_json_and_the_tile_url_from_the_setting(
    client, monday, settings
):
    settings.HOMEGROUP_MAP_TILES = "https://tiles.example.org/{z}/{x}/{y}.png"
    found = meeting(name="Tuesday Hope")
    meeting(name="Online", attendance="online", approximate=True)
    page = client.get(
        URL, {"near": "Ithaca, NY", "include_online": "true", "view": "map"}
    ).content.decode()
    assert 'data-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in page
    assert '<script id="meeting-map-points" type="application/json">' in page
    assert f'"url": "/meetings/{found.slug}/"' in page
    assert page.count('"lat": ') == 1  # the approximate point of the online meeting is no pin
    assert "directory/map.js" in page
    assert '"level": "unknown"' in page
    assert "Unknown — no report yet" in page  # the legend under the map


def test_the_list_view_loads_no_map_and_offers_the_map_in_one_tap(client, monday):
    meeting(name="Tuesday Hope")
    page = client.get(URL, {"near": "14850"}).content.decode()
    assert "directory/map.js" not in page
    assert 'href="/meetings/?near=14850&amp;view=map"' in page


def test_mat_friendly_only_and_the_other_filters_narrow_the_list(client, monday, people):
    meeting(name="MARA Tuesday", fellowship="MARA")
    told = meeting(name="Told not to share")
    actions.add_mat_evidence(
        meeting=told,
        actor=people.max,
        kind=EvidenceKind.MAINTAINER,
        stance=Stance.UNWELCOMING,
        summary="People on medication are asked not to share.",
        observed_on=date(2024, 5, 1),
    )
    page = client.get(URL, {"near": "14850", "mat_friendly": "true"}).content.decode()
    assert "MARA Tuesday" in page
    assert "Told not to share" not in page
    assert "Welcoming to people on medication (confirmed)" in page
    every = client.get(URL, {"near": "14850"}).content.decode()
    assert "Reported not fully welcoming to people on medication" in every
    filtered = client.get(
        URL, {"near": "14850", "days": ["2"], "fellowship": "MARA", "q": "tuesday"}
    ).content.decode()
    assert "MARA Tuesday" in filtered
    assert "Told not to share" not in filtered


def test_a_typed_place_wins_over_coordinates_left_in_the_form(client, monday):
    meeting(name="Geneva Group", latitude=GENEVA[0], longitude=GENEVA[1])
    page = client.get(URL, {"near": "Geneva, NY", "lat": "42.44", "lng": "-76.50"}).content
    assert "Geneva Group" in page.decode()


def test_a_bad_search_answers_400_with_the_message_next_to_the_form(client):
    response = client.get(URL, {"near": "Springfield", "starts_within_hours": "-1"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There are several places called “Springfield”" in page
    assert "greater than or equal to 0" in page
    assert 'value="Springfield"' in page


def test_results_page_with_previous_and_next_links(client, monday):
    for hour in range(8, 20):
        meeting(name=f"At {hour}", day=2, start=time(hour, 0), end=time(hour, 45))
    page = client.get(URL, {"near": "14850", "limit": 5, "offset": 5}).content.decode()
    assert "Showing 6–10" in page
    assert "At 13" in page
    assert "At 12" not in page
    assert 'rel="prev"' in page
    assert "offset=0" in page
    assert 'rel="next"' in page
    assert "offset=10" in page


def test_each_result_can_be_chosen_for_one_calendar_of_the_chosen_meetings(client, monday):
    found = meeting(name="Tuesday Hope")
    page = client.get(URL, {"near": "14850"}).content.decode()
    assert '<form method="get" action="/meetings.ics" id="chosen-meetings"' in page
    assert (
        f'<input type="checkbox" name="slugs" value="{found.slug}" form="chosen-meetings">' in page
    )
    assert "/meetings.ics?near" not in page  # no calendar of a whole search


def test_the_page_reads_a_constant_number_of_queries(client, monday, django_assert_max_num_queries):
    for number in range(20):
        meeting(name=f"Meeting {number}", fellowship="MARA" if number % 2 else "AA")
    client.get(URL, {"near": "14850"})  # warm the per-process caches
    with django_assert_max_num_queries(4):  # fellowships for the form + the search's three
        response = client.get(URL, {"near": "14850"})
    assert response.content.decode().count('class="meeting-result"') == 20


def test_find_a_meeting_is_in_the_navigation_for_everyone(client, people, client_for):
    assert 'href="/meetings/">Find a meeting</a>' in client.get("/").content.decode()
    signed_in = client_for(people.cora).get("/").content.decode()
    assert 'href="/meetings/">Find a meeting</a>' in signed_in
    # A person in recovery has it as a tab of their compact navigation.
    tab_bar = client_for(people.ana).get("/").content.decode().split('class="tab-bar"')[1]
    assert 'href="/meetings/"><span class="tab-icon" aria-hidden="true">⌕</span>Meetings' in tab_bar


def test_the_content_security_policy_lets_the_map_load_its_tiles(client):
    csp = client.get(URL)["Content-Security-Policy"]
    assert "img-src 'self' data: https://tile.openstreetmap.org" in csp
    assert "script-src 'self'" in csp

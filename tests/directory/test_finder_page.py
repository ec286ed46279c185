"""The search page as a finder people know: every result's medication level (unknown
included), the thin-evidence answer with one-tap suggestions, today/tomorrow chips, a place
that can mean several, "use my location" titled by the nearest town, miles in the US."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from homegroup.directory import actions
from homegroup.directory.models import EvidenceKind, Stance
from tests.directory.search_data import GENEVA, ITHACA, meeting

pytestmark = pytest.mark.django_db

URL = "/meetings/"
MONDAY_5PM = datetime(2024, 6, 3, 17, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.fixture
def monday():
    with time_machine.travel(MONDAY_5PM, tick=False):
        yield


def test_every_result_says_its_level_unknown_included(client, monday):
    meeting(name="Nobody reported")
    page = client.get(URL, {"near": "14850"}).content.decode()
    assert "Medication: unknown — no report yet" in page
    assert 'class="mat mat-unknown"' in page


def test_the_filter_finding_nothing_answers_with_the_unknown_count_and_suggestions(
    client, monday, people
):
    meeting(name="Nobody reported")
    meeting(name="Nobody reported either")
    geneva = meeting(name="Geneva Welcome", latitude=GENEVA[0], longitude=GENEVA[1])
    actions.add_mat_evidence(
        meeting=geneva,
        actor=people.max,
        kind=EvidenceKind.PUBLISHER_STATEMENT,
        stance=Stance.WELCOMING,
        summary="Welcome.",
        observed_on=date(2024, 5, 1),
    )
    page = client.get(URL, {"near": "14850", "mat_friendly": "true"}).content.decode()
    assert "No meeting here is known yet to welcome people on medication." in page
    assert "2 more meetings nearby have no report yet" in page
    assert (
        'href="/meetings/?near=14850&amp;radius_km=100&amp;mat_friendly=true" '
        'data-kind="nearest_welcoming"'
    ) in page
    assert "1 welcoming meeting within 62 mi (100 km), the nearest" in page
    assert 'href="/meetings/?near=14850" data-kind="include_unknown"' in page
    assert "Show all 2 meetings nearby, 2 with no report yet" in page


def test_the_nearest_welcoming_suggestion_leads_to_that_meeting(client, monday, people):
    geneva = meeting(name="Geneva Welcome", latitude=GENEVA[0], longitude=GENEVA[1])
    actions.add_mat_evidence(
        meeting=geneva,
        actor=people.max,
        kind=EvidenceKind.PUBLISHER_STATEMENT,
        stance=Stance.WELCOMING,
        summary="Welcome.",
        observed_on=date(2024, 5, 1),
    )
    page = client.get(
        URL, {"near": "14850", "radius_km": "100", "mat_friendly": "true"}
    ).content.decode()
    assert "Geneva Welcome" in page
    assert "mi (" in page  # miles first in the US


def test_today_and_tomorrow_are_chips_in_the_searchers_zone(client, monday):
    meeting(name="Tuesday Hope")
    page = client.get(URL, {"near": "14850"}).content.decode()
    # Monday in Ithaca: today = 1, tomorrow = 2.
    assert 'href="/meetings/?near=14850&amp;days=1">Today' in page
    assert 'href="/meetings/?near=14850&amp;days=2">Tomorrow' in page
    chosen = client.get(URL, {"near": "14850", "days": "2"}).content.decode()
    assert 'href="/meetings/?near=14850" aria-current="true">Tomorrow' in chosen


def test_the_time_of_day_menu_filters(client, monday):
    from datetime import time

    meeting(name="Early bird", start=time(7, 0), end=time(8, 0))
    meeting(name="Night owl", start=time(22, 0), end=time(23, 0))
    page = client.get(URL, {"near": "14850", "time_of_day": "night"}).content.decode()
    assert "Night owl" in page
    assert "Early bird" not in page
    assert '<option value="night" selected>' in page


def test_a_place_that_means_several_answers_with_choices_never_a_silent_pick(client):
    response = client.get(URL, {"near": "Springfield"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Which place did you mean?" in page
    assert 'href="/meetings/?near=Springfield%2C+IL"' in page
    manhattan = client.get(URL, {"near": "Manhattan"}).content.decode()
    assert 'href="/meetings/?near=New+York%2C+NY"' in manhattan
    assert 'href="/meetings/?near=Manhattan%2C+KS"' in manhattan


def test_a_town_typed_without_its_comma_is_found(client, monday):
    meeting(name="Tuesday Hope")
    page = client.get(URL, {"near": "ithaca ny"}).content.decode()
    assert "near Ithaca, NY" in page
    assert "Tuesday Hope" in page


def test_use_my_location_is_titled_by_the_nearest_town(client, monday):
    meeting(name="Tuesday Hope")
    page = client.get(URL, {"lat": ITHACA[0], "lng": ITHACA[1]}).content.decode()
    assert "near your location (near Ithaca, NY)" in page


def test_outside_the_us_distances_are_in_kilometres(client, monday):
    meeting(name="Paris", latitude=48.86, longitude=2.35, timezone="Europe/Paris")
    page = client.get(URL, {"near": "Paris, France"}).content.decode()
    assert re.search(r"In person · \d+\.\d km</p>", page)
    assert "mi (" not in page

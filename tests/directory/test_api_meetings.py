"""GET /api/v1/meetings: the search as JSON, public, one error shape."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from homegroup.directory import actions
from homegroup.directory.models import EvidenceKind, Stance
from tests.directory.search_data import GENEVA, ITHACA, meeting

pytestmark = pytest.mark.django_db

URL = "/api/v1/meetings"
# Monday 3 June 2024, 17:00 in Ithaca.
MONDAY_5PM = datetime(2024, 6, 3, 17, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.fixture
def monday():
    with time_machine.travel(MONDAY_5PM, tick=False):
        yield


def test_anyone_can_search_without_signing_in(client, monday):
    meeting(name="Tuesday Hope")
    response = client.get(URL, {"near": "14850"})
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_a_result_has_every_documented_field(client, monday, people):
    found = meeting(
        name="Hybrid Hope",
        attendance="hybrid",
        types=("O", "W"),
        conference_url="https://zoom.us/j/123",
        start=time(23, 30),
        end=time(0, 30),
    )
    actions.add_mat_evidence(
        meeting=found,
        actor=people.max,
        kind=EvidenceKind.PUBLISHER_STATEMENT,
        stance=Stance.WELCOMING,
        summary="The group states that people on medication are welcome.",
        observed_on=date(2024, 5, 1),
    )
    body = client.get(URL, {"lat": ITHACA[0], "lng": ITHACA[1]}).json()
    assert body["count"] == 1
    (result,) = body["results"]
    assert result == {
        "slug": found.slug,
        "name": "Hybrid Hope",
        "fellowship": "AA",
        "day": 2,
        "time": "23:30",
        "end_time": "00:30",
        "timezone": "America/New_York",
        "next_start": "2024-06-04T23:30:00-04:00",
        "in_progress": False,
        "distance_km": 0.0,
        "types": ["O", "W"],
        "attendance": "hybrid",
        "location": "Community Hall",
        "address": "1 Main St, Ithaca, NY 14850, USA",
        "latitude": ITHACA[0],
        "longitude": ITHACA[1],
        "conference_url": "https://zoom.us/j/123",
        "conference_phone": "",
        "url": f"/meetings/{found.slug}/",
        "mat_friendly": {
            "level": "confirmed_welcoming",
            "label": "Welcoming to people on medication (confirmed)",
            "evidence": [
                {
                    "kind": "publisher_statement",
                    "stance": "welcoming",
                    "summary": "The group states that people on medication are welcome.",
                    "observed_at": "2024-05-01T12:00:00Z",
                }
            ],
        },
    }


def test_without_a_point_there_is_no_distance(client, monday):
    meeting(name="Anywhere")
    (result,) = client.get(URL).json()["results"]
    assert result["distance_km"] is None


def test_a_charter_fellowship_shows_its_charter_as_evidence(client, monday):
    meeting(name="MARA Tuesday", fellowship="MARA")
    (result,) = client.get(URL, {"mat_friendly": "true"}).json()["results"]
    assert result["mat_friendly"]["level"] == "confirmed_welcoming"
    (charter,) = result["mat_friendly"]["evidence"]
    assert (charter["kind"], charter["stance"], charter["observed_at"]) == (
        "charter",
        "welcoming",
        None,
    )


def test_days_and_types_are_comma_separated(client, monday):
    meeting(name="Tuesday open women", day=2, types=("O", "W"))
    meeting(name="Tuesday open", day=2, types=("O",))
    meeting(name="Friday open women", day=5, types=("O", "W"))
    body = client.get(URL, {"days": "2,3", "types": "O,W"}).json()
    assert [result["name"] for result in body["results"]] == ["Tuesday open women"]


def test_the_parameters_filter_and_page_as_documented(client, monday):
    meeting(name="Near")
    meeting(name="Far", latitude=GENEVA[0], longitude=GENEVA[1])
    meeting(name="Online", attendance="online", latitude=None, longitude=None)
    base = {"lat": ITHACA[0], "lng": ITHACA[1], "radius_km": 10}
    assert client.get(URL, base).json()["count"] == 1
    assert client.get(URL, base | {"include_online": "true"}).json()["count"] == 2
    assert client.get(URL, base | {"radius_km": 100}).json()["count"] == 2
    assert client.get(URL, {"attendance": "online"}).json()["count"] == 1
    assert client.get(URL, {"q": "FAR"}).json()["count"] == 1
    paged = client.get(URL, {"limit": 1, "offset": 1}).json()
    assert (paged["count"], len(paged["results"])) == (3, 1)


def test_starting_within_hours_includes_a_meeting_in_progress(client):
    meeting(name="Monday 16:30", day=1, start=time(16, 30), end=time(17, 30))
    meeting(name="Monday 20:00", day=1, start=time(20, 0), end=time(21, 0))
    with time_machine.travel(MONDAY_5PM, tick=False):
        body = client.get(URL, {"starts_within_hours": 2}).json()
    assert [result["name"] for result in body["results"]] == ["Monday 16:30"]
    assert body["results"][0]["in_progress"] is True
    assert body["results"][0]["next_start"] == "2024-06-03T16:30:00-04:00"


@pytest.mark.parametrize(
    ("params", "loc", "message"),
    [
        ({"lat": "42.4"}, ["query", "lng"], "lat and lng go together"),
        ({"lat": "north", "lng": "1"}, ["query", "lat"], "valid number"),
        ({"radius_km": "10000"}, ["query", "radius_km"], "less than or equal to 500"),
        ({"days": "9"}, ["query", "days"], "Days are numbers 0-6 with 0 = Sunday"),
        ({"starts_within_hours": "-1"}, ["query", "starts_within_hours"], "greater than or equal"),
        ({"near": "Nowhere Special"}, ["query", "near"], "No place called “Nowhere Special”"),
        ({"near": "Springfield"}, ["query", "near"], "add the state or the country"),
        ({"limit": "501"}, ["query", "limit"], "less than or equal to 500"),
        ({"attendance": "outdoors"}, ["query", "attendance"], "'outdoors' is not an attendance"),
        ({"mat_friendly": "perhaps"}, ["query", "mat_friendly"], "valid boolean"),
    ],
)
def test_a_bad_parameter_is_a_400_with_the_error_shape(client, params, loc, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "The request has invalid values."
    matching = [detail for detail in body["details"] if detail["loc"] == loc]
    assert matching, body
    assert message in matching[0]["message"]


def test_the_query_count_does_not_grow_with_the_results(
    client, monday, people, django_assert_max_num_queries
):
    for number in range(25):
        found = meeting(name=f"Meeting {number}", fellowship="MARA" if number % 2 else "AA")
        actions.add_mat_evidence(
            meeting=found,
            actor=people.max,
            kind=EvidenceKind.MAINTAINER,
            stance=Stance.WELCOMING,
            summary="Checked by a maintainer.",
            observed_on=date(2024, 5, 1),
        )
    client.get(URL)  # warm the per-process caches (places, zones)
    with django_assert_max_num_queries(3):
        body = client.get(URL, {"near": "14850", "limit": 500}).json()
    assert body["count"] == 25
    assert all(len(result["mat_friendly"]["evidence"]) >= 1 for result in body["results"])

"""The thin-evidence answer: a search with the medication filter that finds fewer than five
meetings says how many nearby have no report yet and offers searches that still help, on the
API (`mat_unknown_nearby`, `suggestions`) and through `directory.suggestions`."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from homegroup.directory import actions
from homegroup.directory.models import EvidenceKind, Stance
from homegroup.directory.query import MeetingQuery
from homegroup.directory.suggestions import query_params, thin_evidence
from tests.directory.search_data import GENEVA, meeting

pytestmark = pytest.mark.django_db

URL = "/api/v1/meetings"
MONDAY_5PM = datetime(2024, 6, 3, 17, 0, tzinfo=ZoneInfo("America/New_York"))
ROCHESTER = (43.1566, -77.6088)  # about 120 km from Ithaca


@pytest.fixture
def monday():
    with time_machine.travel(MONDAY_5PM, tick=False):
        yield


def welcoming(people, **values):
    found = meeting(**values)
    actions.add_mat_evidence(
        meeting=found,
        actor=people.max,
        kind=EvidenceKind.PUBLISHER_STATEMENT,
        stance=Stance.WELCOMING,
        summary="The group states that people on medication are welcome.",
        observed_on=date(2024, 5, 1),
    )
    return found


@pytest.fixture
def thin_ithaca(people):
    """Ithaca: three meetings nobody has reported on; Geneva (60 km): one welcoming meeting;
    Rochester (120 km): another; and two online MARA meetings."""
    for number in range(3):
        meeting(name=f"Ithaca {number}")
    welcoming(people, name="Geneva Welcome", latitude=GENEVA[0], longitude=GENEVA[1])
    welcoming(people, name="Rochester Welcome", latitude=ROCHESTER[0], longitude=ROCHESTER[1])
    for number in range(2):
        meeting(
            name=f"MARA online {number}",
            fellowship="MARA",
            attendance="online",
            latitude=None,
            longitude=None,
            formatted_address="",
            conference_url="https://zoom.us/j/9",
        )


def test_the_filter_finding_nothing_counts_the_unknown_meetings_and_suggests_three_searches(
    client, monday, thin_ithaca
):
    body = client.get(URL, {"near": "14850", "mat_friendly": "true"}).json()
    assert body["count"] == 0
    assert body["mat_unknown_nearby"] == 3
    kinds = [item["kind"] for item in body["suggestions"]]
    assert kinds == ["nearest_welcoming", "online_inclusive", "include_unknown"]
    nearest, online, everything = body["suggestions"]
    assert nearest["query"] == {"near": "14850", "radius_km": "100", "mat_friendly": "true"}
    assert nearest["count"] == 1  # Geneva; Rochester is further than 100 km
    assert 55 < nearest["nearest_km"] < 70
    assert "1 welcoming meeting within 62 mi (100 km)" in nearest["label"]
    assert online["query"] == {
        "fellowship": "MARA,RD,SMART",  # the fellowships whose charter welcomes medication
        "attendance": "online",
        "mat_friendly": "true",
    }
    assert online["count"] == 2
    assert everything["query"] == {"near": "14850"}
    assert everything["count"] == 3
    assert everything["label"] == "Show all 3 meetings nearby, 3 with no report yet"


def test_each_suggestions_query_gives_the_count_it_promises(client, monday, thin_ithaca):
    body = client.get(URL, {"near": "14850", "mat_friendly": "true"}).json()
    for suggestion in body["suggestions"]:
        assert client.get(URL, suggestion["query"]).json()["count"] == suggestion["count"]


def test_five_results_are_enough_and_suggest_nothing(client, monday, people):
    for number in range(5):
        welcoming(people, name=f"Welcome {number}")
    meeting(name="Unknown one")
    body = client.get(URL, {"near": "14850", "mat_friendly": "true"}).json()
    assert body["count"] == 5
    assert body["suggestions"] == []
    assert body["mat_unknown_nearby"] == 1


def test_without_the_filter_there_is_no_unknown_count_and_no_suggestion(
    client, monday, thin_ithaca
):
    body = client.get(URL, {"near": "14850"}).json()
    assert body["mat_unknown_nearby"] is None
    assert body["suggestions"] == []


def test_the_nearest_welcoming_search_widens_until_it_finds_more(monday, thin_ithaca):
    query = MeetingQuery(near="14850", radius_km=100, mat_friendly=True)
    thin = thin_evidence(query, now=MONDAY_5PM, found=1)
    nearest = next(item for item in thin.suggestions if item.kind == "nearest_welcoming")
    assert nearest.query["radius_km"] == "250"
    assert nearest.count == 2


def test_outside_the_us_distances_are_in_kilometres(monday, people):
    welcoming(people, name="Paris Welcome", latitude=48.9, longitude=2.35, timezone="Europe/Paris")
    query = MeetingQuery(lat=48.4, lng=2.35, mat_friendly=True)
    thin = thin_evidence(query, now=MONDAY_5PM, found=0)
    (nearest,) = [item for item in thin.suggestions if item.kind == "nearest_welcoming"]
    assert "within 100 km" in nearest.label
    assert " mi" not in nearest.label


def test_query_params_leave_out_defaults_and_paging():
    query = MeetingQuery(near="14850", days=[1, 2], mat_friendly=True, limit=10, offset=20)
    assert query_params(query) == {"near": "14850", "days": "1,2", "mat_friendly": "true"}


def test_the_new_fields_are_in_the_openapi_document(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    listing = schemas["MeetingList"]["properties"]
    assert {"mat_unknown_nearby", "suggestions"} <= set(listing)
    suggestion = schemas["SuggestionOut"]["properties"]
    assert set(suggestion) == {"kind", "label", "query", "count", "nearest_km"}
    assert suggestion["kind"]["enum"] == [
        "nearest_welcoming",
        "online_inclusive",
        "include_unknown",
    ]

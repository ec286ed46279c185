"""GET /api/v1/feeds/meeting-guide.json: the directory as a public Meeting Guide feed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from homegroup.directory import actions
from homegroup.directory.models import Meeting

pytestmark = pytest.mark.django_db

URL = "/api/v1/feeds/meeting-guide.json"
BALTIMORE = (39.3741, -76.7257)


def record(slug: str, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "slug": slug,
        "name": f"Meeting {slug}",
        "day": 4,
        "time": "12:00",
        "end_time": "13:00",
        "address": "101 Church Ln",
        "city": "Pikesville",
        "state": "MD",
        "latitude": BALTIMORE[0],
        "longitude": BALTIMORE[1],
        "types": ["O"],
        "regions": ["Maryland", "Baltimore County"],
    }
    values.update(overrides)
    return values


def load(source: str, *records: dict[str, Any], fellowship: str | None = None) -> None:
    actions.import_feed(
        source=actions.ensure_source(slug=source),
        files=[("f.json", json.dumps(list(records)).encode())],
        fellowship=fellowship,
    )


@pytest.fixture
def directory(db):
    load(
        "md-aa",
        record("nooners", types=["O", "MOUD"]),
        record("towson", regions=["Maryland", "Towson"], conference_url="https://zoom.us/j/1"),
        record("ocean", regions=["Ocean City"]),
    )
    load("md-na", record("clean-start", types=["O", "BT"]), fellowship="NA")


@pytest.mark.parametrize("who", [None, "ana", "max", "sam"])
def test_the_feed_is_public_and_a_plain_json_array(client_for, people, directory, who):
    response = client_for(getattr(people, who) if who else None).get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    feed = response.json()
    assert isinstance(feed, list)
    assert sorted(meeting["slug"] for meeting in feed) == [
        "clean-start",
        "nooners",
        "ocean",
        "towson",
    ]


def test_a_meeting_has_the_specs_fields_and_our_codes(client, directory):
    feed = {meeting["slug"]: meeting for meeting in client.get(URL).json()}
    nooners = feed["nooners"]
    assert nooners["types"] == ["MOUD", "O"]
    assert (nooners["day"], nooners["time"], nooners["end_time"]) == (4, "12:00", "13:00")
    assert nooners["timezone"] == "America/New_York"
    assert nooners["regions"] == ["Maryland", "Baltimore County"]
    assert (nooners["latitude"], nooners["longitude"], nooners["approximate"]) == (
        *BALTIMORE,
        "no",
    )
    assert feed["towson"]["types"] == ["O", "ONL"]
    assert feed["towson"]["attendance_option"] == "hybrid"


def test_the_feed_filters_by_fellowship_in_any_case(client, directory):
    feed = client.get(URL, {"fellowship": "na"}).json()
    assert [(meeting["slug"], meeting["types"]) for meeting in feed] == [
        ("clean-start", ["BT", "O"])
    ]


def test_the_feed_filters_by_region_with_its_sub_regions(client, directory):
    maryland = client.get(URL, {"region": "Maryland"}).json()
    assert sorted(meeting["slug"] for meeting in maryland) == ["clean-start", "nooners", "towson"]
    towson = client.get(URL, {"region": "towson"}).json()
    assert [meeting["slug"] for meeting in towson] == ["towson"]


@pytest.mark.parametrize(
    ("query", "field"), [({"fellowship": "XYZ"}, "fellowship"), ({"region": "Atlantis"}, "region")]
)
def test_an_unknown_filter_is_a_400_naming_it(client, directory, query, field):
    response = client.get(URL, query)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "The request has invalid values."
    assert body["details"][0]["loc"] == ["query", field]


def test_removed_meetings_are_not_published(client, directory):
    actions.remove_meeting(meeting=Meeting.objects.get(slug="ocean"))
    assert "ocean" not in {meeting["slug"] for meeting in client.get(URL).json()}


def test_the_feed_makes_a_constant_number_of_queries(
    client, directory, django_assert_max_num_queries
):
    # The directory's version, the fellowship check, the region tree (for the filter and for
    # the paths), the meetings.
    with django_assert_max_num_queries(5):
        small = client.get(URL, {"region": "Maryland", "fellowship": "AA"})
    load("more", *[record(f"extra-{number}", regions=[f"Region {number}"]) for number in range(30)])
    with django_assert_max_num_queries(5):
        large = client.get(URL, {"region": "Maryland", "fellowship": "AA"})
    with django_assert_max_num_queries(3):
        everything = client.get(URL)
    assert len(small.json()) == len(large.json()) == 2
    assert len(everything.json()) == 34


def test_the_feed_is_described_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"][URL]["get"]
    assert "MOUD" in operation["description"]
    assert "security" not in operation  # public: no sign-in

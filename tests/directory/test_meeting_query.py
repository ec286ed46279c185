"""directory.search.MeetingQuery: what a search may ask, and the message when it can't."""

import pytest
from django.http import QueryDict
from pydantic import ValidationError

from homegroup.directory.search import MeetingQuery, errors_by_field, parse_query


def errors(**values):
    with pytest.raises(ValidationError) as caught:
        MeetingQuery(**values)
    return errors_by_field(caught.value)


def test_the_defaults_search_25_km_50_at_a_time():
    query = MeetingQuery()
    assert (query.radius_km, query.limit, query.offset) == (25, 50, 0)
    assert query.point is None
    assert not query.has_criteria


def test_lists_are_read_comma_separated_or_repeated():
    query = parse_query(QueryDict("days=1,2&days=5&types=O,W&fellowship=aa,na&attendance=online"))
    assert query.days == [1, 2, 5]
    assert query.types == ["O", "W"]
    assert query.fellowship == ["AA", "NA"]
    assert query.attendance == ["online"]


def test_empty_form_fields_mean_not_given():
    query = parse_query(
        QueryDict("near=&lat=&lng=&radius_km=&starts_within_hours=&q=&limit=&include_online=")
    )
    assert query == MeetingQuery()


def test_a_near_place_gives_the_point():
    point = MeetingQuery(near="14850").point
    assert point.label == "14850 (Ithaca, NY)"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"lat": 42}, "lng", "lat and lng go together"),
        ({"lng": -76}, "lng", "lat and lng go together"),
        ({"lat": 91, "lng": 0}, "lat", "less than or equal to 90"),
        ({"lat": 42, "lng": -76, "near": "14850"}, "near", "either near or lat and lng"),
        ({"near": "Springfield"}, "near", "several places called “Springfield”"),
        ({"radius_km": 10000}, "radius_km", "less than or equal to 500"),
        ({"radius_km": 0}, "radius_km", "greater than 0"),
        ({"days": "9"}, "days", "Days are numbers 0-6 with 0 = Sunday, not '9'."),
        ({"days": "monday"}, "days", "Days are numbers 0-6"),
        ({"starts_within_hours": -1}, "starts_within_hours", "greater than or equal to 0"),
        ({"starts_within_hours": 169}, "starts_within_hours", "less than or equal to 168"),
        ({"types": "O,<b>"}, "types", "'<b>' is not a code"),
        ({"attendance": "outdoors"}, "attendance", "not an attendance mode: in_person, hybrid"),
        ({"limit": 501}, "limit", "less than or equal to 500"),
        ({"limit": 0}, "limit", "greater than or equal to 1"),
        ({"offset": -1}, "offset", "greater than or equal to 0"),
        ({"q": "x" * 121}, "q", "at most 120 characters"),
    ],
)
def test_each_bad_value_is_refused_with_a_message_on_its_field(values, field, message):
    found = errors(**values)
    assert field in found, found
    assert any(message in text for text in found[field]), found[field]


def test_the_api_refuses_an_empty_boolean_that_a_form_may_send(client):
    # The page reads an empty checkbox as not given (parse_query); the API's document says
    # boolean, and the API keeps to it.
    response = client.get("/api/v1/meetings", {"mat_friendly": ""})
    assert response.status_code == 400
    assert response.json()["details"][0]["loc"][-1] == "mat_friendly"


def test_mat_level_and_time_of_day_name_their_allowed_values():
    with pytest.raises(ValidationError) as error:
        MeetingQuery(mat_level=["great"])
    assert "'great' is not one of: confirmed_welcoming" in str(error.value)
    with pytest.raises(ValidationError) as error:
        MeetingQuery(time_of_day="dawn")
    assert "'dawn' is not one of: morning, midday, evening, night" in str(error.value)

"""The maintainer's list of meetings: by name, by source, listed or removed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from homegroup.directory import actions
from tests.directory.maintain_data import REQUEST_QUERIES, import_records, listed_meeting, mg_record

pytestmark = pytest.mark.django_db

MEETINGS = reverse("maintain:meetings")
LIST_QUERIES = REQUEST_QUERIES + 3  # the source names, the count, the page


def names(response):
    return [meeting.name for meeting in response.context["page"]]


def test_the_list_finds_meetings_by_name_and_source(people, client_for):
    listed_meeting(people.max, name="Hope at Noon")
    import_records("nyc", [mg_record("a", name="Serenity Now"), mg_record("b", name="Hope Floats")])
    client = client_for(people.max)
    assert names(client.get(MEETINGS)) == ["Hope at Noon", "Hope Floats", "Serenity Now"]
    assert names(client.get(MEETINGS, {"q": "hope"})) == ["Hope at Noon", "Hope Floats"]
    assert names(client.get(MEETINGS, {"q": "hope", "source": "nyc"})) == ["Hope Floats"]


def test_removed_meetings_are_listed_apart(people, client_for):
    gone = listed_meeting(people.max, name="Gone")
    listed_meeting(people.max, name="Here")
    actions.remove_meeting_by_maintainer(meeting=gone, actor=people.max)
    client = client_for(people.max)
    assert names(client.get(MEETINGS)) == ["Here"]
    assert names(client.get(MEETINGS, {"state": "removed"})) == ["Gone"]


def test_an_unknown_source_in_the_filter_answers_400(people, client_for):
    assert client_for(people.max).get(MEETINGS, {"source": "nowhere"}).status_code == 400


def count_queries(client):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(MEETINGS).status_code == 200
    return len(captured)


def test_the_list_costs_the_same_queries_for_few_or_many_meetings(
    people, client_for, django_assert_max_num_queries
):
    client = client_for(people.max)
    listed_meeting(people.max)
    few = count_queries(client)
    for n in range(4):
        import_records(f"source-{n}", [mg_record(f"m{n}-{k}") for k in range(30)])
    assert count_queries(client) == few
    with django_assert_max_num_queries(LIST_QUERIES):
        client.get(MEETINGS)

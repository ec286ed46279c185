"""A meeting's history: who (a maintainer by name, or an import run) changed what, old → new."""

from dataclasses import replace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from homegroup.accounts import actions as account_actions
from homegroup.accounts.models import Role
from homegroup.directory import actions
from homegroup.directory.models import Meeting, canonical_from_meeting
from tests.directory.maintain_data import (
    REQUEST_QUERIES,
    edit_data,
    import_records,
    listed_meeting,
    mg_record,
)

pytestmark = pytest.mark.django_db

HISTORY_QUERIES = REQUEST_QUERIES + 4  # the meeting, the count, the page, the names


def history_url(meeting):
    return reverse("maintain:meeting-history", args=[meeting.slug])


def test_the_history_shows_who_changed_the_time_from_what_to_what(people, client_for):
    meeting = listed_meeting(people.max)
    client = client_for(people.max)
    client.post(
        reverse("maintain:meeting-edit", args=[meeting.slug]),
        edit_data(meeting, start_time="19:30"),
    )
    response = client.get(history_url(meeting))
    assert response.status_code == 200
    newest, oldest = response.context["rows"]
    assert newest["actor_name"] == "Max"
    assert newest["change"].change == "updated"
    assert newest["fields"] == [{"label": "start time", "old": "19:00:00", "new": "19:30:00"}]
    assert oldest["change"].change == "created"
    html = response.content.decode()
    assert "by\n      Max" in html
    assert "<td>19:00:00</td><td>19:30:00</td>" in html


def test_changes_an_import_made_name_the_import_run(people, client_for):
    import_records("nyc", [mg_record("a")])
    run = import_records("nyc", [mg_record("a", name="Renamed at the source")])
    meeting = Meeting.objects.get()
    response = client_for(people.max).get(history_url(meeting))
    newest = response.context["rows"][0]
    assert newest["actor_name"] is None
    assert newest["change"].import_run_id == run.pk
    assert {"label": "name", "old": "Meeting a", "new": "Renamed at the source"} in newest["fields"]
    html = response.content.decode()
    assert f"import run {run.pk}" in html
    assert reverse("maintain:run", args=[run.pk]) in html


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_history_costs_the_same_queries_however_long_it_is(
    people, client_for, django_assert_max_num_queries
):
    meeting = listed_meeting(people.max)
    client = client_for(people.max)
    few = count_queries(client, history_url(meeting))
    editors = [people.max] + [
        account_actions.create_account(
            email=f"m{n}@people.test",
            display_name=f"M{n}",
            password="a long editor password 1",
            roles={Role.DIRECTORY_MAINTAINER},
        )
        for n in range(4)
    ]
    for n in range(30):
        meeting.refresh_from_db()
        actions.update_meeting_by_maintainer(
            meeting=meeting,
            canonical=replace(canonical_from_meeting(meeting), name=f"Name {n}"),
            actor=editors[n % len(editors)],
        )
    assert count_queries(client, history_url(meeting)) == few
    with django_assert_max_num_queries(HISTORY_QUERIES):
        client.get(history_url(meeting))

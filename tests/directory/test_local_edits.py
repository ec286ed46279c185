"""Local edits survive imports: Max's hand edit of an imported meeting (the pin moved, the
address fixed) is kept field by field until the feed itself changes that field; then the feed
wins and the run's diff shows the conflict."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.urls import reverse

from homegroup.directory.importers.canonical import CanonicalMeeting
from homegroup.directory.local_edits import apply_edits, edits_after
from homegroup.directory.models import Meeting, MeetingChange
from tests.directory.maintain_data import edit_data, import_records, mg_record

pytestmark = pytest.mark.django_db

FEED = [mg_record("hope", address="1 Park Ave"), mg_record("faith")]
PIN = ("40.7601", "-73.9700")  # where the door really is


def feed_meeting(**overrides) -> CanonicalMeeting:
    values = {
        "source_id": "hope",
        "slug": "hope",
        "name": "Hope",
        "day": 3,
        "start": time(18, 30),
        "end": time(19, 30),
        "duration": timedelta(hours=1),
        "fellowship": "AA",
        "attendance": "in_person",
        "attendance_reason": "street address, no online details",
        "address": "1 Park Ave",
        "latitude": 40.75,
        "longitude": -73.97,
    }
    values.update(overrides)
    return CanonicalMeeting(**values)


def test_an_edit_is_kept_while_the_feed_says_what_it_said_and_dropped_when_it_changes():
    before = feed_meeting()
    edits = edits_after(before=before, after=feed_meeting(latitude=40.76), previous={})
    assert edits == {"latitude": {"feed": 40.75, "local": 40.76}}
    kept = apply_edits(feed_meeting(name="Hope Group"), edits)
    assert (kept.meeting.latitude, kept.meeting.name, kept.kept, kept.conflicts) == (
        40.76,
        "Hope Group",
        ("latitude",),
        {},
    )
    moved = apply_edits(feed_meeting(latitude=40.77), edits)
    assert (moved.meeting.latitude, moved.edits) == (40.77, {})
    assert moved.conflicts == {"latitude": {"local": 40.76, "feed": 40.77}}


def test_setting_a_field_back_to_the_feeds_value_ends_the_edit():
    edits = {"latitude": {"feed": 40.75, "local": 40.76}}
    after = edits_after(
        before=feed_meeting(latitude=40.76), after=feed_meeting(latitude=40.75), previous=edits
    )
    assert after == {}


def edit(client, meeting, **changes):
    response = client.post(
        reverse("maintain:meeting-edit", args=[meeting.slug]), edit_data(meeting, **changes)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting.refresh_from_db()
    return meeting


def test_a_moved_pin_survives_a_re_import_of_the_same_feed(people, client_for):
    import_records("metro", FEED)
    hope = Meeting.objects.get(slug="hope")
    hope = edit(client_for(people.max), hope, latitude=PIN[0], longitude=PIN[1])
    assert set(hope.local_edits) == {"latitude", "longitude"}
    run = import_records("metro", FEED)
    hope.refresh_from_db()
    assert (run.updated, run.unchanged) == (0, 2)
    assert (hope.latitude, hope.longitude) == (40.7601, -73.97)


def test_a_feed_change_elsewhere_keeps_the_edit_and_says_so(people, client_for):
    import_records("metro", FEED)
    hope = edit(client_for(people.max), Meeting.objects.get(slug="hope"), latitude=PIN[0])
    run = import_records("metro", [mg_record("hope", name="Hope Group"), FEED[1]])
    hope.refresh_from_db()
    assert (hope.name, hope.latitude) == ("Hope Group", 40.7601)
    assert run.diff["updated"] == {"hope": ["name"]}
    assert run.diff["local_edits_kept"] == {"hope": ["latitude"]}
    assert run.diff["conflicts"] == {}
    # The next import of that same feed writes nothing at all.
    again = import_records("metro", [mg_record("hope", name="Hope Group"), FEED[1]])
    assert (again.updated, again.unchanged) == (0, 2)


def test_when_the_feed_changes_an_edited_field_the_feed_wins_and_the_run_shows_it(
    people, client_for
):
    import_records("metro", FEED)
    client = client_for(people.max)
    hope = edit(client, Meeting.objects.get(slug="hope"), address="3 Park Ave", latitude=PIN[0])
    run = import_records("metro", [mg_record("hope", address="5 Park Ave"), FEED[1]])
    hope.refresh_from_db()
    assert (hope.address, hope.latitude) == ("5 Park Ave", 40.7601)
    assert run.diff["conflicts"] == {
        "hope": {
            "address": {"local": "3 Park Ave", "feed": "5 Park Ave"},
            "formatted_address": {
                "local": "3 Park Ave, New York, NY 10016, US",
                "feed": "5 Park Ave, New York, NY 10016, US",
            },
        }
    }
    assert set(hope.local_edits) == {"latitude"}
    change = MeetingChange.objects.filter(meeting=hope, import_run=run).get()
    assert change.fields["address"] == ["3 Park Ave", "5 Park Ave"]
    page = client.get(reverse("maintain:run", args=[run.pk])).content.decode()
    assert "Local edits the feed replaced" in page
    assert "<td>3 Park Ave</td><td>5 Park Ave</td>" in page


def test_the_edit_page_lists_the_local_edits_with_the_feeds_value(people, client_for):
    import_records("metro", FEED)
    client = client_for(people.max)
    edit(client, Meeting.objects.get(slug="hope"), name="Hope (Tuesday room)")
    page = client.get(reverse("maintain:meeting-edit", args=["hope"])).content.decode()
    assert "Edited here, kept over the feed" in page
    assert "<td>Hope (Tuesday room)</td><td>Meeting hope</td>" in page
    listed = client.get(reverse("maintain:meetings"), {"state": "edited"}).context["page"]
    assert [meeting.slug for meeting in listed] == ["hope"]


def test_a_meeting_listed_by_hand_has_no_feed_to_keep_edits_from(people, client_for):
    from tests.directory.maintain_data import listed_meeting

    meeting = listed_meeting(people.max)
    meeting = edit(client_for(people.max), meeting, name="Renamed")
    assert (meeting.name, meeting.local_edits) == ("Renamed", {})

"""Creating and editing a meeting by hand: the pin, the time zone, bad input, the geocoder seam."""

from datetime import time

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from homegroup.audit.models import AuditEvent
from homegroup.directory import actions
from homegroup.directory.models import Meeting, MeetingChange, TimezoneOrigin
from tests.directory.maintain_data import (
    MANHATTAN,
    REQUEST_QUERIES,
    canonical,
    edit_data,
    form_data,
    import_records,
    listed_meeting,
    mg_record,
)

pytestmark = pytest.mark.django_db

CREATE = reverse("maintain:meeting-create")
CREATE_QUERIES = REQUEST_QUERIES + 1  # the fellowship codes
EDIT_QUERIES = REQUEST_QUERIES + 2  # the meeting with its region path, the fellowship codes


def edit_url(meeting):
    return reverse("maintain:meeting-edit", args=[meeting.slug])


def field_block(html, field):
    """The HTML from a field's input to the next field or the end of its fieldset."""
    block = html[html.index(f'id="id_{field}"') :]
    return block.split('class="field')[0].split("</fieldset>")[0]


def snapshot():
    return (
        [model_to_dict(meeting) for meeting in Meeting.objects.order_by("pk")],
        MeetingChange.objects.count(),
        AuditEvent.objects.count(),
    )


def test_max_lists_a_meeting_by_placing_its_pin(people, client_for):
    response = client_for(people.max).post(CREATE, form_data())
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == edit_url(meeting)
    assert meeting.source.slug == "local"
    assert (meeting.name, meeting.day, meeting.start_time) == ("Lunch Bunch", 3, time(12, 0))
    assert (meeting.latitude, meeting.longitude) == MANHATTAN
    assert (meeting.timezone, meeting.timezone_origin) == (
        "America/New_York",
        TimezoneOrigin.COORDINATES,
    )
    assert meeting.types == ["D", "O"]
    assert meeting.attendance == "in_person"
    assert meeting.formatted_address == "1 Park Ave, New York, NY 10016, US"
    created = MeetingChange.objects.get(meeting=meeting)
    assert (created.change, created.actor_id) == ("created", people.max.pk)
    assert AuditEvent.objects.filter(
        action="directory.meeting_created", actor_id=people.max.pk, object_id=str(meeting.pk)
    ).exists()


def test_a_time_zone_the_maintainer_chooses_is_manual(people, client_for):
    client_for(people.max).post(CREATE, form_data(timezone="America/Chicago"))
    meeting = Meeting.objects.get()
    assert (meeting.timezone, meeting.timezone_origin) == ("America/Chicago", "manual")


def test_an_online_meeting_needs_no_pin_when_its_time_zone_is_given(people, client_for):
    data = form_data(
        address="",
        city="",
        state="",
        postal_code="",
        country="",
        latitude="",
        longitude="",
        conference_url="https://zoom.us/j/123",
        timezone="America/Denver",
    )
    response = client_for(people.max).post(CREATE, data)
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert (meeting.attendance, meeting.latitude) == ("online", None)


def test_without_a_pin_or_a_time_zone_the_form_asks_for_one(people, client_for):
    response = client_for(people.max).post(CREATE, form_data(latitude="", longitude=""))
    assert response.status_code == 400
    assert "place the pin" in " ".join(response.context["form"].errors["timezone"])
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("start_time", "25:99", "Enter a valid time."),
        ("latitude", "200", "less than or equal to 90"),
        ("longitude", "-181", "greater than or equal to -180"),
        ("timezone", "Mars/Base", "Mars/Base is not a time zone name"),
        ("name", "x" * 100_000, "at most 300 characters"),
        ("notes", "y" * 100_000, "at most 5000 characters"),
        ("conference_url", "javascript:alert(1)", "Enter a valid URL."),
        ("conference_phone", "call me maybe", "Use digits"),
        ("day", "7", "Select a valid choice."),
        ("fellowship", "A A", "short code"),
    ],
)
def test_bad_input_answers_400_beside_the_field_and_changes_nothing(
    people, client_for, field, value, message
):
    meeting = listed_meeting(people.max)
    client = client_for(people.max)
    before = snapshot()
    edited = client.post(edit_url(meeting), edit_data(meeting, **{field: value}))
    created = client.post(CREATE, form_data(**{field: value}))
    for response in (edited, created):
        assert response.status_code == 400
        errors = response.context["form"].errors
        assert list(errors) == [field]
        assert message in " ".join(errors[field])
        # Beside the field: inside its own .field block, announced as an alert.
        assert 'role="alert"' in field_block(response.content.decode(), field)
    assert snapshot() == before


def test_half_a_pin_is_refused(people, client_for):
    response = client_for(people.max).post(CREATE, form_data(longitude=""))
    assert response.status_code == 400
    assert response.context["form"].errors["longitude"] == ["Give both coordinates, or neither."]


def test_editing_the_time_records_who_changed_what(people, client_for):
    meeting = listed_meeting(people.max)
    response = client_for(people.max).post(
        edit_url(meeting), edit_data(meeting, start_time="19:30")
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.start_time == time(19, 30)
    change = MeetingChange.objects.filter(meeting=meeting).first()
    assert (change.change, change.actor_id) == ("updated", people.max.pk)
    assert change.fields == {"start_time": ["19:00:00", "19:30:00"]}
    assert AuditEvent.objects.filter(
        action="directory.meeting_updated", actor_id=people.max.pk, object_id=str(meeting.pk)
    ).exists()


def test_editing_the_time_zone_makes_it_manual(people, client_for):
    meeting = listed_meeting(people.max)
    assert meeting.timezone_origin == "coordinates"
    client_for(people.max).post(edit_url(meeting), edit_data(meeting, timezone="America/Chicago"))
    meeting.refresh_from_db()
    assert (meeting.timezone, meeting.timezone_origin) == ("America/Chicago", "manual")


def test_an_unchanged_time_zone_keeps_how_it_was_decided(people, client_for):
    meeting = listed_meeting(people.max)
    client_for(people.max).post(edit_url(meeting), edit_data(meeting, name="Hope at Noon"))
    meeting.refresh_from_db()
    assert (meeting.name, meeting.timezone_origin) == ("Hope at Noon", "coordinates")


def test_saving_the_form_unchanged_writes_nothing(people, client_for):
    meeting = listed_meeting(people.max)
    client = client_for(people.max)
    before = snapshot()
    response = client.post(edit_url(meeting), edit_data(meeting))
    assert response.status_code == 302
    assert snapshot() == before


def test_an_edit_keeps_what_the_form_does_not_show(people, client_for):
    import_records(
        "nyc",
        [
            mg_record(
                "a", venmo="@hope", regions=["New York", "Manhattan"], group_notes="Since 1971"
            )
        ],
    )
    meeting = Meeting.objects.get()
    client_for(people.max).post(edit_url(meeting), edit_data(meeting, name="Renamed"))
    meeting.refresh_from_db()
    assert meeting.name == "Renamed"
    assert (meeting.venmo, meeting.region.name, meeting.region.parent.name) == (
        "@hope",
        "Manhattan",
        "New York",
    )
    assert meeting.group_notes == "Since 1971"
    assert meeting.source.slug == "nyc"


def test_a_new_day_moves_the_meeting_itself_within_its_source(people, client_for):
    import_records("nyc", [mg_record("a", day=3)])
    meeting = Meeting.objects.get()
    client_for(people.max).post(edit_url(meeting), edit_data(meeting, day="4"))
    moved = Meeting.objects.get()
    assert (moved.pk, moved.day, moved.source_key) == (meeting.pk, 4, "a:4")


def test_a_new_day_already_taken_in_the_source_is_refused(people, client_for):
    # A source whose ids are not per day (BMLT's are): one id, two days, two meetings.
    source = actions.ensure_source(slug="bmlt")
    for day in (3, 4):
        actions.save_meeting(source=source, canonical=canonical(source_id="77", slug="a", day=day))
    wednesday = Meeting.objects.get(day=3)
    client = client_for(people.max)
    before = snapshot()
    response = client.post(edit_url(wednesday), edit_data(wednesday, day="4"))
    assert response.status_code == 400
    assert "already lists this meeting on that day" in str(response.context["form"].errors["day"])
    assert snapshot() == before


def test_unknown_type_codes_are_kept_and_the_maintainer_is_told(people, client_for):
    response = client_for(people.max).post(CREATE, form_data(types="O, open, ZZZ"), follow=True)
    meeting = Meeting.objects.get()
    assert (meeting.types, meeting.unknown_codes) == (["O"], ["ZZZ"])
    assert "Kept type codes the AA list does not know: ZZZ." in response.content.decode()


def test_the_geocoder_places_the_pin_when_none_was_given(people, client_for, settings):
    settings.HOMEGROUP_GEOCODER = "tests.directory.maintain_data.FixedGeocoder"
    response = client_for(people.max).post(
        CREATE, form_data(latitude="", longitude=""), follow=True
    )
    meeting = Meeting.objects.get()
    assert (meeting.latitude, meeting.longitude) == MANHATTAN
    assert meeting.timezone == "America/New_York"
    assert "The pin was placed from the address: check it on the map." in (
        response.content.decode()
    )


def test_a_geocoder_that_fails_never_blocks_the_save(people, client_for, settings):
    settings.HOMEGROUP_GEOCODER = "tests.directory.maintain_data.BrokenGeocoder"
    response = client_for(people.max).post(
        CREATE, form_data(latitude="", longitude="", timezone="America/New_York"), follow=True
    )
    meeting = Meeting.objects.get()
    assert meeting.latitude is None
    assert "place it on the map" in response.content.decode()


def test_a_removed_meeting_is_restored_before_it_is_edited(people, client_for):
    meeting = listed_meeting(people.max)
    actions.remove_meeting_by_maintainer(meeting=meeting, actor=people.max)
    client = client_for(people.max)
    before = snapshot()
    page = client.get(edit_url(meeting)).content.decode()
    assert "List this meeting again" in page
    assert 'name="start_time"' not in page
    response = client.post(edit_url(meeting), edit_data(meeting, name="Sneaky"))
    assert response.status_code == 400
    assert snapshot() == before


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_form_pages_cost_the_same_queries_however_big_the_directory(
    people, client_for, django_assert_max_num_queries
):
    client = client_for(people.max)
    first = listed_meeting(people.max)
    few = (count_queries(client, CREATE), count_queries(client, edit_url(first)))
    import_records(
        "nyc", [mg_record(f"m{n}", name=f"M {n}", regions=["NY", f"R{n}"]) for n in range(40)]
    )
    for code in ("NA", "CA", "SMART"):
        listed_meeting(people.max, fellowship=code, name=f"{code} meeting")
    imported = Meeting.objects.filter(source__slug="nyc").first()
    assert (count_queries(client, CREATE), count_queries(client, edit_url(first))) == few
    assert count_queries(client, edit_url(imported)) == few[1]
    with django_assert_max_num_queries(CREATE_QUERIES):
        client.get(CREATE)
    with django_assert_max_num_queries(EDIT_QUERIES):
        client.get(edit_url(imported))

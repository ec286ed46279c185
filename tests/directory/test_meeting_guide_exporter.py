"""directory.exporters.meeting_guide: stored rows → Meeting Guide records, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from homegroup.directory.exporters.meeting_guide import (
    ROW_FIELDS,
    export_meeting,
    export_meetings,
    feed_types,
)


def row(**overrides):
    values = dict.fromkeys(ROW_FIELDS, "")
    values.update(
        slug="tuesday-hope",
        name="Tuesday Hope",
        fellowship__code="AA",
        day=2,
        start_time=time(19, 30),
        end_time=time(20, 30),
        timezone="America/New_York",
        latitude=None,
        longitude=None,
        approximate=False,
        attendance="in_person",
        type_codes=",C,D,",
        region_id=None,
        contacts=[],
        source_updated=None,
        last_changed_at=datetime(2026, 3, 1, 17, 5, 9, tzinfo=UTC),
        mat_level="unknown",
    )
    values.update(overrides)
    return values


def test_the_record_has_what_a_consumer_needs_to_list_a_meeting():
    record = export_meeting(row(formatted_address="1 Park Ave, New York, NY 10016, US"))
    assert record == {
        "slug": "tuesday-hope",
        "name": "Tuesday Hope",
        "day": 2,
        "time": "19:30",
        "end_time": "20:30",
        "timezone": "America/New_York",
        "types": ["C", "D"],
        "attendance_option": "in_person",
        "fellowship": "AA",
        "formatted_address": "1 Park Ave, New York, NY 10016, US",
        "approximate": "no",
        "updated": "2026-03-01 17:05:09",
    }


def test_times_are_hours_and_minutes_and_a_meeting_may_cross_midnight():
    record = export_meeting(row(start_time=time(23, 59, 30), end_time=time(1, 29)))
    assert (record["time"], record["end_time"]) == ("23:59", "01:29")


@pytest.mark.parametrize(
    ("attendance", "added", "option"),
    [
        ("in_person", [], "in_person"),
        ("hybrid", ["ONL"], "hybrid"),
        ("online", ["ONL"], "online"),
        ("temporarily_closed", ["TC"], "inactive"),
        ("inactive", [], "inactive"),
    ],
)
def test_attendance_becomes_tsml_codes_and_attendance_option(attendance, added, option):
    record = export_meeting(row(attendance=attendance))
    assert record["types"] == sorted(["C", "D", *added])
    assert record["attendance_option"] == option


def test_moud_is_published_on_confirmed_welcoming_meetings_only():
    assert feed_types(
        type_codes=",O,", attendance="in_person", mat_level="confirmed_welcoming"
    ) == [
        "MOUD",
        "O",
    ]
    for level in ("reported_welcoming", "unknown", "reported_unwelcoming"):
        # A source's own MOUD is evidence; the feed says only what the evidence supports.
        assert feed_types(type_codes=",MOUD,O,", attendance="in_person", mat_level=level) == ["O"]


def test_only_public_contacts_are_published():
    record = export_meeting(
        row(
            contacts=[
                {"name": "Private Person", "email": "p@example.org", "phone": "", "public": False},
                {"name": "Group Secretary", "email": "gs@example.org", "phone": "", "public": True},
            ]
        )
    )
    assert record["contact_1_name"] == "Group Secretary"
    assert record["contact_1_email"] == "gs@example.org"
    assert "Private Person" not in str(record)
    assert "contact_1_phone" not in record
    assert "contact_2_name" not in record


def test_the_sources_updated_time_wins_and_is_written_in_utc():
    source_time = datetime(2021, 11, 18, 17, 13, 29, tzinfo=UTC)
    assert export_meeting(row(source_updated=source_time))["updated"] == "2021-11-18 17:13:29"


def test_coordinates_regions_and_online_details_are_copied():
    record = export_meeting(
        row(
            latitude=39.37,
            longitude=-76.72,
            approximate=True,
            conference_url="https://zoom.us/j/1",
            conference_phone="+13017158592,,1#",
            attendance="online",
        ),
        regions=("Maryland", "Baltimore County"),
    )
    assert (record["latitude"], record["longitude"], record["approximate"]) == (
        39.37,
        -76.72,
        "yes",
    )
    assert record["regions"] == ["Maryland", "Baltimore County"]
    assert record["conference_url"] == "https://zoom.us/j/1"
    assert record["conference_phone"] == "+13017158592,,1#"


def test_empty_optional_fields_are_left_out():
    record = export_meeting(row())
    assert not {"notes", "location", "conference_url", "regions", "latitude", "group"} & set(record)


def test_rows_take_their_regions_from_the_path_table():
    records = export_meetings([row(region_id=7), row(slug="other")], region_paths={7: ("A", "B")})
    assert [record.get("regions") for record in records] == [["A", "B"], None]

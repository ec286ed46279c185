"""BMLT semantic API responses: strings everywhere, 1 = Sunday, formats through world ids."""

import json
from datetime import time, timedelta

import pytest

from homegroup.directory.importers import FeedError, ImportOptions, bmlt

FORMATS = [
    {"key_string": "O", "lang": "en", "id": "17", "world_id": "OPEN", "format_type_enum": "O"},
    {"key_string": "C", "lang": "en", "id": "4", "world_id": "CLOSED", "format_type_enum": "O"},
    {"key_string": "So", "lang": "en", "id": "26", "world_id": "SPK", "format_type_enum": "FC1"},
    {"key_string": "SO", "lang": "en", "id": "60", "world_id": "", "format_type_enum": "FC1"},
    {"key_string": "St", "lang": "en", "id": "27", "world_id": "STEP", "format_type_enum": "FC1"},
    {"key_string": "VM", "lang": "en", "id": "54", "world_id": "VM", "format_type_enum": "FC2"},
    {"key_string": "TC", "lang": "en", "id": "55", "world_id": "TC", "format_type_enum": "FC2"},
    {"key_string": "WC", "lang": "en", "id": "33", "world_id": "WCHR", "format_type_enum": "FC2"},
    {"key_string": "ES", "lang": "en", "id": "9", "world_id": "LANG", "format_type_enum": "LANG"},
    {"key_string": "ES", "lang": "es", "id": "9", "world_id": "", "format_type_enum": "LANG"},
    {"key_string": "Ab", "lang": "fr", "id": "70", "world_id": "", "format_type_enum": "FC1"},
    {"key_string": "Pi", "lang": "en", "id": "18", "world_id": "", "format_type_enum": "FC1"},
]
TABLE = bmlt.FormatTable(FORMATS)


def meeting(**fields):
    record = {
        "id_bigint": "2476",
        "worldid_mixed": "G00076384 ",
        "service_body_bigint": "1011",
        "service_body_name": "Open Arms Area Service",
        "weekday_tinyint": "3",
        "venue_type": "",
        "start_time": "18:00:00",
        "duration_time": "01:30:00",
        "time_zone": "",
        "formats": "O,St",
        "format_shared_id_list": "17,27",
        "longitude": "-74.0290723",
        "latitude": "41.502083",
        "published": "1",
        "meeting_name": "Some Are Sicker Than Others",
        "location_text": "Grace Methodist Church",
        "location_info": "",
        "location_street": "265 Van Ness Street",
        "location_municipality": "Newburgh",
        "location_province": "NY",
        "location_postal_code_1": "12550",
        "location_nation": "USA",
        "comments": "",
    }
    record.update(fields)
    return record


def load(*records, formats=TABLE, service_bodies=None, **options):
    return bmlt.load(
        json.dumps(list(records)).encode(),
        options=ImportOptions(**options),
        formats=formats,
        service_bodies=service_bodies,
    )


def only(result):
    assert len(result.meetings) == 1, result.problems
    return result.meetings[0]


def test_a_bmlt_meeting_becomes_a_canonical_na_meeting():
    m = only(load(meeting()))
    assert (m.source_id, m.slug, m.name, m.fellowship) == (
        "2476",
        "2476",
        "Some Are Sicker Than Others",
        "NA",
    )
    assert (m.day, m.start, m.end, m.duration) == (2, time(18), time(19, 30), timedelta(hours=1.5))
    assert m.types == ("O", "STEP")
    assert m.formatted_address == "265 Van Ness Street, Newburgh, NY 12550, USA"
    assert (m.latitude, m.longitude) == (41.502083, -74.0290723)
    assert m.group_code == "G00076384"
    assert m.regions == ("Open Arms Area Service",)
    assert m.attendance == "in_person"


@pytest.mark.parametrize(("weekday", "day"), [("1", 0), ("7", 6)])
def test_weekday_one_is_sunday(weekday, day):
    assert only(load(meeting(weekday_tinyint=weekday))).day == day


def test_an_empty_duration_is_the_server_default_of_ninety_minutes():
    assert only(load(meeting(duration_time=""))).duration == timedelta(minutes=90)


def test_a_source_can_set_its_servers_default_duration():
    m = only(load(meeting(duration_time=""), default_duration=timedelta(hours=1)))
    assert m.end == time(19, 0)


def test_a_duration_past_midnight_crosses_it():
    m = only(load(meeting(start_time="23:59:00", duration_time="01:30:00")))
    assert m.end == time(1, 29)
    assert m.crosses_midnight


def test_unpublished_meetings_are_skipped_with_the_reason():
    result = load(meeting(), meeting(id_bigint="1032", published="0"))
    assert [m.source_id for m in result.meetings] == ["2476"]
    (problem,) = result.skipped
    assert (problem.position, problem.slug, problem.reason, problem.severity) == (
        "record 2",
        "1032",
        "unpublished",
        "warning",
    )


@pytest.mark.parametrize(
    ("venue_type", "attendance"), [("1", "in_person"), ("2", "online"), ("3", "hybrid")]
)
def test_venue_type_states_the_attendance(venue_type, attendance):
    m = only(load(meeting(venue_type=venue_type)))
    assert m.attendance == attendance
    assert m.attendance_reason == f"source venue_type '{venue_type}'"


def test_virtual_with_tc_is_temporarily_virtual():
    m = only(
        load(
            meeting(
                venue_type="3",
                formats="O,TC",
                format_shared_id_list="17,55",
                virtual_meeting_link="https://zoom.us/j/1",
            )
        )
    )
    assert m.attendance == "online"


def test_online_details_are_read():
    m = only(
        load(
            meeting(
                virtual_meeting_link="https://zoom.us/j/123",
                virtual_meeting_additional_info="Password: ask",
                phone_meeting_number="+1 646 876 9923,,123#",
            )
        )
    )
    assert (m.conference_url, m.conference_url_notes, m.conference_phone) == (
        "https://zoom.us/j/123",
        "Password: ask",
        "+16468769923,,123#",
    )
    assert m.attendance == "hybrid"


def test_formats_map_through_world_ids_to_na_codes():
    m = only(load(meeting(formats="C,VM,WC", format_shared_id_list="4,54,33")))
    assert m.types == ("C", "ONL", "X")


def test_format_keys_are_case_sensitive():
    m = only(load(meeting(formats="So,SO", format_shared_id_list="")))
    assert m.types == ("SPK",)
    assert m.unknown_codes == ("SO",)


def test_a_language_format_keeps_its_language_key():
    m = only(load(meeting(formats="ES", format_shared_id_list="9")))
    assert m.unknown_codes == ("ES",)


def test_a_format_without_a_world_id_is_kept_as_an_unknown_code():
    result = load(meeting(formats="O,Pi", format_shared_id_list="17,18"))
    assert only(result).unknown_codes == ("Pi",)
    assert [p.reason for p in result.problems] == ["unknown_code"]


def test_a_code_map_can_name_a_servers_own_format():
    m = only(
        load(meeting(formats="O,Pi", format_shared_id_list="17,18"), code_map={"Pi": ("TOP",)})
    )
    assert m.types == ("O", "TOP")


def test_the_envelopes_formats_are_used_when_no_table_is_given():
    envelope = {"meetings": [meeting(formats="O,So", format_shared_id_list="")], "formats": FORMATS}
    m = only(bmlt.load(json.dumps(envelope).encode()))
    assert m.types == ("O", "SPK")


def test_without_a_formats_table_keys_are_matched_by_spelling_with_a_warning():
    result = load(meeting(formats="O,St"), formats=None)
    m = only(result)
    assert m.types == ("O",)
    assert m.unknown_codes == ("St",)
    assert result.problems[0].reason == "no_formats_table"


def test_service_bodies_become_regions_from_general_to_specific():
    bodies = {"1": ("Greater New York Region", "0"), "1011": ("Open Arms Area Service", "1")}
    assert only(load(meeting(), service_bodies=bodies)).regions == (
        "Greater New York Region",
        "Open Arms Area Service",
    )


def test_a_street_typed_into_the_location_field_is_used_as_the_street():
    result = load(meeting(location_text="230 South 7th Ave", location_street=""))
    m = only(result)
    assert (m.address, m.location, m.attendance) == ("230 South 7th Ave", "", "in_person")
    assert [p.reason for p in result.problems] == ["street_in_location"]


def test_transit_lines_join_the_location_notes():
    m = only(load(meeting(location_info="Basement", train_lines="A, C", bus_lines="M4")))
    assert m.location_notes == "Basement\nTrains: A, C\nBuses: M4"


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"weekday_tinyint": "0"}, "invalid_day"),
        ({"start_time": "late"}, "invalid_time"),
        ({"meeting_name": " "}, "missing_name"),
        ({"id_bigint": ""}, "missing_slug"),
    ],
)
def test_a_meeting_that_cannot_be_used_is_skipped(fields, reason):
    result = load(meeting(id_bigint="1"), meeting(**fields))
    assert [p.reason for p in result.skipped] == [reason]
    assert result.skipped[0].position == "record 2"


def test_a_bad_time_zone_is_reported_and_left_for_the_directory_to_fill():
    result = load(meeting(time_zone="Eastern"))
    assert only(result).timezone is None
    assert [p.reason for p in result.problems] == ["invalid_timezone"]


def test_a_getformats_file_given_as_meetings_says_what_it_is():
    with pytest.raises(FeedError, match="GetFormats response, not meetings"):
        bmlt.load(json.dumps(FORMATS).encode())


def test_an_object_without_meetings_is_not_a_bmlt_response():
    with pytest.raises(FeedError, match="without a 'meetings' list"):
        bmlt.load(b'{"formats": []}')


def test_a_formats_file_that_is_not_formats_is_refused():
    with pytest.raises(FeedError, match="not a BMLT GetFormats response"):
        bmlt.parse_formats(b'[{"id": "1"}]')


def test_a_world_id_missing_in_one_language_is_taken_from_another():
    table = bmlt.FormatTable(FORMATS, language="es")
    assert table.by_id["9"] == ("ES", "LANG")


def test_a_second_meeting_with_the_same_id_is_skipped():
    result = load(meeting(), meeting())
    assert len(result.meetings) == 1
    assert [p.reason for p in result.skipped] == ["duplicate_id"]

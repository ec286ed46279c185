"""Meeting Guide JSON feeds: lenient reading, one meeting per day, problems with positions."""

import json
from datetime import UTC, datetime, time, timedelta

import pytest

from homegroup.directory.importers import FeedError, ImportOptions, meeting_guide


def feed(*records) -> bytes:
    return json.dumps(list(records)).encode()


def meeting(**fields):
    record = {
        "name": "Serenity Now",
        "slug": "serenity-now",
        "day": 1,
        "time": "19:00",
        "address": "100 Main St",
        "city": "Springfield",
        "state": "IL",
        "postal_code": "62701",
        "country": "US",
        "types": ["O", "D"],
    }
    record.update(fields)
    return {key: value for key, value in record.items() if value is not ...}


def load(*records, **options):
    return meeting_guide.load(feed(*records), options=ImportOptions(**options))


def only(result):
    assert len(result.meetings) == 1, result.problems
    return result.meetings[0]


def test_a_plain_record_becomes_a_canonical_meeting():
    result = load(meeting())
    m = only(result)
    assert (m.slug, m.name, m.day, m.start, m.end) == (
        "serenity-now",
        "Serenity Now",
        1,
        time(19, 0),
        time(20, 0),
    )
    assert m.duration == timedelta(hours=1)
    assert m.formatted_address == "100 Main St, Springfield, IL 62701, US"
    assert m.types == ("D", "O")
    assert m.fellowship == "AA"
    assert m.timezone is None
    assert m.position == "record 1"
    assert result.problems == ()


def test_a_day_array_becomes_one_meeting_per_day():
    result = load(meeting(day=[1, 3, "Friday", 3]))
    assert [(m.day, m.slug, m.source_id) for m in result.meetings] == [
        (1, "serenity-now-monday", "serenity-now-monday"),
        (3, "serenity-now-wednesday", "serenity-now-wednesday"),
        (5, "serenity-now-friday", "serenity-now-friday"),
    ]
    assert result.records == 1


def test_a_day_array_with_one_day_keeps_the_slug():
    assert only(load(meeting(day=[2]))).slug == "serenity-now"


@pytest.mark.parametrize("day", ["Tuesday", "tue", "2", 2, 2.0])
def test_a_day_can_be_a_number_or_a_name(day):
    assert only(load(meeting(day=day))).day == 2


@pytest.mark.parametrize(
    ("value", "expected"),
    [("7:30 PM", time(19, 30)), ("19:30:00", time(19, 30)), (1930, time(19, 30))],
)
def test_a_time_can_be_24_hour_or_12_hour(value, expected):
    assert only(load(meeting(time=value))).start == expected


def test_an_end_before_the_start_crosses_midnight():
    m = only(load(meeting(time="23:30", end_time="00:30")))
    assert m.crosses_midnight
    assert m.duration == timedelta(hours=1)


def test_an_integer_slug_is_kept_as_its_digits():
    assert only(load(meeting(slug=8))).slug == "8"


def test_a_slug_that_is_not_url_safe_is_rewritten_with_a_warning():
    result = load(meeting(slug="Serenity Now!"))
    assert only(result).slug == "serenity-now"
    assert [p.reason for p in result.problems] == ["slug_rewritten"]


def test_the_tsml_id_is_the_source_id_and_survives_a_slug_change():
    assert only(load(meeting(id=319513))).source_id == "319513"


def test_type_codes_and_names_are_read_in_any_case():
    m = only(load(meeting(types=["o", "Big Book", "wheelchair access", "Español", "12x12"])))
    assert m.types == ("12x12", "B", "O", "S", "X")
    assert m.unknown_codes == ()


def test_a_comma_separated_types_string_is_read_too():
    assert only(load(meeting(types="O, D,BE"))).types == ("BE", "D", "O")


def test_unknown_codes_are_kept_and_reported_never_dropped():
    result = load(meeting(types=["O", "HYB", "xyz"]))
    m = only(result)
    assert m.types == ("O",)
    assert m.unknown_codes == ("HYB", "xyz")
    problem = result.problems[0]
    assert (problem.severity, problem.reason, problem.field, problem.slug) == (
        "warning",
        "unknown_code",
        "types",
        "serenity-now",
    )
    assert "HYB, xyz" in problem.message


def test_the_moud_code_is_kept_as_a_code():
    result = load(meeting(types=["O", "moud"]))
    assert only(result).types == ("MOUD", "O")
    assert result.problems == ()


def test_a_source_code_map_translates_before_lookup():
    m = only(
        load(
            meeting(types=["SP", "S", "ST"]),
            code_map={"SP": ("S",), "S": ("SP",), "ST": ("ST", "TR")},
        )
    )
    assert m.types == ("S", "SP", "ST", "TR")


def test_the_fellowship_comes_from_the_source():
    m = only(load(meeting(types=["O", "JFT"]), fellowship="na"))
    assert m.fellowship == "NA"
    assert m.types == ("JFT", "O")


def test_html_is_stripped_from_notes():
    m = only(
        load(meeting(notes="<p>Use the <b>side</b> door&nbsp;&amp; stairs.</p><p>No pets</p>"))
    )
    assert m.notes == "Use the side door & stairs.\n\nNo pets"


def test_a_coordinates_string_is_read():
    m = only(load(meeting(coordinates="39.29,-76.61")))
    assert (m.latitude, m.longitude) == (39.29, -76.61)


def test_string_latitude_and_longitude_are_read():
    m = only(load(meeting(latitude="39.29", longitude=" -76.61 ")))
    assert (m.latitude, m.longitude) == (39.29, -76.61)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"latitude": 95, "longitude": 10}, "invalid_coordinates"),
        ({"latitude": 0, "longitude": 0}, "invalid_coordinates"),
        ({"latitude": 39.2}, "partial_coordinates"),
        ({"coordinates": "somewhere"}, "invalid_coordinates"),
    ],
)
def test_bad_coordinates_are_dropped_with_a_warning_and_the_meeting_kept(fields, reason):
    result = load(meeting(**fields))
    m = only(result)
    assert (m.latitude, m.longitude) == (None, None)
    assert [p.reason for p in result.problems] == [reason]


@pytest.mark.parametrize("key", ["entity_url", "entity_website_url"])
def test_the_entity_url_is_read_under_either_name(key):
    assert only(load(meeting(**{key: "https://aa-intergroup.example.org"}))).entity_url == (
        "https://aa-intergroup.example.org"
    )


def test_a_feed_time_zone_is_kept_and_a_bad_one_reported():
    assert only(load(meeting(timezone="America/Chicago"))).timezone == "America/Chicago"
    result = load(meeting(timezone="Central"))
    assert only(result).timezone is None
    assert [p.reason for p in result.problems] == ["invalid_timezone"]


def test_updated_is_read_as_utc():
    assert only(load(meeting(updated="2021-08-12 14:21:20"))).updated == datetime(
        2021, 8, 12, 14, 21, 20, tzinfo=UTC
    )


def test_contacts_are_private_unless_the_source_says_otherwise():
    record = meeting(contact_1_name="Contact One", contact_1_email="one@example.org")
    assert only(load(record)).contacts[0].public is False
    assert only(load(record, contacts_public=True)).contacts[0].public is True


def test_seventh_tradition_handles_are_kept():
    m = only(load(meeting(venmo="@SerenityGroup", square="$serenity", paypal="serenitygroup")))
    assert (m.venmo, m.square, m.paypal) == ("@SerenityGroup", "$serenity", "serenitygroup")


def test_regions_run_from_general_to_specific():
    assert only(load(meeting(region="Baltimore", sub_region="Canton"))).regions == (
        "Baltimore",
        "Canton",
    )
    assert only(load(meeting(regions=["Maryland", "Baltimore", ""]))).regions == (
        "Maryland",
        "Baltimore",
    )


def test_a_javascript_conference_url_is_dropped():
    result = load(meeting(conference_url="javascript:alert(1)"))
    assert only(result).conference_url == ""
    assert [p.reason for p in result.problems] == ["invalid_url"]


def test_a_conference_url_off_the_provider_list_is_kept_with_a_warning():
    result = load(meeting(conference_url="https://meet.example.net/room"))
    m = only(result)
    assert m.conference_url == "https://meet.example.net/room"
    assert m.attendance == "hybrid"
    assert [p.reason for p in result.problems] == ["unknown_conference_provider"]


def test_a_conference_phone_keeps_only_dialable_characters():
    m = only(load(meeting(conference_phone="+1 (301) 715-8592,,846 2901 8704#")))
    assert m.conference_phone == "+13017158592,,84629018704#"


@pytest.mark.parametrize(
    ("fields", "reason", "field"),
    [
        ({"name": ""}, "missing_name", "name"),
        ({"slug": None}, "missing_slug", "slug"),
        ({"day": None}, "missing_day", "day"),
        ({"day": []}, "missing_day", "day"),
        ({"day": 9}, "invalid_day", "day"),
        ({"time": ""}, "missing_time", "time"),
        ({"time": "soon"}, "invalid_time", "time"),
    ],
)
def test_a_record_that_cannot_be_used_is_skipped_with_its_position_and_reason(
    fields, reason, field
):
    result = load(meeting(slug="ok"), meeting(**fields))
    assert [m.slug for m in result.meetings] == ["ok"]
    (problem,) = result.skipped
    assert (problem.position, problem.reason, problem.field, problem.severity) == (
        "record 2",
        reason,
        field,
        "error",
    )


def test_a_record_that_is_not_an_object_is_skipped():
    result = meeting_guide.load(feed(meeting(), "nonsense"))
    assert [(p.position, p.reason) for p in result.skipped] == [("record 2", "not_an_object")]


def test_a_bad_end_time_falls_back_to_the_default_duration_with_a_warning():
    result = load(meeting(time="19:00", end_time="late"))
    assert only(result).end == time(20, 0)
    assert [p.reason for p in result.problems] == ["invalid_end_time"]


def test_an_unusually_long_meeting_is_kept_with_a_warning():
    result = load(meeting(time="08:00", end_time="20:00"))
    assert only(result).duration == timedelta(hours=12)
    assert [p.reason for p in result.problems] == ["long_duration"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"[{]", "not valid JSON: .* at line 1 column 3"),
        (b'{"meetings": []}', "looks like a BMLT response"),
        (b'{"name": "x"}', "a JSON object, not a Meeting Guide feed"),
        (b'"text"', "expected a JSON array"),
        (b"\xff\xfe\xfd", "not UTF-8|not valid JSON"),
    ],
)
def test_a_file_that_cannot_be_parsed_raises_one_clear_line(data, message):
    with pytest.raises(FeedError, match=message) as caught:
        meeting_guide.load(data)
    assert "\n" not in str(caught.value)


def test_a_file_where_every_record_fails_is_the_wrong_kind_of_file():
    with pytest.raises(FeedError, match=r"none of the 2 records could be used.*record 1: no slug"):
        meeting_guide.load(feed({"foo": 1}, {"bar": 2}))


def test_an_empty_feed_is_read_with_a_warning():
    result = meeting_guide.load(b"[]")
    assert result.meetings == ()
    assert [p.reason for p in result.problems] == ["empty_feed"]


def test_a_utf8_bom_is_accepted():
    assert only(meeting_guide.load(b"\xef\xbb\xbf" + feed(meeting()))).name == "Serenity Now"


def test_a_second_record_with_the_same_slug_is_skipped_naming_the_first():
    result = load(meeting(), meeting(name="Copy"))
    assert [m.name for m in result.meetings] == ["Serenity Now"]
    (problem,) = result.skipped
    assert (problem.position, problem.reason) == ("record 2", "duplicate_id")
    assert "same id 'serenity-now' as record 1" in problem.message

"""What feeds put in their fields, read for what it means: long ids kept whole, towns that are
not streets, null tokens, objects where text belongs, several fellowships in one feed, URLs
that would break a page, direction overrides, oversized fields, NDJSON and spreadsheet dates.

Each test reads a small record or file made for it (tests/fixtures/meetings/hand_made/).
"""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from homegroup.directory.importers import (
    FeedError,
    ImportOptions,
    csv_legacy,
    load_feed,
    meeting_guide,
)
from homegroup.directory.importers.canonical import NOTES_MAX
from homegroup.directory.importers.detect import detect_format

HAND_MADE = Path(__file__).resolve().parents[2] / "fixtures" / "meetings" / "hand_made"


def record(**fields):
    values = {
        "name": "Serenity Now",
        "slug": "serenity-now",
        "day": 1,
        "time": "19:00",
        "address": "100 Main St",
        "city": "Springfield",
        "state": "IL",
        "types": ["O"],
    }
    values.update(fields)
    return {key: value for key, value in values.items() if value is not ...}


def load(*records, **options):
    return meeting_guide.load(json.dumps(list(records)).encode(), options=ImportOptions(**options))


def only(result):
    assert len(result.meetings) == 1, result.problems
    return result.meetings[0]


def reasons(result):
    return [problem.reason for problem in result.problems]


# --- Item 4: long ids ---------------------------------------------------------------------------

# Slugs a live feed derives from whole addresses: URL-safe, longer than 64, alike for 64+.
LONG = "grace-community-church-fellowship-hall-1234-north-main-street-springfield"


def test_long_ids_that_share_their_first_64_characters_stay_two_meetings():
    result = load(record(slug=LONG + "-il"), record(slug=LONG + "-mo", name="Other"))
    first, second = result.meetings
    assert (first.source_id, second.source_id) == (LONG + "-il", LONG + "-mo")
    assert len(first.slug) == len(second.slug) == 64
    assert first.slug != second.slug
    assert first.slug.startswith(LONG[:50])
    assert reasons(result) == ["long_slug", "long_slug"]  # never "not URL-safe"
    assert "published as" in result.problems[0].message


def test_a_long_id_keeps_distinct_slugs_per_day():
    result = load(record(slug=LONG, day=[1, 3]))
    monday, wednesday = result.meetings
    assert (monday.source_id, wednesday.source_id) == (LONG + "-monday", LONG + "-wednesday")
    assert monday.slug != wednesday.slug
    assert max(len(monday.slug), len(wednesday.slug)) <= 64


# --- Item 5: a town typed into the street field --------------------------------------------------


def test_a_town_in_the_address_next_to_a_video_link_is_online_and_approximate():
    m = only(
        load(
            record(
                address="Edmonton, Alberta, Canada",
                city=...,
                state=...,
                conference_url="https://zoom.us/j/123456789",
            )
        )
    )
    assert (m.attendance, m.approximate) == ("online", True)


def test_an_address_naming_only_its_city_is_approximate_too():
    m = only(load(record(address="Edmonton", city="Edmonton")))
    assert m.approximate is True


@pytest.mark.parametrize(
    "address", ["100 Main St", "Grace Church, Edmonton", "Unit 4, Edmonton", "Main Street"]
)
def test_a_street_or_a_building_stays_a_real_place(address):
    m = only(load(record(address=address, conference_url="https://zoom.us/j/1234567")))
    assert (m.attendance, m.approximate) == ("hybrid", False)


# --- Item 6: null tokens ------------------------------------------------------------------------


def test_common_null_tokens_are_empty_not_published():
    m = only(load(record(city="NULL", state="N/A", notes="None", location="(null)")))
    assert (m.city, m.state, m.notes, m.location) == ("", "", "", "")
    assert m.formatted_address == "100 Main St"


def test_a_map_declares_its_own_null_tokens(tmp_path):
    data = b"ID,Name,Day,Time,Address,City,State\nm1,Dawn,Monday,07:00,1 Elm St,--,??\n"
    the_map = csv_legacy.load_map(json.dumps({"nulls": ["--", "??"]}).encode())
    m = only(csv_legacy.load(data, source_map=the_map))
    assert (m.city, m.state) == ("", "")


# --- Item 7: an object where text belongs -------------------------------------------------------


def test_a_json_object_in_a_text_field_is_a_problem_never_a_python_repr():
    result = load(record(city={"latitude": 34.2, "longitude": -118.5}, notes=[{"text": "x"}]))
    m = only(result)
    assert (m.city, m.notes) == ("", "")
    assert "{'latitude'" not in m.formatted_address
    problems = {p.field: p for p in result.problems}
    assert problems["city"].reason == "not_text"
    assert problems["city"].message.startswith("an object where text belongs, ignored:")
    assert problems["notes"].reason == "not_text"


# --- Item 8: several fellowships in one feed ----------------------------------------------------


def test_each_record_keeps_the_fellowship_it_names_with_that_fellowships_codes():
    result = load_feed((HAND_MADE / "mixed_fellowships.json").read_bytes())
    by_slug = {m.slug: m for m in result.meetings}
    assert {slug: m.fellowship for slug, m in by_slug.items()} == {
        "serenity-aa": "AA",
        "just-for-today-na": "NA",
        "hope-ca": "CA",
        "family-alanon": "ALANON",
        "no-fellowship-named": "AA",
    }
    # NA's own codes are known under NA, never "unknown codes" or dropped.
    assert by_slug["just-for-today-na"].types == ("BT", "C", "JFT")
    assert by_slug["just-for-today-na"].unknown_codes == ()


def test_the_sources_fellowship_is_only_the_default():
    result = load(record(fellowship="Narcotics Anonymous", types=["IP"]), fellowship="AA")
    assert (only(result).fellowship, only(result).types) == ("NA", ("IP",))


def test_a_fellowship_that_is_neither_a_code_nor_a_name_is_reported():
    result = load(record(fellowship="A fellowship, of sorts!"))
    assert only(result).fellowship == "AA"
    assert reasons(result) == ["invalid_fellowship"]


# --- Item 10: types over several columns, translated values, yes/no columns -------------------

SPREAD = (
    "ID,Name,Day,Time,Address,City,Borough,Type 1,Type 2,Type 3,Wheelchair,Women Only\n"
    "m1,Dawn,Monday,07:00,1 Elm St,New York,M,O,D/B,,True,no\n"
    "m2,Dusk,Tuesday,19:00,2 Oak St,New York,BX,C,,ST,false,Yes\n"
)
SPREAD_MAP = {
    "fields": {
        "slug": "ID",
        "name": "Name",
        "day": "Day",
        "time": "Time",
        "address": "Address",
        "city": "City",
        "regions": ["Borough"],
        "types": ["Type 1", "Type 2", "Type 3"],
    },
    "types_separator": "/",
    "values": {"regions": {"M": "Manhattan", "BX": "Bronx"}},
    "flags": {"Wheelchair": "X", "Women Only": "W"},
}


def test_a_map_splits_types_over_columns_translates_regions_and_reads_yes_no_columns():
    the_map = csv_legacy.load_map(json.dumps(SPREAD_MAP).encode())
    dawn, dusk = csv_legacy.load(SPREAD.encode(), source_map=the_map).meetings
    assert (dawn.types, dawn.regions) == (("B", "D", "O", "X"), ("Manhattan",))
    assert (dusk.types, dusk.regions) == (("C", "ST", "W"), ("Bronx",))


def test_a_flag_column_the_file_lacks_is_named():
    the_map = csv_legacy.load_map(json.dumps({**SPREAD_MAP, "flags": {"Ramp": "X"}}).encode())
    with pytest.raises(FeedError, match="the map names a column the file lacks: 'Ramp'"):
        csv_legacy.load(SPREAD.encode(), source_map=the_map)


# --- Item 12: NDJSON, spreadsheet dates, JSON errors, "by appointment" --------------------------


def test_one_json_object_per_line_is_a_meeting_guide_feed():
    data = (HAND_MADE / "one_per_line.ndjson").read_bytes()
    assert detect_format(data) == "meeting-guide"
    result = load_feed(data)
    assert [m.slug for m in result.meetings] == ["dawn", "dusk", "night"]
    assert [m.position for m in result.meetings] == ["line 1", "line 2", "line 4"]


def test_an_unreadable_line_of_ndjson_refuses_the_file_unless_skipped():
    data = (HAND_MADE / "one_per_line.ndjson").read_bytes() + b'{"slug": "cut", "name": "Cu\n'
    with pytest.raises(FeedError, match="line 5: cannot read the line: not valid JSON"):
        load_feed(data)
    result = load_feed(data, options=ImportOptions(skip_unreadable=True))
    assert (len(result.meetings), result.skipped_by_reason()) == (3, {"unreadable_row": 1})


@pytest.mark.parametrize(
    ("updated", "expected"),
    [
        ("8/25/2022 11:17:07 AM", datetime(2022, 8, 25, 11, 17, 7, tzinfo=UTC)),
        ("8/25/2022 1:05 PM", datetime(2022, 8, 25, 13, 5, tzinfo=UTC)),
        ("25/8/2022 13:05", datetime(2022, 8, 25, 13, 5, tzinfo=UTC)),
        ("12/1/2021", datetime(2021, 12, 1, tzinfo=UTC)),
    ],
)
def test_a_spreadsheets_updated_date_is_read(updated, expected):
    assert only(load(record(updated=updated))).updated == expected


def test_a_json_error_reads_as_a_sentence():
    with pytest.raises(FeedError) as error:
        meeting_guide.load(b'[{"slug": "x", "name": "unterminated')
    assert str(error.value) == ("not valid JSON: Unterminated string starting at line 1 column 24")


def test_a_record_without_a_day_is_not_called_by_appointment():
    result = load(record(day=...), record(slug="other"))
    (problem,) = result.problems
    assert (problem.reason, problem.message) == ("missing_day", "no day of the week")
    result = load(record(day=..., time=...), record(slug="other"))
    assert result.problems[0].message.startswith("no day and no time (by appointment)")


def test_an_invalid_time_is_said_in_plain_words():
    (problem,) = load(record(time="25:99"), record(slug="other")).problems
    assert problem.message == "the time '25:99' is not a time of day"


# --- Item 19: URLs, direction overrides, oversized fields ---------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/a\nb",
        'https://example.org/"onmouseover="x',
        "https://example.org/<script>",
        "https://user@evil.example.org/",
        "https://exa mple.org/",
        "https://localhost/",
        "https://-bad-.org/",
        "https://example.org:99999/",
        "javascript:alert(1)",
    ],
)
def test_a_url_that_would_break_a_page_or_a_feed_is_dropped(url):
    result = load(record(url=url, conference_url=url))
    m = only(result)
    assert (m.url, m.conference_url) == ("", "")
    assert set(reasons(result)) == {"invalid_url"}


@pytest.mark.parametrize(
    "url", ["https://zoom.us/j/123?pwd=abc", "http://192.0.2.7/feed", "https://bücher.example/"]
)
def test_a_well_formed_url_is_kept(url):
    assert only(load(record(url=url))).url == url


def test_direction_override_characters_are_removed_from_names_and_notes():
    result = load(record(name="Hope \u202egroup\u202c", notes="Side \u2066door\u2069"))
    m = only(result)
    assert (m.name, m.notes) == ("Hope group", "Side door")
    assert reasons(result) == ["bidi_controls", "bidi_controls"]


def test_an_oversized_field_is_cut_and_reported():
    result = load(record(notes="Welcome. " * 250_000, name="N" * 400))
    m = only(result)
    assert len(m.notes) <= NOTES_MAX
    assert len(m.name) == 300
    problems = {p.field: p for p in result.problems}
    assert problems["notes"].reason == "too_long"
    assert problems["notes"].message == "cut to 5,000 characters (it had 2,250,000)"
    assert problems["name"].message == "cut to 300 characters (it had 400)"


def test_a_problem_never_quotes_more_than_a_line_of_the_feed():
    result = load(record(timezone="x" * 10_000))
    assert all(len(problem.message) < 200 for problem in result.problems)

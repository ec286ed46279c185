"""The real files in tests/fixtures/meetings/ import with pinned counts and spot values.

Counts were checked by hand against the files (see PROVENANCE.md for their origin): a change in
any of them means the importer's behaviour on real data changed, which must be deliberate.
"""

from collections import Counter
from datetime import time, timedelta
from pathlib import Path

import pytest

from homegroup.directory.importers import bmlt, csv_legacy, load_feed, meeting_guide

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "meetings"
GNYR = FIXTURES / "bmlt_sample_gnyr"
YAP = FIXTURES / "bmlt_yap_fixtures"
SPEC = FIXTURES / "meeting_guide_spec_samples"


def by_id(result):
    return {meeting.source_id: meeting for meeting in result.meetings}


@pytest.fixture(scope="module")
def gnyr():
    return bmlt.load(
        (GNYR / "GetSearchResults.json").read_bytes(),
        formats=bmlt.parse_formats((GNYR / "GetFormats_all_languages.json").read_bytes()),
        service_bodies=bmlt.parse_service_bodies((GNYR / "GetServiceBodies.json").read_bytes()),
    )


def test_gnyr_imports_1513_of_1555_meetings_and_skips_the_42_unpublished(gnyr):
    assert gnyr.records == 1555
    assert len(gnyr.meetings) == 1513
    assert gnyr.skipped_by_reason() == {"unpublished": 42}
    assert all(problem.severity == "warning" for problem in gnyr.skipped)
    assert gnyr.warnings_by_reason() == {
        "unknown_code": 236,
        "street_in_location": 6,
        "long_duration": 2,
    }


def test_gnyr_spot_values(gnyr):
    meetings = by_id(gnyr)
    m = meetings["2476"]
    assert (m.name, m.day, m.start, m.end) == (
        "Some Are Sicker Than Others",
        2,  # weekday_tinyint "3" = Tuesday
        time(18, 0),
        time(19, 30),
    )
    assert m.types == ("O", "VAR")  # O = OPEN, RF = Rotating Format = VAR
    assert m.regions == ("Greater New York Region", "Open Arms Area Service")
    assert m.formatted_address == "265 Van Ness Street, Newburgh, NY 12550, USA"
    midnight = meetings["751"]
    assert (midnight.name, midnight.start, midnight.end) == (
        "Midnight Hope",
        time(23, 59),
        time(1, 29),
    )
    assert midnight.crosses_midnight
    assert meetings["2157"].types == ("BT", "DISC", "IP", "IW", "O")  # "D" listed twice upstream
    assert meetings["445"].types == ("C", "GL", "SPK")  # "So" (Speaker Only), case-sensitive key
    assert "1032" not in meetings  # "Hope by the Harbor", published "0"


def test_gnyr_has_no_time_zones_and_no_venue_types(gnyr):
    assert {m.timezone for m in gnyr.meetings} == {None}
    assert Counter(m.attendance for m in gnyr.meetings) == {"in_person": 1513}
    assert Counter(m.duration for m in gnyr.meetings)[timedelta(minutes=90)] == 1216


def test_gnyr_unknown_codes_are_the_servers_formats_without_world_ids(gnyr):
    unknown = Counter(code for m in gnyr.meetings for code in m.unknown_codes)
    assert unknown == {
        "NC": 57, "Ti": 46, "Rr": 39, "Pi": 37, "CH": 37, "ES": 26, "CS": 16,
        "BL": 9, "SC": 8, "ID": 7, "OE": 3, "IL": 1, "SL": 1, "FD": 1,
    }  # fmt: skip


def test_gnyr_without_its_formats_file_warns_once_and_keeps_every_key():
    result = bmlt.load((GNYR / "GetSearchResults.json").read_bytes())
    assert len(result.meetings) == 1513
    assert result.warnings_by_reason()["no_formats_table"] == 1


@pytest.mark.parametrize(
    ("name", "count", "day", "unknown"),
    [
        ("meeting-search-42.867970-day2.json", 53, 1, {}),
        ("meeting-search-42.867970-day3.json", 54, 2, {"Pi": 1}),
        ("meeting-search-42.867970-day4.json", 62, 3, {"Pi": 1, "NC": 1}),
    ],
)
def test_finger_lakes_envelopes_import_with_their_own_formats(name, count, day, unknown):
    result = load_feed((YAP / name).read_bytes())
    assert result.format == "bmlt"
    assert (result.records, len(result.meetings), result.skipped) == (count, count, ())
    assert {m.day for m in result.meetings} == {day}
    assert Counter(code for m in result.meetings for code in m.unknown_codes) == unknown
    # No duration_time in these responses: the default applies.
    assert {m.duration for m in result.meetings} == {timedelta(minutes=90)}


def test_finger_lakes_spot_value():
    result = load_feed((YAP / "meeting-search-42.867970-day2.json").read_bytes())
    m = by_id(result)["2566"]
    assert (m.name, m.day, m.start, m.location) == (
        "Step up and Be Free",
        1,
        time(19, 0),
        "Clifton springs Hospital",
    )
    assert m.types == ("O", "TOP", "VAR")
    assert m.location_notes == "Admin Conference Room"


def test_the_yap_formats_file_is_a_formats_table():
    assert len(bmlt.parse_formats((YAP / "formats.json").read_bytes())) == 44


def test_ontario_imports_45_meetings_with_integer_slugs():
    result = load_feed((SPEC / "ontario_quinte_data-sample.json").read_bytes())
    assert result.format == "meeting-guide"
    assert (result.records, len(result.meetings), result.problems) == (45, 45, ())
    slugs = sorted(int(m.slug) for m in result.meetings)
    # Integers 1-49 with four gaps: the slugs collide with any other source's.
    assert (slugs[0], slugs[-1], len(set(slugs))) == (1, 49, 45)
    assert Counter(m.attendance for m in result.meetings) == {"in_person": 45}
    tweed = by_id(result)["8"]
    assert (tweed.name, tweed.day, tweed.start, tweed.end, tweed.types) == (
        "Tweed Group",
        2,
        time(19, 30),
        time(20, 30),
        ("C",),
    )
    assert tweed.formatted_address == "55 Victoria St N, Tweed, CA"


@pytest.fixture(scope="module")
def new_mexico():
    source_map = csv_legacy.load_map((FIXTURES / "new-mexico.map.json").read_bytes())
    data = (SPEC / "new-mexico_legacy_default.db.txt").read_bytes()
    return csv_legacy.load(data, source_map=source_map)


def test_new_mexico_imports_all_605_lines(new_mexico):
    assert (new_mexico.records, len(new_mexico.meetings), new_mexico.skipped) == (605, 605, ())
    assert new_mexico.warnings_by_reason() == {"url_scheme_added": 23, "unknown_code": 15}
    assert Counter(m.day for m in new_mexico.meetings) == {
        1: 98, 4: 97, 3: 94, 5: 91, 2: 90, 6: 73, 0: 62,
    }  # fmt: skip


def test_new_mexico_codes_go_through_the_map(new_mexico):
    types = Counter(code for m in new_mexico.meetings for code in m.types)
    # SP and S are swapped against the spec: 29 Spanish meetings, 10 speaker meetings.
    assert (types["S"], types["SP"]) == (29, 10)
    assert (types["B"], types["X"], types["BA"], types["NS"]) == (52, 28, 4, 220)
    unknown = Counter(code for m in new_mexico.meetings for code in m.unknown_codes)
    assert unknown == {"BUS": 8, "F": 5, "AAL": 2, "BL": 1}


def test_new_mexico_spot_values(new_mexico):
    m = by_id(new_mexico)["2"]
    assert (m.name, m.day, m.start, m.end, m.types) == (
        "Alamo Home Group",
        5,
        time(17, 30),
        time(18, 30),
        ("D", "O"),
    )
    assert m.formatted_address == "903 Delaware, Alamogordo, NM"
    assert (m.latitude, m.longitude) == (32.898914, -105.95833199999998)
    assert (m.regions, m.district, m.position) == (("Alamogordo",), "District5", "line 1")
    assert Counter(m.attendance for m in new_mexico.meetings) == {"in_person": 604, "inactive": 1}


def test_new_mexico_line_breaks_are_double_backticks_or_html(new_mexico):
    # 52 lines write a line break as ``, 18 as <P>: both become real line breaks.
    notes = [m.location_notes for m in new_mexico.meetings if "\n" in m.location_notes]
    assert len(notes) == 70
    assert not any("``" in note or "<P>" in note for note in notes)


@pytest.fixture(scope="module")
def tsml():
    return meeting_guide.load(
        (FIXTURES / "tsml_pdf12step_sample/example.com-meetings.json").read_bytes()
    )


def test_the_tsml_sample_imports_12_meetings_with_their_attendance(tsml):
    assert (tsml.records, len(tsml.meetings), tsml.skipped) == (12, 12, ())
    assert Counter(m.attendance for m in tsml.meetings) == {
        "in_person": 5,
        "online": 5,
        "hybrid": 2,
    }
    assert tsml.warnings_by_reason() == {"unknown_code": 1}  # the custom HYB code


def test_our_rule_agrees_with_tsml_on_every_sample_meeting(tsml):
    import json

    raw = json.loads((FIXTURES / "tsml_pdf12step_sample/example.com-meetings.json").read_bytes())
    for record in raw:
        del record["attendance_option"]
    derived = meeting_guide.normalise(raw, options=meeting_guide.ImportOptions())
    assert [m.attendance for m in derived.meetings] == [m.attendance for m in tsml.meetings]


def test_tsml_spot_values(tsml):
    m = by_id(tsml)["319450"]
    assert (m.slug, m.name, m.day, m.start, m.attendance) == (
        "pikesville-nooners",
        "Pikesville Nooners (HYBRID)",
        4,
        time(12, 0),
        "hybrid",
    )
    assert (m.types, m.unknown_codes) == (("D", "LIT", "O", "ONL"), ("HYB",))
    online = by_id(tsml)["319603"]  # Captain's Table: TC + ONL with a Zoom link
    assert (online.attendance, online.attendance_reason) == (
        "online",
        "source attendance_option 'online'",
    )
    assert by_id(tsml)["328744"].approximate is True

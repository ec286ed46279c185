"""`homegroup import-feed`: every real fixture file imports with pinned counts and spot values.

The counts were checked against the files by hand (tests/fixtures/meetings/PROVENANCE.md says
where each comes from); a change in any of them is a change in behaviour on real data.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from homegroup.directory.models import ImportRun, Meeting, Source

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "meetings"
GNYR = FIXTURES / "bmlt_sample_gnyr"
YAP = FIXTURES / "bmlt_yap_fixtures"
SPEC = FIXTURES / "meeting_guide_spec_samples"
ONTARIO = SPEC / "ontario_quinte_data-sample.json"
NEW_MEXICO = SPEC / "new-mexico_legacy_default.db.txt"
TSML = FIXTURES / "tsml_pdf12step_sample" / "example.com-meetings.json"


def import_feed(*args: object) -> tuple[ImportRun, str]:
    out = io.StringIO()
    call_command("import-feed", *[str(arg) for arg in args], stdout=out)
    return ImportRun.objects.latest("pk"), out.getvalue()


def import_gnyr() -> tuple[ImportRun, str]:
    return import_feed(
        "gnyr-na",
        GNYR / "GetSearchResults.json",
        "--formats",
        GNYR / "GetFormats_all_languages.json",
        "--service-bodies",
        GNYR / "GetServiceBodies.json",
    )


def skipped_by_reason(run: ImportRun) -> Counter[str]:
    return Counter(problem["reason"] for problem in run.problems if problem["skipped"])


def test_gnyr_imports_1513_meetings_and_skips_the_42_unpublished():
    run, output = import_gnyr()
    assert (run.feed_format, run.records, run.created, run.skipped) == ("bmlt", 1555, 1513, 42)
    assert skipped_by_reason(run) == {"unpublished": 42}
    assert {origin: len(slugs) for origin, slugs in run.timezones.items()} == {"coordinates": 1513}
    assert run.unknown_codes == {
        "NC": 57, "Ti": 46, "Rr": 39, "Pi": 37, "CH": 37, "ES": 26, "CS": 16,
        "BL": 9, "SC": 8, "ID": 7, "OE": 3, "IL": 1, "SL": 1, "FD": 1,
    }  # fmt: skip
    assert "skipped: unpublished" in output
    assert "NC ×57" in output
    source = Source.objects.get(slug="gnyr-na")
    assert source.default_fellowship is None  # NA came from the format's default
    meeting = Meeting.objects.select_related("fellowship", "region__parent").get(slug="2476")
    assert (meeting.name, meeting.day, meeting.start_time, meeting.end_time) == (
        "Some Are Sicker Than Others",
        2,
        time(18, 0),
        time(19, 30),
    )
    assert (meeting.fellowship.code, meeting.types, meeting.timezone) == (
        "NA",
        ["O", "VAR"],
        "America/New_York",
    )
    assert (meeting.region.name, meeting.region.parent.name) == (
        "Open Arms Area Service",
        "Greater New York Region",
    )
    midnight = Meeting.objects.get(slug="751")
    assert (midnight.name, midnight.start_time, midnight.end_time) == (
        "Midnight Hope",
        time(23, 59),
        time(1, 29),
    )
    assert not Meeting.objects.filter(slug="1032").exists()  # unpublished


def test_ontarios_integer_slugs_are_prefixed_with_the_source_where_they_collide():
    import_gnyr()
    run, _output = import_feed("quinte-aa", ONTARIO, "--timezone", "America/Toronto")
    assert (run.records, run.created, run.skipped, run.problems) == (45, 45, 0, [])
    slugs = set(Meeting.objects.filter(source__slug="quinte-aa").values_list("slug", flat=True))
    prefixed = {slug for slug in slugs if slug.startswith("quinte-aa-")}
    assert len(prefixed) == 26  # GNYR's ids took 2, 4, 7, 10, …
    assert "quinte-aa-2" in prefixed
    tweed = Meeting.objects.get(source__slug="quinte-aa", source_key="8:2")
    assert (tweed.slug, tweed.name, tweed.start_time, tweed.types) == (
        "8",
        "Tweed Group",
        time(19, 30),
        ["C"],
    )
    assert tweed.timezone == "America/Toronto"
    assert Source.objects.get(slug="quinte-aa").default_timezone == "America/Toronto"


def test_new_mexico_imports_all_605_lines_through_its_map():
    run, _output = import_feed(
        "new-mexico-aa",
        NEW_MEXICO,
        "--map",
        FIXTURES / "new-mexico.map.json",
        "--format",
        "csv",
        "--timezone",
        "America/Denver",
    )
    assert (run.feed_format, run.records, run.created, run.skipped) == ("csv", 605, 605, 0)
    assert run.unknown_codes == {"BUS": 8, "F": 5, "AAL": 2, "BL": 1}
    assert {origin: len(slugs) for origin, slugs in run.timezones.items()} == {"coordinates": 605}
    alamo = Meeting.objects.get(source__slug="new-mexico-aa", source_key="2:5")
    assert (alamo.name, alamo.day, alamo.start_time, alamo.types, alamo.timezone) == (
        "Alamo Home Group",
        5,
        time(17, 30),
        ["D", "O"],
        "America/Denver",
    )
    spanish = Meeting.objects.filter(source__slug="new-mexico-aa", type_codes__contains=",S,")
    assert spanish.count() == 29  # the map swaps the file's SP and S back


def test_the_tsml_sample_keeps_its_attendance_modes():
    run, _output = import_feed("tsml-sample", TSML)
    assert (run.records, run.created, run.skipped) == (12, 12, 0)
    assert run.unknown_codes == {"HYB": 1}
    modes = Counter(Meeting.objects.values_list("attendance", flat=True))
    assert modes == {"in_person": 5, "online": 5, "hybrid": 2}
    nooners = Meeting.objects.get(slug="pikesville-nooners")
    assert (nooners.day, nooners.start_time, nooners.types) == (
        4,
        time(12, 0),
        ["D", "LIT", "O", "ONL"],
    )


def test_the_three_finger_lakes_day_files_are_one_source_and_a_repeated_file_counts_once():
    days = [YAP / f"meeting-search-42.867970-day{day}.json" for day in (2, 3, 4)]
    run, output = import_feed("finger-lakes-na", *days, days[0], "--formats", YAP / "formats.json")
    assert (run.records, run.created, run.skipped) == (53 + 54 + 62 + 53, 169, 0)
    assert Counter(p["reason"] for p in run.problems) == {
        "repeated_in_files": 53,
        "unknown_code": 3,
    }
    assert Counter(Meeting.objects.values_list("day", flat=True)) == {1: 53, 2: 54, 3: 62}
    assert run.unknown_codes == {"Pi": 2, "NC": 1}
    assert "warning: repeated_in_files" in output


def test_re_importing_an_edited_copy_names_the_changed_field_and_the_removed_meeting(tmp_path):
    import_feed("quinte-aa", ONTARIO, "--timezone", "America/Toronto")
    records = json.loads(ONTARIO.read_bytes())
    tweed = next(record for record in records if str(record["slug"]) == "8")
    tweed["name"] = "Tweed Group (renamed)"
    gone = records.pop()
    edited = tmp_path / "ontario.json"
    edited.write_text(json.dumps(records))
    run, _output = import_feed("quinte-aa", edited)
    assert (run.created, run.updated, run.unchanged, run.removed) == (0, 1, 43, 1)
    assert run.diff["updated"] == {"8": ["name"]}
    assert run.diff["removed"] == [str(gone["slug"])]
    assert Meeting.objects.active().count() == 44
    again, _output = import_feed("quinte-aa", edited)
    assert (again.updated, again.unchanged, again.removed) == (0, 44, 0)


def test_an_unchanged_real_feed_is_all_unchanged():
    import_feed("tsml-sample", TSML)
    run, output = import_feed("tsml-sample", TSML)
    assert (run.created, run.updated, run.unchanged, run.removed) == (0, 0, 12, 0)
    assert "unchanged" in output


def test_a_dry_run_shows_the_diff_and_saves_no_meeting():
    run, output = import_feed("tsml-sample", TSML, "--dry-run")
    assert run.created == 12
    assert "dry run: nothing saved" in output
    assert not Meeting.objects.exists()


BAD_FILES = {
    "broken.json": b'[{"slug": "1", "name": "Unfinished"',
    "object.json": b'{"name": "not a list of meetings"}',
    "numbers.json": b"[1, 2, 3]",
    "huge.json": json.dumps("x" * 5_000_000).encode(),
    "empty.json": b"",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_file_fails_in_one_line_and_changes_nothing(name, tmp_path):
    import_feed("metro", TSML)
    before = list(Meeting.objects.order_by("pk").values_list("pk", "fingerprint", "removed_at"))
    path = tmp_path / name
    path.write_bytes(BAD_FILES[name])
    with pytest.raises(CommandError) as failure:
        import_feed("metro", path)
    message = str(failure.value)
    assert failure.value.returncode == 1
    assert message.startswith(f"import failed, nothing changed: {path}: ")
    assert "\n" not in message
    assert len(message) < 300
    assert list(Meeting.objects.order_by("pk").values_list("pk", "fingerprint", "removed_at")) == (
        before
    )
    failed = ImportRun.objects.latest("pk")
    assert failed.error
    assert (failed.created, failed.removed) == (0, 0)


def test_a_missing_file_fails_in_one_line():
    with pytest.raises(CommandError, match="cannot read"):
        import_feed("metro", "/nonexistent/feed.json")
    assert not Source.objects.exists()


def test_a_bad_time_zone_is_refused():
    with pytest.raises(CommandError, match="not an IANA time zone"):
        import_feed("metro", TSML, "--timezone", "Eastern")


def test_an_address_is_fetched(feed_server):
    feed_server.routes["/wp-json/meetings.json"] = TSML.read_bytes()
    run, _output = import_feed("remote", feed_server.url("/wp-json/meetings.json"))
    assert run.files == ["meetings.json"]
    assert run.created == 12


def test_an_address_on_the_servers_own_network_is_refused_by_default(feed_server, settings):
    settings.HOMEGROUP_FETCH_ALLOW_PRIVATE = False
    feed_server.routes["/meetings.json"] = TSML.read_bytes()
    with pytest.raises(CommandError, match=r"127\.0\.0\.1 is a private, local or reserved address"):
        import_feed("remote", feed_server.url("/meetings.json"))
    assert feed_server.hosts == []  # refused before connecting


HAND_MADE = FIXTURES / "hand_made"


def test_the_map_is_kept_on_the_source_so_a_later_import_reads_the_file_the_same_way():
    pipe, the_map = HAND_MADE / "pipe_export.txt", HAND_MADE / "pipe_export.map.json"
    first, _output = import_feed("pipes", pipe, "--map", the_map)
    assert first.created == 3
    assert Meeting.objects.get(slug="p2").types == ["C", "ST", "W"]  # SS is ST through the map
    assert Source.objects.get(slug="pipes").import_map == json.loads(the_map.read_bytes())
    again, _output = import_feed("pipes", pipe)  # no --map this time
    assert (again.created, again.updated, again.unchanged, again.unknown_codes) == (0, 0, 3, {})


def test_a_dry_run_keeps_no_map():
    import_feed("pipes", HAND_MADE / "pipe_export.txt", "--map", HAND_MADE / "pipe_export.map.json",
                "--dry-run")  # fmt: skip
    assert Source.objects.get(slug="pipes").import_map == {}


def test_the_output_lists_the_first_20_problems_in_plain_words_and_every_one_with_v2(tmp_path):
    records = [
        {"slug": f"m{n}", "name": f"M{n}", "day": 1, "time": "25:99", "timezone": "UTC"}
        for n in range(25)
    ] + [{"slug": "ok", "name": "OK", "day": 1, "time": "19:00", "timezone": "UTC"}]
    path = tmp_path / "times.json"
    path.write_text(json.dumps(records))
    _run, output = import_feed("times", path)
    assert (
        "record 1 (m0): A start time that is not a time of day, skipped. The time '25:99' is "
        "not a time of day." in output
    )
    assert "Problems (the first 20 of 25; -v 2 lists every one)" in output
    assert "record 20 (m19)" in output
    assert "record 21 (m20)" not in output
    _run, every = import_feed("times", path, "-v", "2")
    assert "record 25 (m24)" in every


def test_feed_text_is_shown_never_obeyed_by_the_terminal(tmp_path):
    records = [
        {
            "slug": "[link=https://evil.example]click[/link]",
            "name": "Bold \x1b[1mname\x1b[0m",
            "day": 1,
            "time": "19:00",
            "timezone": "UTC",
            "types": ["\x1b[31mRED", "[bold]X[/bold]"],
        }
    ]
    path = tmp_path / "[red]feed.json"
    path.write_text(json.dumps(records))
    _run, output = import_feed("escapes", path)
    assert "\x1b" not in output
    assert "\\x1b[31mRED" in output
    assert "[bold]X[/bold]" in output  # as text: rich did not take it as markup
    assert "[red]feed.json" in output
    broken = tmp_path / "broken.json"
    broken.write_text('{"\x1b[2J": 1')
    with pytest.raises(CommandError) as failure:
        import_feed("escapes", broken)
    assert "\x1b" not in str(failure.value)

"""Imports that would lose meetings are refused: a partial feed, a file cut mid-row, a run that
imports nothing, a map naming a column the file lacks. Nothing changes, the command exits
non-zero saying why, and a maintainer can accept removals or unreadable rows on purpose.

The small intergroup files under tests/fixtures/meetings/hand_made/ were made for these tests.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from homegroup.directory import actions
from homegroup.directory.models import ImportRun, Meeting, Source

pytestmark = pytest.mark.django_db

HAND_MADE = Path(__file__).resolve().parents[1] / "fixtures" / "meetings" / "hand_made"
INTERGROUP = HAND_MADE / "intergroup.csv"
ZONE = ("--timezone", "America/Chicago")


def import_feed(*args: object) -> tuple[ImportRun, str]:
    out = io.StringIO()
    call_command("import-feed", *[str(arg) for arg in args], stdout=out)
    return ImportRun.objects.latest("pk"), out.getvalue()


def refused(*args: object) -> tuple[str, ImportRun]:
    with pytest.raises(CommandError) as failure:
        import_feed(*args)
    assert failure.value.returncode == 1
    return str(failure.value), ImportRun.objects.latest("pk")


def listed() -> list[str]:
    return sorted(Meeting.objects.active().values_list("slug", flat=True))


ALL_FIVE = [
    "candle-night",
    "first-light",
    "noon-serenity",
    "saturday-speakers",
    "steps-and-traditions",
]


def page_of(tmp_path: Path, rows: int) -> Path:
    """The intergroup's feed holding only its first ``rows`` meetings (one page of a paged
    export, or a download that stopped at a row boundary)."""
    lines = INTERGROUP.read_text().splitlines(keepends=True)
    path = tmp_path / "first-page.csv"
    path.write_text("".join(lines[: rows + 1]))
    return path


def test_a_feed_holding_only_part_of_the_source_is_refused_and_changes_nothing(tmp_path):
    import_feed("springfield", INTERGROUP, *ZONE)
    message, run = refused("springfield", page_of(tmp_path, 2))
    assert message == (
        "import failed, nothing changed: this import would remove 3 of the source's 5 listed "
        "meetings (60%), more than its limit of 10%: the file may be cut short or hold only "
        "part of the source. If the source really dropped them, import again allowing "
        "removals (--allow-removals)"
    )
    assert listed() == ALL_FIVE
    assert (run.state, run.refusal, run.removed, run.created) == ("failed", "removals", 0, 0)
    assert run.diff == {"would_remove": 3, "listed": 5}


def test_allow_removals_accepts_them_deliberately_and_the_run_says_so(tmp_path):
    import_feed("springfield", INTERGROUP, *ZONE)
    run, output = import_feed("springfield", page_of(tmp_path, 2), "--allow-removals")
    assert (run.removed, run.unchanged, run.allow_removals) == (3, 2, True)
    assert listed() == ["first-light", "noon-serenity"]
    assert "removed" in output


def test_removals_within_the_sources_limit_need_no_permission(tmp_path):
    import_feed("springfield", INTERGROUP, *ZONE)
    actions.configure_source(source=Source.objects.get(slug="springfield"), removal_limit=50)
    run, _output = import_feed("springfield", page_of(tmp_path, 3))
    assert (run.removed, run.state) == (2, "finished")


def test_a_dry_run_is_refused_the_same_way(tmp_path):
    import_feed("springfield", INTERGROUP, *ZONE)
    message, run = refused("springfield", page_of(tmp_path, 1), "--dry-run")
    assert "would remove 4 of the source's 5 listed meetings" in message
    assert run.dry_run is True
    assert listed() == ALL_FIVE


def test_a_delimited_file_cut_mid_row_is_refused_as_a_whole():
    message, run = refused("springfield", HAND_MADE / "intergroup_cut_mid_row.csv", *ZONE)
    assert message == (
        f"import failed, nothing changed: {HAND_MADE}/intergroup_cut_mid_row.csv: 1 unreadable "
        "row (first: line 5: cannot read the row: 4 columns, expected 11); the last row is "
        "incomplete: the file may be cut short; import the rest with --skip-unreadable"
    )
    assert (run.refusal, run.state) == ("unreadable", "failed")
    assert not Meeting.objects.exists()


def test_a_file_that_ends_inside_a_quoted_field_is_refused_too():
    message, _run = refused("springfield", HAND_MADE / "intergroup_cut_in_quotes.csv", *ZONE)
    assert "line 6: the row ends inside a quoted field" in message
    assert "the last row is incomplete" in message


def test_skip_unreadable_imports_the_readable_rows_and_reports_the_rest():
    run, output = import_feed(
        "springfield", HAND_MADE / "intergroup_cut_mid_row.csv", *ZONE, "--skip-unreadable"
    )
    assert (run.created, run.skipped, run.skip_unreadable) == (3, 1, True)
    (problem,) = run.problems
    assert (problem["position"], problem["reason"]) == ("line 5", "unreadable_row")
    assert "line 5: A row or line that cannot be read, skipped." in output


def test_an_import_that_imports_nothing_exits_non_zero_naming_the_reason_and_the_fix():
    message, run = refused("springfield", INTERGROUP)
    assert message == (
        "import failed, nothing changed: nothing could be imported: 5 of the 5 records were "
        "skipped for no_timezone (first: line 2: no time zone: none in the feed, no "
        "coordinates on land, and the source has no default (set one with --timezone)); give "
        "the source a default time zone with --timezone (e.g. America/Chicago)"
    )
    assert run.state == "failed"
    run, _output = import_feed("springfield", INTERGROUP, *ZONE)
    assert run.created == 5


def test_a_map_naming_a_column_the_file_lacks_is_one_line_and_records_the_run():
    message, run = refused(
        "springfield", INTERGROUP, "--map", HAND_MADE / "intergroup_wrong_columns.map.json", *ZONE
    )
    assert message.startswith(
        f"import failed, nothing changed: {INTERGROUP}: the map names a column the file "
        "lacks: 'Weekday' (the file's columns: 'ID', 'Name', 'Day', 'Time'"
    )
    assert "\n" not in message
    assert run.error == message.removeprefix("import failed, nothing changed: ")
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("the_map", "message"),
    [
        ({"fields": ["slug"]}, "the map's fields must be an object"),
        ({"codes": ["S"]}, "the map's codes must be an object"),
        ({"flags": {"Wheelchair": 1}}, r"the map's flags \(column -> type code\) must be"),
        ({"values": {"region": "M"}}, "the map's values for 'region' must be an object"),
        ({"nulls": "NULL"}, "the map's nulls must be a list of texts"),
    ],
)
def test_a_malformed_map_is_one_line_never_a_traceback(tmp_path, the_map, message):
    path = tmp_path / "bad.map.json"
    path.write_text(json.dumps(the_map))
    with pytest.raises(CommandError, match=message):
        import_feed("springfield", INTERGROUP, "--map", path, *ZONE)

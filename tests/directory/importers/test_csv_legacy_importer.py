"""Delimited files through a per-source map."""

import json

import pytest

from homegroup.directory.importers import FeedError, ImportOptions, csv_legacy
from homegroup.directory.importers.canonical import UnreadableRows

TSML_EXPORT = (
    "Time,End Time,Day,Name,Location,Address,Region,Types,Notes,Conference URL,ID\r\n"
    '7:00 PM,8:00 PM,Monday,Serenity Now,First Church,"100 Main St, Springfield, IL 62701, USA",'
    'Downtown,"Open, Discussion","Side door",https://zoom.us/j/1,serenity-now\r\n'
    "12:00 PM,,Sunday,Noon Group,Hall,200 Oak Ave,,O,,,noon-group\r\n"
)


def a_map(**fields):
    return csv_legacy.load_map(json.dumps(fields).encode())


def test_a_tsml_csv_export_is_read_through_its_header_names():
    result = csv_legacy.load(TSML_EXPORT.encode())
    first, second = result.meetings
    assert (first.slug, first.name, first.day, first.start.hour, first.end.hour) == (
        "serenity-now",
        "Serenity Now",
        1,
        19,
        20,
    )
    assert first.formatted_address == "100 Main St, Springfield, IL 62701, USA"
    assert first.types == ("D", "O")
    assert first.attendance == "hybrid"
    assert first.regions == ("Downtown",)
    assert (second.position, second.day, second.start.hour) == ("line 3", 0, 12)
    assert result.format == "csv"


def test_a_file_with_an_unreadable_row_is_refused_as_a_whole():
    data = TSML_EXPORT + "1:00 PM,Tuesday,Broken\r\n"
    with pytest.raises(UnreadableRows) as refused:
        csv_legacy.load(data.encode())
    assert str(refused.value) == (
        "1 unreadable row (first: line 4: cannot read the row: 3 columns, expected 11); "
        "the last row is incomplete: the file may be cut short; "
        "import the rest with --skip-unreadable"
    )
    assert refused.value.refusal == "unreadable"


def test_a_row_with_the_wrong_number_of_columns_is_skipped_with_its_line_when_asked():
    data = TSML_EXPORT + "1:00 PM,Tuesday,Broken\r\n"
    result = csv_legacy.load(data.encode(), options=ImportOptions(skip_unreadable=True))
    assert len(result.meetings) == 2
    (problem,) = result.skipped
    assert (problem.position, problem.reason) == ("line 4", "unreadable_row")
    assert "3 columns, expected 11" in problem.message


def test_a_headerless_pipe_file_with_one_based_days_and_a_newline_marker():
    source_map = a_map(
        delimiter="|",
        header=False,
        quoting=False,
        columns=["id", "day", "time", "name", "where", "codes", "info"],
        fields={
            "slug": "id",
            "day": "day",
            "time": "time",
            "name": "name",
            "formatted_address": "where",
            "types": "codes",
            "notes": "info",
        },
        day_numbering="sunday1",
        newline_marker="``",
        codes={"SP": "S", "S": "SP"},
    )
    data = '7|1|1730|"Quoted" Group|9 Elm St, Taos, NM|SP,S|Line one``Line two\n'
    result = csv_legacy.load(data.encode(), source_map=source_map)
    (m,) = result.meetings
    assert (m.slug, m.day, m.start.hour, m.name) == ("7", 0, 17, '"Quoted" Group')
    assert m.types == ("S", "SP")
    assert m.notes == "Line one\nLine two"
    assert m.position == "line 1"


@pytest.mark.parametrize(
    ("numbering", "value", "day"),
    [("sunday0", "0", 0), ("sunday1", "1", 0), ("monday0", "0", 1), ("monday1", "7", 0)],
)
def test_day_numbering_converts_digits_to_zero_is_sunday(numbering, value, day):
    source_map = a_map(
        fields={"slug": "s", "name": "n", "day": "d", "time": "t"}, day_numbering=numbering
    )
    data = f"s,n,d,t\nx,Group,{value},19:00\n"
    assert csv_legacy.load(data.encode(), source_map=source_map).meetings[0].day == day


def test_the_delimiter_is_sniffed_from_the_first_line():
    data = "Slug;Name;Day;Time\nx;Group;Monday;19:00\n"
    assert csv_legacy.load(data.encode()).meetings[0].name == "Group"


def test_options_from_the_command_line_win_over_the_map():
    source_map = a_map(fellowship="AA", codes={"X1": "O"})
    data = "slug,name,day,time,types\nx,Group,1,19:00,X1\n"
    result = csv_legacy.load(
        data.encode(), source_map=source_map, options=ImportOptions(fellowship="CA")
    )
    m = result.meetings[0]
    assert (m.fellowship, m.types) == ("CA", ("O",))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"[]", "must be a JSON object"),
        (b"{", "not valid JSON"),
        (b'{"colour": "blue"}', "unknown keys: colour"),
        (b'{"fields": {"weekday": "d"}}', "'weekday', which is not a meeting field"),
        (b'{"header": false}', "must list its columns"),
        (b'{"columns": ["a"], "fields": {"name": "b"}}', "columns it does not list: b"),
        (b'{"day_numbering": "tuesday3"}', "day_numbering must be one of"),
        (b'{"delimiter": "||"}', "one character"),
        (b'{"codes": {"S": 5}}', "must be a code or a list of codes"),
        (b'{"fellowship": 7}', "fellowship must be a code"),
    ],
)
def test_a_bad_map_is_refused_with_a_clear_message(raw, message):
    with pytest.raises(FeedError, match=message):
        csv_legacy.load_map(raw)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"just some words\n", "cannot tell the delimiter"),
        (b"a,b\n1,2\n", "no column matches a meeting field"),
        ("slug,name\nx,Café\n".encode("utf-16"), "not utf-8 text"),
    ],
)
def test_a_file_that_cannot_be_read_raises_one_clear_line(data, message):
    with pytest.raises(FeedError, match=message):
        csv_legacy.load(data)

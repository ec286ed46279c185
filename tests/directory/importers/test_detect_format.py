"""Telling a feed's format from its bytes."""

import json

import pytest

from homegroup.directory.importers import FeedError, detect_format, load_feed


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'[{"id_bigint": "1", "weekday_tinyint": "2"}]', "bmlt"),
        (b'{"meetings": [{"id_bigint": "1"}], "formats": []}', "bmlt"),
        (b'  [{"name": "x", "slug": "x", "day": 1}]', "meeting-guide"),
        (b"[]", "meeting-guide"),
        (b"\xef\xbb\xbf[]", "meeting-guide"),
        (b"slug,name,day,time\n", "csv"),
        (b"2|Friday|6|5:30 PM|1730\n", "csv"),
        (json.dumps([{"name": "x"}]).encode("utf-16"), "meeting-guide"),
    ],
)
def test_the_format_is_told_from_the_opening_bytes(data, expected):
    assert detect_format(data) == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b'[{"key_string": "O", "world_id": "OPEN"}]', "GetFormats response"),
        (b'[{"id": "1", "parent_id": "0", "name": "Region"}]', "GetServiceBodies"),
        (b'{"name": "x"}', "a JSON object, not a meeting feed"),
        (b"<!doctype html><html>", "a web page, not a feed"),
        (b"\x00\x01\x02", "binary"),
    ],
)
def test_files_that_are_not_feeds_say_what_they_are(data, message):
    with pytest.raises(FeedError, match=message):
        detect_format(data)


def test_load_feed_detects_and_dispatches():
    data = json.dumps([{"name": "G", "slug": "g", "day": 0, "time": "9:00"}]).encode()
    result = load_feed(data)
    assert result.format == "meeting-guide"
    assert result.meetings[0].start.hour == 9


def test_load_feed_refuses_an_unknown_format():
    with pytest.raises(FeedError, match="unknown format 'xml'"):
        load_feed(b"[]", feed_format="xml")  # type: ignore[arg-type]

"""Tell a feed's format from its first bytes, for imports where ``--format`` is not given.

Only the opening of the file is looked at (no full parse): BMLT responses are recognised by
their field names, a JSON array (or one JSON object per line, NDJSON) otherwise is a Meeting
Guide feed, and text that is neither
JSON nor HTML is a delimited file. Files that are feeds' companions (a BMLT ``GetFormats`` or
``GetServiceBodies`` response) or a web page get a FeedError that says what to do instead.
"""

from __future__ import annotations

from typing import Final

from homegroup.directory.importers.canonical import FeedError, FeedFormat

_SNIFF_BYTES: Final = 65536
_BMLT_MARKERS: Final = (b'"weekday_tinyint"', b'"id_bigint"', b'"meeting_name"')
_BOMS: Final = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def detect_format(data: bytes) -> FeedFormat:
    """``"bmlt"``, ``"meeting-guide"`` or ``"csv"``; FeedError for anything else."""
    head = data[:_SNIFF_BYTES]
    for bom in _BOMS:
        if head.startswith(bom):
            if bom != _BOMS[0]:
                # UTF-16: decode the opening so the markers below can be found.
                head = head.decode("utf-16", errors="ignore").encode("utf-8")
            else:
                head = head[len(bom) :]
            break
    stripped = head.lstrip()
    if not stripped:
        raise FeedError("the file is empty")
    if b"\x00" in stripped[:1024]:
        raise FeedError("a binary file, not a meeting feed")
    first = stripped[:1]
    if first in (b"[", b"{"):
        if b'"key_string"' in head and not any(marker in head for marker in _BMLT_MARKERS):
            raise FeedError("a BMLT GetFormats response, not meetings: pass it with --formats")
        if any(marker in head for marker in _BMLT_MARKERS):
            return "bmlt"
        if b'"parent_id"' in head and first == b"[" and b'"slug"' not in head:
            raise FeedError("a BMLT GetServiceBodies response, not meetings")
        if first == b"{" and not _one_object_per_line(stripped):
            raise FeedError("a JSON object, not a meeting feed (Meeting Guide feeds are arrays)")
        return "meeting-guide"
    if first == b"<":
        raise FeedError(
            "a web page, not a feed: a Meeting Guide feed's address is in the page's "
            '<link rel="alternate" type="application/json"> tag'
        )
    return "csv"


def _one_object_per_line(head: bytes) -> bool:
    """NDJSON (one meeting object per line, as MongoDB and many tools export): the first two
    lines that are not blank each hold a whole object."""
    lines = [line.strip() for line in head.splitlines()[:50] if line.strip()]
    return (
        len(lines) >= 2
        and lines[0].startswith(b"{")
        and lines[0].endswith(b"}")
        and lines[1].startswith(b"{")
    )

"""Meeting feed importers: pure parsers and normalisers, no Django.

bytes → records + problems (``parse``) → canonical meetings + problems (``normalise``), one
module per wire format: ``meeting_guide`` (Meeting Guide JSON and TSML output), ``bmlt`` (BMLT
semantic API), ``csv_legacy`` (delimited files through a per-source map). ``detect`` picks the
format when it is not given; ``load_feed`` does all of it. ``directory.actions.import_feed``
diffs the result against what the source gave last time and stores it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from homegroup.directory.importers import bmlt, csv_legacy, meeting_guide
from homegroup.directory.importers.canonical import (
    ATTENDANCE_MODES,
    FEED_FORMATS,
    Attendance,
    CanonicalMeeting,
    Contact,
    FeedError,
    FeedFormat,
    ImportOptions,
    ImportResult,
    Problem,
)
from homegroup.directory.importers.detect import detect_format


def load_feed(
    data: bytes,
    *,
    feed_format: FeedFormat | None = None,
    options: ImportOptions | None = None,
    formats: bmlt.FormatTable | None = None,
    service_bodies: Mapping[str, tuple[str, str]] | None = None,
    source_map: csv_legacy.SourceMap | None = None,
) -> ImportResult:
    """Parse and normalise one file of a source. ``feed_format`` None = detect it.

    ``formats`` and ``service_bodies`` are for BMLT, ``source_map`` for delimited files (a map's
    codes, fellowship and nulls also apply to JSON feeds: they are format-independent). Raises
    FeedError when the file as a whole cannot be used.
    """
    chosen = feed_format or detect_format(data)
    options = options or ImportOptions()
    if source_map is not None and chosen != "csv":
        options = replace(
            options,
            fellowship=options.fellowship or source_map.fellowship,
            code_map={**source_map.codes, **options.code_map},
            nulls=options.nulls if source_map.nulls is None else source_map.nulls,
        )
    if chosen == "meeting-guide":
        return meeting_guide.load(data, options=options)
    if chosen == "bmlt":
        return bmlt.load(data, options=options, formats=formats, service_bodies=service_bodies)
    if chosen == "csv":
        return csv_legacy.load(data, source_map=source_map, options=options)
    raise FeedError(f"unknown format {chosen!r}; expected one of {', '.join(FEED_FORMATS)}")


__all__ = [
    "ATTENDANCE_MODES",
    "FEED_FORMATS",
    "Attendance",
    "CanonicalMeeting",
    "Contact",
    "FeedError",
    "FeedFormat",
    "ImportOptions",
    "ImportResult",
    "Problem",
    "detect_format",
    "load_feed",
]

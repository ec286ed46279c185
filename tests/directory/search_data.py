"""Meetings for the search, page, API and iCalendar tests, built only through actions.

`meeting(...)` lists one meeting (a Tuesday 19:00-20:00 AA meeting in Ithaca, NY unless told
otherwise) through `directory.actions.save_meeting`, then derives its MAT level as an import
would. `real_feeds()` imports the real Finger Lakes BMLT files and the Ontario feed.
"""

from __future__ import annotations

import itertools
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from homegroup.directory import actions
from homegroup.directory.importers import bmlt, load_feed
from homegroup.directory.importers.canonical import CanonicalMeeting
from homegroup.directory.models import Meeting
from homegroup.lib.times import duration_between

ITHACA = (42.4440, -76.5019)  # the Commons, downtown Ithaca
GENEVA = (42.8690, -76.9777)  # Geneva, NY: 60 km north-west of Ithaca
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "meetings"
_numbers = itertools.count(1)


def source(slug: str = "search-tests", zone: str = "America/New_York") -> Any:
    return actions.ensure_source(slug=slug, name=slug, default_timezone=zone)


def canonical(**overrides: Any) -> CanonicalMeeting:
    number = next(_numbers)
    values: dict[str, Any] = {
        "source_id": f"m{number}",
        "slug": f"meeting-{number}",
        "name": f"Meeting {number}",
        "day": 2,
        "start": time(19, 0),
        "end": time(20, 0),
        "fellowship": "AA",
        "attendance": "in_person",
        "attendance_reason": "test data",
        "timezone": "America/New_York",
        "location": "Community Hall",
        "formatted_address": "1 Main St, Ithaca, NY 14850, USA",
        "latitude": ITHACA[0],
        "longitude": ITHACA[1],
        "types": ("O",),
    }
    values.update(overrides)
    values["types"] = tuple(sorted(values["types"]))
    values.setdefault("duration", duration_between(start=values["start"], end=values["end"]))
    return CanonicalMeeting(**values)


def meeting(
    *, source_slug: str = "search-tests", now: datetime | None = None, **overrides: Any
) -> Meeting:
    saved = actions.save_meeting(
        source=source(source_slug), canonical=canonical(**overrides), now=now
    )
    actions.refresh_mat_level(saved.meeting)
    return saved.meeting


def real_feeds() -> int:
    """Import the three Finger Lakes BMLT files (day 2, 3, 4 around Geneva, NY) and the Ontario
    Meeting Guide sample; returns the number of meetings saved."""
    yap = FIXTURES / "bmlt_yap_fixtures"
    formats = bmlt.parse_formats((yap / "formats.json").read_bytes())
    saved = 0
    finger_lakes = source("finger-lakes")
    for day in (2, 3, 4):
        result = load_feed(
            (yap / f"meeting-search-42.867970-day{day}.json").read_bytes(), formats=formats
        )
        for found in result.meetings:
            actions.save_meeting(source=finger_lakes, canonical=found)
            saved += 1
    ontario = source("quinte", zone="America/Toronto")
    sample = FIXTURES / "meeting_guide_spec_samples" / "ontario_quinte_data-sample.json"
    for found in load_feed(sample.read_bytes()).meetings:
        actions.save_meeting(source=ontario, canonical=found)
        saved += 1
    return saved


ONE_HOUR = timedelta(hours=1)

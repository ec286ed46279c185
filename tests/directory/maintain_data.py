"""Directory data for the maintainer-page and MAT-report tests, built only through actions."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import time, timedelta
from typing import Any

from homegroup.accounts.models import User
from homegroup.directory import actions
from homegroup.directory.importers.canonical import CanonicalMeeting
from homegroup.directory.models import ImportRun, Meeting

# Queries every signed-in page makes before its own: the session, the user, the second-factor
# device, and the session policy's save of the last activity (in a savepoint).
REQUEST_QUERIES = 6

# Midtown Manhattan: on land, so the zone comes from the pin (America/New_York).
MANHATTAN = (40.7527, -73.9772)


def canonical(**overrides: Any) -> CanonicalMeeting:
    """A Tuesday evening AA meeting in Manhattan, as the maintainer form would build it."""
    values: dict[str, Any] = {
        "source_id": "",
        "slug": "",
        "name": "Tuesday Night Hope",
        "day": 2,
        "start": time(19, 0),
        "end": time(20, 0),
        "duration": timedelta(hours=1),
        "fellowship": "AA",
        "attendance": "in_person",
        "attendance_reason": "set by a maintainer",
        "address": "1 Park Ave",
        "city": "New York",
        "state": "NY",
        "postal_code": "10016",
        "country": "US",
        "formatted_address": "1 Park Ave, New York, NY 10016, US",
        "latitude": MANHATTAN[0],
        "longitude": MANHATTAN[1],
        "types": ("O",),
    }
    values.update(overrides)
    return CanonicalMeeting(**values)


def listed_meeting(maintainer: User, **overrides: Any) -> Meeting:
    """A meeting Max lists by hand."""
    return actions.create_meeting_by_maintainer(canonical=canonical(**overrides), actor=maintainer)


def mg_record(slug: str, **overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "name": f"Meeting {slug}",
        "slug": slug,
        "day": 3,
        "time": "18:30",
        "end_time": "19:30",
        "address": "1 Park Ave",
        "city": "New York",
        "state": "NY",
        "postal_code": "10016",
        "country": "US",
        "latitude": MANHATTAN[0],
        "longitude": MANHATTAN[1],
        "types": ["O", "D"],
    }
    record.update(overrides)
    return record


def import_records(source_slug: str, records: list[dict[str, Any]], **options: Any) -> ImportRun:
    """One import run of a Meeting Guide feed for the source (created when missing)."""
    source = actions.ensure_source(slug=source_slug, name=source_slug.title())
    return actions.import_feed(
        source=source,
        files=[(f"{source_slug}.json", json.dumps(records).encode())],
        feed_format="meeting-guide",
        **options,
    )


def moved(meeting_canonical: CanonicalMeeting, **overrides: Any) -> CanonicalMeeting:
    return replace(meeting_canonical, **overrides)


class FixedGeocoder:
    """A geocoder that knows every address is in Midtown Manhattan."""

    def geocode(self, address: str) -> tuple[float, float] | None:
        return MANHATTAN


class BrokenGeocoder:
    """A geocoder whose service is down."""

    def geocode(self, address: str) -> tuple[float, float] | None:
        raise TimeoutError("the geocoding service did not answer")


def form_data(**overrides: str) -> dict[str, str]:
    """What the maintainer's meeting form posts for a Wednesday lunchtime meeting in Manhattan."""
    data = {
        "name": "Lunch Bunch",
        "fellowship": "AA",
        "day": "3",
        "start_time": "12:00",
        "end_time": "13:00",
        "timezone": "",
        "location": "St. Mark's hall",
        "address": "1 Park Ave",
        "city": "New York",
        "state": "NY",
        "postal_code": "10016",
        "country": "US",
        "latitude": str(MANHATTAN[0]),
        "longitude": str(MANHATTAN[1]),
        "location_notes": "",
        "conference_url": "",
        "conference_url_notes": "",
        "conference_phone": "",
        "conference_phone_notes": "",
        "attendance": "",
        "types": "O, D",
        "group": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def edit_data(meeting: Meeting, **overrides: str) -> dict[str, str]:
    """The edit form of a meeting as the page shows it, with some fields changed."""
    from homegroup.directory.forms import meeting_initial

    data: dict[str, str] = {}
    for name, value in meeting_initial(meeting).items():
        if value is None:
            data[name] = ""
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, time):
            data[name] = value.strftime("%H:%M")
        else:
            data[name] = str(value)
    data.update(overrides)
    return data

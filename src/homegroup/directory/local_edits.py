"""A maintainer's edits of an imported meeting, kept over the feed field by field (pure).

A feed is right about most things, but a maintainer who moved a misplaced pin or fixed an
address must not see the next import undo it. Each edited field is kept as ``{"feed": the
feed's value when it was edited, "local": the maintainer's value}``. An import keeps the local
value while the feed still says what it said then; once the feed itself changes that field, the
feed wins (it knows something new) and the run reports the conflict, with both values, so the
maintainer can look again.

Values are kept in their JSON form (times as "HH:MM:SS", durations in seconds, codes as lists),
which is how ``Meeting.local_edits`` stores them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import time, timedelta
from typing import Any, Final

from homegroup.directory.importers.canonical import CanonicalMeeting

# What a maintainer's form edits (never the day: a new day moves the meeting within its source).
TRACKED: Final = (
    "name",
    "fellowship",
    "start",
    "end",
    "duration",
    "timezone",
    "location",
    "address",
    "city",
    "state",
    "postal_code",
    "country",
    "formatted_address",
    "latitude",
    "longitude",
    "approximate",
    "location_notes",
    "conference_url",
    "conference_url_notes",
    "conference_phone",
    "conference_phone_notes",
    "attendance",
    "attendance_reason",
    "types",
    "unknown_codes",
    "group",
    "notes",
)
_TIMES: Final = frozenset({"start", "end"})
_CODES: Final = frozenset({"types", "unknown_codes"})

Edits = dict[str, dict[str, Any]]


def to_json(field: str, value: Any) -> Any:
    if field in _TIMES:
        return value.isoformat()
    if field == "duration":
        return int(value.total_seconds())
    if field in _CODES:
        return list(value)
    return value


def from_json(field: str, value: Any) -> Any:
    if field in _TIMES:
        return time.fromisoformat(value)
    if field == "duration":
        return timedelta(seconds=value)
    if field in _CODES:
        return tuple(value)
    return value


def edits_after(
    *, before: CanonicalMeeting, after: CanonicalMeeting, previous: Mapping[str, Any]
) -> Edits:
    """The meeting's local edits once a maintainer changed ``before`` into ``after``. A field
    set back to the feed's value is no longer an edit."""
    edits: Edits = {name: dict(edit) for name, edit in previous.items() if name in TRACKED}
    for name in TRACKED:
        old = to_json(name, getattr(before, name))
        new = to_json(name, getattr(after, name))
        if old == new:
            continue
        feed = edits[name]["feed"] if name in edits else old
        if new == feed:
            edits.pop(name, None)
        else:
            edits[name] = {"feed": feed, "local": new}
    return edits


@dataclass(frozen=True)
class Merged:
    """A feed's meeting with the local edits that still hold applied."""

    meeting: CanonicalMeeting
    kept: tuple[str, ...]  # fields whose local value was kept over the feed
    conflicts: dict[str, dict[str, Any]]  # {field: {"local": ..., "feed": ...}}: the feed won
    edits: Edits  # what remains to keep next time


def apply_edits(feed: CanonicalMeeting, edits: Mapping[str, Any]) -> Merged:
    """Keep each edit while the feed's value is the one the maintainer saw; drop it, as a
    conflict, when the feed changed that field since."""
    changes: dict[str, Any] = {}
    kept: list[str] = []
    conflicts: dict[str, dict[str, Any]] = {}
    remaining: Edits = {}
    for name, edit in edits.items():
        if name not in TRACKED:
            continue
        now = to_json(name, getattr(feed, name))
        if now == edit.get("feed"):
            changes[name] = from_json(name, edit.get("local"))
            kept.append(name)
            remaining[name] = dict(edit)
        else:
            conflicts[name] = {"local": edit.get("local"), "feed": now}
    merged = replace(feed, **changes) if changes else feed
    return Merged(merged, tuple(sorted(kept)), conflicts, remaining)

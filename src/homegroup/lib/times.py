"""Wall-clock times and durations as meeting feeds write them.

A meeting's schedule is local wall-clock time plus an IANA zone; this module only deals with the
wall-clock part. An end time earlier than the start means the meeting crosses midnight (the
Meeting Guide's rule), so end times are never "fixed up" by dropping them.
"""

from __future__ import annotations

import re
from datetime import time, timedelta
from functools import lru_cache
from typing import Final

MINUTE: Final = timedelta(minutes=1)
DAY: Final = timedelta(days=1)

_CLOCK = re.compile(r"(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?")
_MILITARY = re.compile(r"\d{3,4}")
_MERIDIEM = re.compile(r"\s*([ap])\.?\s*m?\.?$")
_DURATION_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_DURATION_WORDS = re.compile(
    r"(?:(?P<hours>\d+(?:\.\d+)?)\s*(?:h|hr|hrs|hour|hours)\.?)?\s*"
    r"(?:(?P<minutes>\d+)\s*(?:m|min|mins|minute|minutes)?\.?)?"
)
_WORDS: Final = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}


def _hm(hour: int, minute: int, second: int, raw: object) -> time:
    if hour == 24 and minute == 0 and second == 0:
        # "24:00" is how some sources write "the end of the day"; as a wall-clock time it is
        # midnight, and end-before-start then says the meeting runs up to midnight.
        return time(0, 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59):
        raise ValueError(f"not a time of day: {raw!r}")
    return time(hour, minute, second)


@lru_cache(maxsize=4096)
def _parse_time_text(text: str) -> time:
    # Cached because a feed repeats a few dozen distinct times across thousands of meetings.
    raw = text
    text = text.strip().lower()
    if not text:
        raise ValueError("no time given")
    if text in _WORDS:
        return _WORDS[text]
    if text in ("12 noon", "12noon", "12:00 noon"):
        return time(12, 0)
    meridiem_match = _MERIDIEM.search(text)
    meridiem = None
    if meridiem_match:
        meridiem = meridiem_match.group(1)
        text = text[: meridiem_match.start()].strip()
    if _MILITARY.fullmatch(text):
        # "1730", "600", "730pm": a time without a colon, as legacy exports write it.
        hour, minute, second = int(text[:-2]), int(text[-2:]), 0
        if meridiem is None:
            return _hm(hour, minute, second, raw)
    else:
        match = _CLOCK.fullmatch(text)
        if not match:
            raise ValueError(f"not a time of day: {raw!r} (expected e.g. 19:30 or 7:30 PM)")
        hour = int(match.group(1))
        minute = int(match.group(2) or 0)
        second = int(match.group(3) or 0)
        if meridiem is None:
            if match.group(2) is None:
                raise ValueError(f"not a time of day: {raw!r} (an hour alone needs AM or PM)")
            return _hm(hour, minute, second, raw)
    if not 1 <= hour <= 12:
        raise ValueError(f"not a time of day: {raw!r} (12-hour clock hours are 1-12)")
    hour = hour % 12 + (12 if meridiem == "p" else 0)
    return _hm(hour, minute, second, raw)


def parse_time(value: str | time) -> time:
    """Read a time of day: ``19:30``, ``19:30:00``, ``7:30 PM``, ``7:30pm``, ``7 p.m.``,
    ``1730``, ``600``, ``noon``, ``midnight``.

    Raises ValueError with the offending text when it is not a time.
    """
    if isinstance(value, time):
        return value
    if not isinstance(value, str):
        raise ValueError(f"not a time of day: {value!r} (expected text such as 19:30)")
    return _parse_time_text(value)


@lru_cache(maxsize=1024)
def _parse_duration_text(text: str) -> timedelta:
    raw = text
    text = text.strip().lower()
    if not text:
        raise ValueError("no duration given")
    if text.isdigit():
        return timedelta(minutes=int(text))
    match = _DURATION_CLOCK.fullmatch(text)
    if match:
        minutes = int(match.group(2))
        seconds = int(match.group(3) or 0)
        if minutes > 59 or seconds > 59:
            raise ValueError(f"not a duration: {raw!r}")
        return timedelta(hours=int(match.group(1)), minutes=minutes, seconds=seconds)
    match = _DURATION_WORDS.fullmatch(text)
    if match and (match.group("hours") or match.group("minutes")):
        hours = float(match.group("hours") or 0)
        return timedelta(hours=hours, minutes=int(match.group("minutes") or 0))
    raise ValueError(f"not a duration: {raw!r} (expected e.g. 01:30:00, 1:30, 90 or 1hr 30mins)")


def parse_duration(value: str | int | timedelta) -> timedelta:
    """Read a duration: ``01:30:00`` and ``1:30`` (hours:minutes), ``90`` (minutes),
    ``1hr 30mins``, ``1.5 hours``.

    A duration is at most a day: a weekly meeting cannot overlap its own next occurrence.
    """
    if isinstance(value, timedelta):
        result = value
    elif isinstance(value, bool):
        raise ValueError(f"not a duration: {value!r}")
    elif isinstance(value, int):
        result = timedelta(minutes=value)
    elif isinstance(value, str):
        result = _parse_duration_text(value)
    else:
        raise ValueError(f"not a duration: {value!r}")
    if result < timedelta(0):
        raise ValueError(f"a duration cannot be negative: {value!r}")
    if result > DAY:
        raise ValueError(f"a duration longer than a day is not a meeting: {value!r}")
    return result


def _seconds(value: time) -> int:
    return value.hour * 3600 + value.minute * 60 + value.second


def end_from_start(*, start: time, duration: timedelta) -> time:
    """The wall-clock end of a meeting that starts at ``start`` and lasts ``duration``
    (wrapping past midnight)."""
    if duration < timedelta(0) or duration > DAY:
        raise ValueError(f"duration must be between 0 and 24 hours, not {duration}")
    total = (_seconds(start) + int(duration.total_seconds())) % 86400
    return time(total // 3600, total % 3600 // 60, total % 60)


def crosses_midnight(*, start: time, end: time) -> bool:
    """Whether a meeting from ``start`` to ``end`` runs past midnight (end before start)."""
    return _seconds(end) < _seconds(start)


def duration_between(*, start: time, end: time) -> timedelta:
    """How long a meeting from ``start`` to ``end`` lasts; an end before the start is on the
    next day. An end equal to the start is read as no duration, never as 24 hours."""
    seconds = _seconds(end) - _seconds(start)
    if seconds < 0:
        seconds += 86400
    return timedelta(seconds=seconds)


def format_time(value: time) -> str:
    """``HH:MM`` as the Meeting Guide spec writes times (seconds dropped)."""
    return f"{value.hour:02d}:{value.minute:02d}"

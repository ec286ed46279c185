"""Which IANA time zone a meeting keeps, and how that was decided.

A feed's own zone wins; else the zone at the meeting's coordinates (offline, timezonefinder);
else the source's default. The answer always says which, so an import report can list the
meetings whose zone was not given by the feed: a zone is never guessed silently.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Literal
from zoneinfo import available_timezones

if TYPE_CHECKING:
    from timezonefinder import TimezoneFinder

TimezoneHow = Literal["feed", "coordinates", "source_default", "unresolved"]


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def is_timezone(name: str) -> bool:
    """Whether ``name`` is an IANA zone name known to this machine's tz database."""
    return name in _zone_names()


def check_timezone(name: str) -> str:
    """The name, trimmed, or ValueError if it is not an IANA zone ("EST5EDT" and "UTC" are;
    "Eastern" and "GMT-5" are not)."""
    text = name.strip()
    if not is_timezone(text):
        raise ValueError(f"not an IANA time zone: {name!r} (expected e.g. America/New_York)")
    return text


@cache
def _finder() -> TimezoneFinder:
    # Loading the polygons takes ~50 ms: once per process, only when a feed lacks zones.
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()


def timezone_at(*, latitude: float, longitude: float) -> str | None:
    """The zone at a point on land, or None at sea: a sea zone such as "Etc/GMT+5" has no
    daylight saving time and would be wrong for a mis-geocoded meeting on land."""
    zone = _finder().timezone_at_land(lng=longitude, lat=latitude)
    return zone if zone is not None and is_timezone(zone) else None


def resolve_timezone(
    *,
    tz: str | None,
    latitude: float | None,
    longitude: float | None,
    default: str | None,
) -> tuple[str | None, TimezoneHow]:
    """Decide a meeting's zone: the feed's ``tz`` if given; else the zone at the coordinates;
    else the source's ``default``; else ``(None, "unresolved")``.

    A ``tz`` or ``default`` that is not an IANA zone raises ValueError: a typo in a feed or a
    source's settings must be reported, not skipped over.
    """
    if tz:
        return check_timezone(tz), "feed"
    if latitude is not None and longitude is not None:
        zone = timezone_at(latitude=latitude, longitude=longitude)
        if zone is not None:
            return zone, "coordinates"
    if default:
        return check_timezone(default), "source_default"
    return None, "unresolved"

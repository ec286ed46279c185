"""When the "welcomes people on medication" filter leaves few meetings: say how thin the
evidence is, and still help.

Few meetings carry any evidence yet, so "0 meetings that welcome people on medication" mostly
means "nobody has told us yet", not "no meeting will have you". `thin_evidence` answers a
search that asked for ``mat_friendly`` and found fewer than `FEW_RESULTS` with:

- ``mat_unknown_nearby``: how many meetings the same search finds whose level is still
  unknown (no report yet);
- up to three suggestions, each a search a person can take in one tap (the page) or run
  (the API: ``query`` holds the search's parameters, ``count`` its number of matches):
  ``nearest_welcoming`` (welcoming meetings further away: the first of `WIDER_KM` around the
  same point that finds more), ``online_inclusive`` (online meetings of fellowships whose
  charter welcomes medication: MARA and the like) and ``include_unknown`` (the same search
  without the filter: every meeting nearby, unknown ones included).

Every count comes from `directory.search` (the in-memory index when current): a handful of
counts, each a fraction of a millisecond from the index.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from homegroup.directory.models import Fellowship, MatLevel
from homegroup.directory.query import MAX_LIMIT, MeetingQuery
from homegroup.directory.search import count, search
from homegroup.directory.units import distance_text

FEW_RESULTS = 5
# Radii tried, in km, for "the nearest welcoming meetings": about 30, 60, 155 and 310 miles.
WIDER_KM = (50.0, 100.0, 250.0, 500.0)

SuggestionKind = Literal["nearest_welcoming", "online_inclusive", "include_unknown"]


@dataclass(frozen=True)
class Suggestion:
    kind: SuggestionKind
    label: str
    query: dict[str, str]  # the search's parameters, as a URL's query string would carry them
    count: int
    nearest_km: float | None = None


@dataclass(frozen=True)
class ThinEvidence:
    mat_unknown_nearby: int
    suggestions: list[Suggestion] = field(default_factory=list)


def query_params(query: MeetingQuery) -> dict[str, str]:
    """The parameters that give ``query`` back (lists comma-joined; defaults, paging and
    empty values left out), in a stable order."""
    params: dict[str, str] = {}
    defaults = MeetingQuery()
    for name in MeetingQuery.model_fields:
        if name in ("limit", "offset"):
            continue
        value: Any = getattr(query, name)
        if value == getattr(defaults, name) or value is None:
            continue
        if isinstance(value, list):
            params[name] = ",".join(str(item) for item in value)
        elif isinstance(value, bool):
            params[name] = "true" if value else "false"
        elif isinstance(value, float) and value.is_integer():
            params[name] = str(int(value))
        else:
            params[name] = str(value)
    return params


def _first(query: MeetingQuery) -> MeetingQuery:
    return query.model_copy(update={"offset": 0})


def _nearest_welcoming(query: MeetingQuery, *, now: datetime, found: int) -> Suggestion | None:
    """Welcoming meetings around the same point at the first wider radius that finds more
    than the search did; only the point and the filter are kept (any day, any time)."""
    point = query.point
    if point is None:
        return None
    for radius in WIDER_KM:
        if radius <= query.radius_km:
            continue
        wider = MeetingQuery(
            lat=query.lat,
            lng=query.lng,
            near=query.near,
            radius_km=radius,
            mat_friendly=True,
            attendance=query.attendance,
            limit=MAX_LIMIT,
        )
        answer = search(wider, now=now)
        if answer.count <= found:
            continue
        distances = [item.distance_km for item in answer.results if item.distance_km is not None]
        nearest = min(distances) if distances else None
        label = ngettext(
            "%(count)s welcoming meeting within %(radius)s",
            "%(count)s welcoming meetings within %(radius)s",
            answer.count,
        ) % {"count": answer.count, "radius": distance_text(radius, point, whole=True)}
        if nearest is not None:
            label += ", " + _("the nearest %(distance)s away") % {
                "distance": distance_text(nearest, point)
            }
        return Suggestion(
            "nearest_welcoming", label, query_params(wider), answer.count, nearest_km=nearest
        )
    return None


def _online_inclusive(now: datetime) -> Suggestion | None:
    """Online meetings of fellowships whose charter welcomes people on medication."""
    fellowships = list(
        Fellowship.objects.filter(medication_inclusive_charter=True)
        .order_by("code")
        .values_list("code", flat=True)
    )
    if not fellowships:
        return None
    online = MeetingQuery(attendance=["online"], fellowship=fellowships, mat_friendly=True)
    found = count(online, now=now)
    if not found:
        return None
    label = ngettext(
        "%(count)s online meeting of fellowships that welcome medication by their charter "
        "(%(fellowships)s)",
        "%(count)s online meetings of fellowships that welcome medication by their charter "
        "(%(fellowships)s)",
        found,
    ) % {"count": found, "fellowships": ", ".join(fellowships)}
    return Suggestion("online_inclusive", label, query_params(online), found)


def unknown_nearby(query: MeetingQuery, *, now: datetime) -> int:
    """How many meetings the same search finds without the medication filter whose level is
    still unknown."""
    return count(
        _first(query).model_copy(
            update={"mat_friendly": False, "mat_level": [MatLevel.UNKNOWN.value]}
        ),
        now=now,
    )


def thin_evidence(query: MeetingQuery, *, now: datetime, found: int) -> ThinEvidence | None:
    """The thin-evidence answer to a search with the medication filter that found ``found``
    (fewer than `FEW_RESULTS`); None for any other search."""
    if not query.mat_friendly or found >= FEW_RESULTS:
        return None
    without_filter = _first(query).model_copy(update={"mat_friendly": False})
    unknown = unknown_nearby(query, now=now)
    suggestions: list[Suggestion] = []
    nearest = _nearest_welcoming(query, now=now, found=found)
    if nearest is not None:
        suggestions.append(nearest)
    online = _online_inclusive(now)
    if online is not None:
        suggestions.append(online)
    everything = count(without_filter, now=now)
    if everything > found:
        label = ngettext(
            "Show all %(count)s meeting nearby, %(unknown)s with no report yet",
            "Show all %(count)s meetings nearby, %(unknown)s with no report yet",
            everything,
        ) % {"count": everything, "unknown": unknown}
        suggestions.append(
            Suggestion("include_unknown", label, query_params(without_filter), everything)
        )
    return ThinEvidence(unknown, suggestions)


__all__ = [
    "FEW_RESULTS",
    "WIDER_KM",
    "Suggestion",
    "ThinEvidence",
    "query_params",
    "thin_evidence",
    "unknown_nearby",
]

"""The one meeting search, used by the search page, `GET /api/v1/meetings` and `/meetings.ics`.

`search(query, now=...)` (the query: `directory.query.MeetingQuery`) answers in three steps:

1. **Find and order the matches**, from this process's in-memory index when it is current
   (`directory.index`: array operations, about a millisecond at 100,000 meetings), else from
   SQL:
   - **SQL narrows with indexed columns**: active meetings; attendance; weekday; a wall-clock
     window of (weekday, start time) that holds every meeting in any zone on Earth that could
     start within the hours asked (`lib.schedule.wall_clock_window`); the bounding box of the
     circle on latitude/longitude; fellowship; MAT level; each type as ``type_codes``
     containing ``,X,``; the keyword. Only the few columns the next step needs are read.
   - **Python decides exactly**: the great-circle distance against the radius, and "starts
     within the next N hours" in each meeting's own zone (`lib.schedule`).
   Both sort by next start, then distance (unknown distance last), then id, and count.
2. **The page** as `Listing`s (what a result shows: the page, the API; `/meetings.ics` loads
   whole meetings for its calendar): from the index's memory, or by primary key in one query.
3. Each result's next start as an aware datetime in the meeting's zone.

A meeting in progress counts as starting now (`lib.schedule`), so its ``next_start`` can be a
moment ago. The query's semantics are in `directory.query`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from functools import cache
from typing import Any, Literal, NamedTuple

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.urls import reverse

from homegroup.directory.index import Ranked, indexes
from homegroup.directory.models import (
    Fellowship,
    MatEvidence,
    Meeting,
    ReviewStatus,
)
from homegroup.directory.places import Place
from homegroup.directory.query import (
    ATTENDANCE_MODES,
    DEFAULT_ATTENDANCE,
    DEFAULT_LIMIT,
    DEFAULT_RADIUS_KM,
    JOINABLE_ONLINE,
    MAT_FRIENDLY_LEVELS,
    MAX_HOURS,
    MAX_LIMIT,
    MAX_RADIUS_KM,
    TIMES_OF_DAY,
    AttendanceMode,
    MeetingQuery,
    errors_by_field,
    parse_query,
)
from homegroup.directory.results import ListedEvidence, ListedFellowship, Listing
from homegroup.lib.geo import bounding_box, haversine_km
from homegroup.lib.schedule import (
    EPOCH,
    MICROSECOND,
    WallClockWindow,
    WeeklyClock,
    microseconds,
    wall_clock_window,
    zone,
)
from homegroup.replica import read_connection

__all__ = [
    "ATTENDANCE_MODES",
    "DEFAULT_ATTENDANCE",
    "DEFAULT_LIMIT",
    "DEFAULT_RADIUS_KM",
    "JOINABLE_ONLINE",
    "MAT_FRIENDLY_LEVELS",
    "MAX_HOURS",
    "MAX_LIMIT",
    "MAX_RADIUS_KM",
    "AttendanceMode",
    "Found",
    "Listing",
    "MeetingQuery",
    "SearchResult",
    "count",
    "errors_by_field",
    "meeting_urls",
    "narrowed",
    "page_listings",
    "parse_query",
    "search",
]


class Found(NamedTuple):
    meeting: Listing
    next_start: datetime  # aware, in the meeting's zone; before `now` when in progress
    distance_km: float | None  # None without a point, or for a meeting without coordinates


@dataclass(frozen=True)
class SearchResult:
    count: int
    results: list[Found]
    place: Place | None
    now: datetime
    answered_by: Literal["index", "sql"] = "sql"


class _Candidate(NamedTuple):
    starts_us: int  # microseconds since 1970: cheap to sort, exact
    distance_key: float  # the distance, or infinity when unknown (sorted last)
    pk: int
    distance_km: float | None
    zone_name: str


_CANDIDATE_COLUMNS = (
    "pk",
    "day",
    "start_time",
    "end_time",
    "timezone",
    "latitude",
    "longitude",
    "attendance",
)


def narrowed(query: MeetingQuery, *, now: datetime, point: Place | None) -> QuerySet[Meeting]:
    """Step 1: the meetings that may match, by indexed columns (a superset of the answer)."""
    meetings = Meeting.objects.active().filter(
        attendance__in=query.attendance or DEFAULT_ATTENDANCE
    )
    if query.days:
        meetings = meetings.filter(day__in=query.days)
    if query.starts_within_hours is not None:
        window = wall_clock_window(now=now, hours=query.starts_within_hours)
        if window.starts:
            meetings = meetings.filter(_within(window))
    if point is not None:
        # A metre of slack: a meeting exactly on the circle must not be lost to rounding in
        # the box; the exact distance check below decides.
        box = bounding_box(
            lat=point.latitude, lng=point.longitude, radius_km=query.radius_km + 0.001
        )
        near = Q(latitude__gte=box.min_lat, latitude__lte=box.max_lat)
        if box.crosses_antimeridian:
            near &= Q(longitude__gte=box.min_lng) | Q(longitude__lte=box.max_lng)
        else:
            near &= Q(longitude__gte=box.min_lng, longitude__lte=box.max_lng)
        if query.include_online:
            near |= Q(attendance__in=JOINABLE_ONLINE)
        meetings = meetings.filter(near)
    if query.fellowship:
        meetings = meetings.filter(fellowship__code__in=query.fellowship)
    if query.mat_friendly:
        meetings = meetings.filter(mat_level__in=MAT_FRIENDLY_LEVELS)
    if query.mat_level:
        meetings = meetings.filter(mat_level__in=query.mat_level)
    if query.time_of_day:
        meetings = meetings.filter(_starting_in(query.time_of_day))
    for code in query.types:
        # icontains: case-insensitive on SQLite and PostgreSQL alike ("12x12" and "12X12").
        meetings = meetings.filter(type_codes__icontains=f",{code},")
    if query.q:
        words = query.q
        meetings = meetings.filter(
            Q(name__icontains=words)
            | Q(location__icontains=words)
            | Q(notes__icontains=words)
            | Q(group__icontains=words)
        )
    return meetings.order_by()


def _starting_in(parts: Sequence[str]) -> Q:
    condition = Q()
    for part in parts:
        for earliest, before in TIMES_OF_DAY[part]:
            within = Q(start_time__gte=earliest)
            if before is not None:
                within &= Q(start_time__lt=before)
            condition |= within
    return condition


def _within(window: WallClockWindow) -> Q:
    """`lib.schedule.might_start_within` as SQL: starts in the window, or possibly ongoing."""
    condition = Q()
    for day, earliest, latest in window.starts:
        condition |= Q(day=day, start_time__gte=earliest, start_time__lte=latest)
    after = window.ongoing_after
    crosses_midnight = Q(end_time__lt=F("start_time"))
    condition |= Q(day=window.ongoing_day, start_time__lt=after) & (
        Q(end_time__gt=after) | crosses_midnight
    )
    condition |= Q(day=(window.ongoing_day - 1) % 7, end_time__gt=after) & crosses_midnight
    return condition


def _candidates(query: MeetingQuery, *, now: datetime, point: Place | None) -> list[_Candidate]:
    """Every match, found with SQL and checked in Python, as sortable light tuples."""
    now_utc = now.astimezone(UTC)
    horizon = (
        microseconds(now_utc + timedelta(hours=query.starts_within_hours))
        if query.starts_within_hours is not None
        else None
    )
    clocks: dict[str, WeeklyClock] = {}
    found: list[_Candidate] = []
    rows = narrowed(query, now=now, point=point).values_list(*_CANDIDATE_COLUMNS)
    for pk, day, start, end, zone_name, latitude, longitude, attendance in rows:
        distance: float | None = None
        if point is not None:
            if latitude is not None and longitude is not None:
                distance = haversine_km(
                    lat1=point.latitude, lng1=point.longitude, lat2=latitude, lng2=longitude
                )
            near = distance is not None and distance <= query.radius_km
            if not near and not (query.include_online and attendance in JOINABLE_ONLINE):
                continue
        clock = clocks.get(zone_name)
        if clock is None:
            clock = clocks[zone_name] = WeeklyClock(zone_name, now_utc)
        starts = clock.next_start_us(day=day, start=start, end=end)
        if horizon is not None and starts > horizon:
            continue
        found.append(
            _Candidate(starts, math.inf if distance is None else distance, pk, distance, zone_name)
        )
    found.sort()
    return found


def rank_with_sql(query: MeetingQuery, *, now: datetime, point: Place | None) -> Ranked:
    """The count and the page of results, the SQL way (the index's ``rank`` in SQL)."""
    candidates = _candidates(query, now=now, point=point)
    chosen = candidates[query.offset : query.offset + query.limit]
    return Ranked(
        len(candidates),
        [(item.pk, item.starts_us, item.zone_name, item.distance_km) for item in chosen],
    )


# --- The page ---------------------------------------------------------------------------------

_LISTING_COLUMNS = (
    "id", "slug", "name", "day", "start_time", "end_time", "timezone", "type_codes",
    "attendance", "location", "address", "formatted_address", "latitude", "longitude",
    "approximate", "conference_url", "conference_phone", "mat_level",
)  # fmt: skip
_FELLOWSHIP_COLUMNS = ("code", "name", "medication_inclusive_charter", "charter_reference")
_EVIDENCE_COLUMNS = ("kind", "stance", "summary", "observed_at")


@cache
def _page_sql(vendor: str, count: int) -> str:
    """One query for a page of ``count`` meetings: their columns, their fellowship's and their
    counted evidence (one row per piece of evidence, or one row without). Raw SQL, built from
    the models' names: the ORM's query building and model instances would cost more than the
    whole search. ``vendor`` keys the cache (quoting differs)."""
    quote = connection.ops.quote_name
    meeting, fellowship, evidence = Meeting._meta, Fellowship._meta, MatEvidence._meta

    def columns(alias: str, model: Any, names: tuple[str, ...]) -> str:
        return ", ".join(f"{alias}.{quote(model.get_field(name).column)}" for name in names)

    pk = quote("id")
    selected = ", ".join(
        [
            columns("m", meeting, _LISTING_COLUMNS),
            columns("f", fellowship, _FELLOWSHIP_COLUMNS),
            columns("e", evidence, _EVIDENCE_COLUMNS),
        ]
    )
    return (
        f"SELECT {selected} "  # noqa: S608 - names from the models
        f"FROM {quote(meeting.db_table)} m "
        f"JOIN {quote(fellowship.db_table)} f "
        f"ON f.{pk} = m.{quote(meeting.get_field('fellowship').column)} "
        f"LEFT JOIN {quote(evidence.db_table)} e "
        f"ON e.{quote(evidence.get_field('meeting').column)} = m.{pk} "
        f"AND e.{quote(evidence.get_field('review_status').column)} = %s "
        f"WHERE m.{pk} IN ({', '.join(['%s'] * count)}) "
        f"ORDER BY m.{pk}, e.{quote(evidence.get_field('observed_at').column)} DESC, e.{pk} DESC"
    )


def _clock(value: Any) -> clock_time:
    # SQLite gives times and datetimes as text, PostgreSQL as objects.
    return clock_time.fromisoformat(value) if isinstance(value, str) else value


def _moment(value: Any) -> datetime:
    moment: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def page_listings(pks: list[int]) -> dict[int, Listing]:
    """The page's meetings by id, in one query (a meeting deleted meanwhile is left out)."""
    if not pks:
        return {}
    with read_connection().cursor() as cursor:
        cursor.execute(_page_sql(connection.vendor, len(pks)), [ReviewStatus.ACCEPTED, *pks])
        rows = cursor.fetchall()
    width = len(_LISTING_COLUMNS)
    listed: dict[int, Listing] = {}
    evidence: dict[int, list[ListedEvidence]] = {}
    for row in rows:
        pk = row[0]
        if pk not in listed:
            (_pk, slug, name, day, start, end, zone_name, type_codes, attendance, location,
             address, formatted_address, latitude, longitude, approximate, conference_url,
             conference_phone, mat_level) = row[:width]  # fmt: skip
            code, fellowship_name, charter, reference = row[width : width + 4]
            evidence[pk] = []
            listed[pk] = Listing(
                pk, slug, name, day, _clock(start), _clock(end), zone_name, type_codes,
                attendance, location, address, formatted_address, latitude, longitude,
                bool(approximate), conference_url, conference_phone, mat_level,
                ListedFellowship(code, fellowship_name, bool(charter), reference),
                (),
            )  # fmt: skip
        kind, stance, summary, observed_at = row[width + 4 :]
        if kind is not None:
            evidence[pk].append(ListedEvidence(kind, stance, summary, _moment(observed_at)))
    return {
        pk: _with_evidence(listing, evidence[pk]) if evidence[pk] else listing
        for pk, listing in listed.items()
    }


def _with_evidence(listing: Listing, evidence: list[ListedEvidence]) -> Listing:
    from dataclasses import replace

    return replace(listing, counted_evidence=tuple(evidence))


def _next_start(us: int, zone_name: str) -> datetime:
    return (EPOCH + us * MICROSECOND).astimezone(zone(zone_name))


def search(
    query: MeetingQuery, *, now: datetime, using: Literal["auto", "index", "sql"] = "auto"
) -> SearchResult:
    """The meetings matching ``query``, soonest first, then nearest; one page of them.

    ``using``: "auto" answers from the index when it is current, else from SQL (and starts
    making the index, see `directory.index`); "index" makes the index first when it is not
    current; "sql" never uses it (tests and benchmarks compare the two)."""
    point = query.point
    index = None
    if using == "auto":
        index = indexes.current()
    elif using == "index":
        index = indexes.current(mode="inline")
        if index is None:
            raise RuntimeError("the search index could not be built (see the log)")
    ranked = (
        index.rank(query, now=now, point=point)
        if index is not None
        else rank_with_sql(query, now=now, point=point)
    )
    listings = ranked.listings
    if listings is None:
        listings = page_listings([pk for pk, _starts, _zone, _distance in ranked.page])
    return SearchResult(
        count=ranked.count,
        results=[
            Found(listings[pk], _next_start(starts, zone_name), distance)
            for pk, starts, zone_name, distance in ranked.page
            if pk in listings
        ],
        place=point,
        now=now,
        answered_by="index" if index is not None else "sql",
    )


def count(query: MeetingQuery, *, now: datetime) -> int:
    """How many meetings match ``query``, without a page: what "N more without this filter"
    costs (a fraction of a millisecond from the index; a whole SQL search without it)."""
    index = indexes.current()
    if index is not None:
        return index.count(query, now=now)
    return rank_with_sql(query.model_copy(update={"limit": 1}), now=now, point=query.point).count


def meeting_urls() -> Callable[[str], str]:
    """slug → the meeting page's URL, resolving the pattern once rather than once per result
    (the page and the API show 50)."""
    marker = "zz-slug-marker-zz"  # a slug itself: it reverses as any slug would
    pattern = reverse("directory:meeting", args=[marker])
    return lambda slug: pattern.replace(marker, slug)

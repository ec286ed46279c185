"""The search's in-memory index: every listed meeting's searchable columns as numpy arrays, so
that a search of a national directory takes about a millisecond in the process that serves it
(ADR 0006).

The directory is read far more than written, and changes only through actions, each of which
bumps the directory's version (`directory.version`). Each process keeps one index (`indexes`),
made from a read of the listed meetings (a chunk of ids at a time) and of their counted MAT
evidence; every search first reads the version (one indexed one-row read) and uses the index
only when it was made from that version. Otherwise the search is answered from SQL
(`directory.search`) while the index is made again — in a background thread
(``HOMEGROUP_SEARCH_INDEX=background``, the default), during that search (``inline``: tests,
one-shot commands), or never (``off``).

What the index holds (``SearchIndex``), rows sorted by place (`lib.points`: latitude bands,
then longitude; meetings without coordinates last):

- each meeting's id, coordinates, weekday, local start and end, zone, attendance mode, MAT
  level and fellowship as arrays; its type codes as bit sets (one bit per code, upper-cased);
- its name, location, notes and group as ids of distinct texts, with a word index over those
  texts for keywords (`lib.substrings`);
- the rows of each weekday by start time, of the meetings one can join online per weekday;
- what a result shows (`results.Listing`): the other columns packed, fellowships, evidence.

A search picks the fewest rows it can start from (the circle's box; else the keyword's rows;
else the wall-clock window of "starts within"; else its days'), keeps those that pass every
filter (array operations), computes the exact distance and each remaining meeting's next start
in its own zone (`lib.clocks`, the same instant as `lib.schedule`), sorts the first page's worth
by next start, distance and id, as the SQL path does, and makes the page's listings.

Results are the SQL path's, count, order and listings included
(`tests/directory/test_search_reference.py`). One difference: keywords match case-insensitively
with Python's ``str.lower`` on all of Unicode (like PostgreSQL's ``UPPER``), where the SQL path on
SQLite folds ASCII letters only.

Over 600 lines on purpose: the index's arrays and every filter over them share one private
layout (positions, bit sets, word postings) that must change together.
"""

from __future__ import annotations

import contextlib
import contextvars
import ctypes
import logging
import math
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.db import connection, connections

from homegroup.directory import version
from homegroup.directory.models import Attendance, Fellowship, MatEvidence, MatLevel, Meeting
from homegroup.directory.places import Place
from homegroup.directory.query import (
    DEFAULT_ATTENDANCE,
    JOINABLE_ONLINE,
    MAT_FRIENDLY_LEVELS,
    TIMES_OF_DAY,
    MeetingQuery,
)
from homegroup.directory.results import ListedEvidence, ListedFellowship, Listing
from homegroup.lib import clocks, points
from homegroup.lib.geo import bounding_box, haversine_km
from homegroup.lib.schedule import WallClockWindow, microseconds, wall_clock_window, zone
from homegroup.lib.substrings import SubstringIndex
from homegroup.replica import read_connection

logger = logging.getLogger(__name__)

Int64s = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

ATTENDANCE_CODES: tuple[str, ...] = tuple(Attendance.values)
MAT_CODES: tuple[str, ...] = tuple(MatLevel.values)
TEXT_FIELDS = ("name", "location", "notes", "group")
_BITS = 64
# A build that failed is tried again for the same version only after this long.
RETRY_SECONDS = 60.0


@dataclass(frozen=True)
class Ranked:
    """A search's answer before its page is loaded: how many matched, and the page as
    (meeting id, next start in microseconds since 1970, zone name, exact distance or None),
    with the page's listings when they are at hand (the index has them in memory)."""

    count: int
    page: list[tuple[int, int, str, float | None]]
    listings: dict[int, Listing] | None = None


@dataclass(frozen=True, eq=False)
class Selection:
    """The rows (index positions) matching a query, with each one's next start and, with a
    point, its distance to `lib.points.tolerance_km` (infinity without coordinates)."""

    rows: Int64s
    starts: Int64s
    distances: Floats | None


def _clock_time(us: int) -> clock_time:
    seconds, micro = divmod(us, 1_000_000)
    return clock_time(seconds // 3600, seconds // 60 % 60, seconds % 60, micro)


def _clock_us(value: Any) -> int:
    # SQLite returns "HH:MM:SS[.ffffff]", PostgreSQL a time.
    moment = clock_time.fromisoformat(value) if isinstance(value, str) else value
    return (
        (moment.hour * 60 + moment.minute) * 60 + moment.second
    ) * 1_000_000 + moment.microsecond


def _codes(column: Sequence[Any], known: Sequence[Any] = ()) -> tuple[Int64s, list[Any]]:
    """Small dense ids for a column's values, and the values in id order (``known`` first)."""
    values = list(dict.fromkeys([*known, *column]))
    ids = {value: number for number, value in enumerate(values)}
    return np.fromiter(map(ids.__getitem__, column), dtype=np.int64, count=len(column)), values


def _lookup(size: int, wanted: Iterable[int]) -> Bools:
    table = np.zeros(size, dtype=bool)
    table[list(wanted)] = True
    return table


def _ranges(starts: Int64s, counts: Int64s) -> Int64s:
    """The runs [start, start + count) laid end to end."""
    total = int(counts.sum())
    run_starts = np.cumsum(counts) - counts
    return np.repeat(starts - run_starts, counts) + np.arange(total, dtype=np.int64)


# What a search filters on, then what its results show; the fellowship's columns follow.
_SEARCHED = (
    "id", "latitude", "longitude", "day", "start_time", "end_time", "timezone", "attendance",
    "type_codes", "mat_level", *TEXT_FIELDS,
)  # fmt: skip
_SHOWN = ("slug", "address", "formatted_address", "conference_url", "conference_phone",
          "approximate")  # fmt: skip
_FELLOWSHIP = ("code", "name", "medication_inclusive_charter", "charter_reference")
_FELLOWSHIP_AS = tuple(f"fellowship_{name}" for name in _FELLOWSHIP)
_EVIDENCE = ("meeting", "kind", "stance", "summary", "observed_at")
_AS_TEXT = frozenset({"start_time", "end_time"})
_CHUNK = 5_000


def _select(columns: Sequence[str]) -> str:
    """The listed meetings after a given id, in id order, a chunk at a time."""
    quote = connection.ops.quote_name
    meeting: Any = Meeting._meta
    fellowship: Any = Fellowship._meta

    def column(name: str) -> str:
        found = f"m.{quote(meeting.get_field(name).column)}"
        # As text, the same on both databases and without SQLite's per-value converter.
        return f"CAST({found} AS TEXT)" if name in _AS_TEXT else found

    return (
        f"SELECT {', '.join(column(name) for name in columns)}, "  # noqa: S608 - model names
        f"{', '.join('f.' + quote(fellowship.get_field(name).column) for name in _FELLOWSHIP)} "
        f"FROM {quote(meeting.db_table)} m JOIN {quote(fellowship.db_table)} f "
        f"ON f.{quote('id')} = {column('fellowship')} "
        f"WHERE {column('removed_at')} IS NULL AND {column('id')} > %s "
        f"ORDER BY {column('id')} LIMIT {_CHUNK}"
    )


class _Columns:
    """The meetings' columns, read in chunks: numbers into arrays, repeated values (zones,
    codes, texts) into small ids, the strings a result shows packed — so that the rows
    themselves never all live at once (100,000 rows of Python objects would cost several times
    the index's own memory, and a process keeps what it once took)."""

    def __init__(self) -> None:
        self.arrays: dict[str, list[npt.NDArray[Any]]] = {}
        self.ids: dict[str, dict[Any, int]] = {
            "clock": {}, "timezone": {}, "attendance": dict.fromkeys(ATTENDANCE_CODES, 0),
            "mat_level": dict.fromkeys(MAT_CODES, 0), "type_codes": {}, "fellowship": {},
            "text": {},
        }  # fmt: skip
        for known in (self.ids["attendance"], self.ids["mat_level"]):
            for number, value in enumerate(known):
                known[value] = number
        self.shown: dict[str, list[bytes]] = {name: [] for name in _SHOWN[:-1]}
        self.fellowships: dict[str, ListedFellowship] = {}

    def _add(self, name: str, values: npt.NDArray[Any]) -> None:
        self.arrays.setdefault(name, []).append(values)

    def _coded(self, kind: str, values: Sequence[Any]) -> Int64s:
        ids = self.ids[kind]
        for value in dict.fromkeys(values):
            if value not in ids:
                ids[value] = len(ids)
        return np.fromiter(map(ids.__getitem__, values), dtype=np.int64, count=len(values))

    def add(self, rows: Sequence[tuple[Any, ...]]) -> None:
        columns = dict(
            zip([*_SEARCHED, *_SHOWN, *_FELLOWSHIP_AS], zip(*rows, strict=True), strict=True)
        )
        self._add("pk", np.asarray(columns["id"], dtype=np.int64))
        for name in ("latitude", "longitude"):
            values = [math.nan if value is None else value for value in columns[name]]
            self._add(name, np.asarray(values, dtype=np.float64))
        self._add("day", np.asarray(columns["day"], dtype=np.int64))
        for name in ("start_time", "end_time", "timezone", "attendance", "mat_level",
                     "type_codes"):  # fmt: skip
            kind = "clock" if name.endswith("_time") else name
            self._add(name, self._coded(kind, columns[name]))
        self._add("fellowship", self._coded("fellowship", columns["fellowship_code"]))
        for name in TEXT_FIELDS:
            self._add(name, self._coded("text", columns[name]))
        for name, strings in self.shown.items():
            encoded = [value.encode() for value in columns[name]]
            self._add(name, np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)))
            strings.append(b"".join(encoded))
        self._add("approximate", np.asarray(columns["approximate"], dtype=bool))
        for code, name, charter, reference in zip(
            *(columns[name] for name in _FELLOWSHIP_AS), strict=True
        ):
            if code not in self.fellowships:
                self.fellowships[code] = ListedFellowship(code, name, bool(charter), reference)

    def array(self, name: str, dtype: Any = np.int64) -> npt.NDArray[Any]:
        chunks = self.arrays.get(name)
        return np.concatenate(chunks) if chunks else np.zeros(0, dtype=dtype)

    def strings(self, name: str) -> _Strings:
        return _Strings(b"".join(self.shown[name]), np.cumsum(self.array(name)))


def _read_meetings() -> _Columns:
    """Every listed meeting's columns, with its fellowship's, a chunk of ids at a time (raw
    SQL: the ORM's model instances and per-value conversion would cost more than the whole
    build). Chunks are read at different moments: a change committed meanwhile may be half in
    the index, which ``build`` then labels with the version before it, so the next search makes
    the index again."""
    found = _Columns()
    sql = _select([*_SEARCHED, *_SHOWN])
    after = 0
    with read_connection().cursor() as cursor:
        while True:
            cursor.execute(sql, [after])
            rows = cursor.fetchall()
            if rows:
                found.add(rows)
            if len(rows) < _CHUNK:
                return found
            after = rows[-1][0]


def _read_evidence() -> dict[int, tuple[ListedEvidence, ...]]:
    """The counted MAT evidence of every listed meeting, newest first."""
    found: dict[int, list[ListedEvidence]] = {}
    rows = (
        MatEvidence.objects.counted()
        .filter(meeting__removed_at__isnull=True)
        .order_by("meeting", "-observed_at", "-pk")
        .values_list(*_EVIDENCE)
    )
    for meeting_id, *evidence in rows:
        found.setdefault(meeting_id, []).append(ListedEvidence(*evidence))
    return {meeting_id: tuple(evidence) for meeting_id, evidence in found.items()}


class _Strings:
    """Many strings in one UTF-8 buffer: a fraction of the memory of as many str objects."""

    def __init__(self, buffer: bytes, ends: Int64s) -> None:
        self._buffer = buffer
        self._ends = ends

    @property
    def nbytes(self) -> int:
        return len(self._buffer) + self._ends.nbytes

    def many(self, positions: Int64s) -> list[str]:
        ends = self._ends[positions]
        starts = np.where(positions > 0, self._ends[positions - 1], 0)
        buffer = self._buffer
        return [
            buffer[start:end].decode()
            for start, end in zip(starts.tolist(), ends.tolist(), strict=True)
        ]


class SearchIndex:
    """One process's copy of the directory's searchable columns (see the module docstring)."""

    def __init__(
        self, read: _Columns, *, evidence: dict[int, tuple[ListedEvidence, ...]], token: str
    ) -> None:
        started = time.perf_counter()
        self.token = token
        latitude = read.array("latitude", np.float64)
        longitude = read.array("longitude", np.float64)
        latitude[np.isnan(longitude)] = math.nan
        longitude[np.isnan(latitude)] = math.nan
        order = np.argsort(points.sort_keys(latitude, longitude), kind="stable")
        self.size = len(order)
        # Rows are sorted by place; the packed strings stay in the order they were read.
        self._read_position = order
        self.pk = read.array("pk")[order]
        self._latitude = latitude[order]
        self._longitude = longitude[order]
        self.points = points.PointIndex(self._latitude, self._longitude)
        self.day = read.array("day")[order]
        clocks_us = np.array([_clock_us(value) for value in read.ids["clock"]], dtype=np.int64)
        self.start = clocks_us[read.array("start_time")[order]]
        self.end = clocks_us[read.array("end_time")[order]]
        self._times = {int(us): _clock_time(int(us)) for us in clocks_us}
        # lib.times.crosses_midnight compares whole seconds.
        self.crosses = self.end // 1_000_000 < self.start // 1_000_000
        self.zone_names = list(read.ids["timezone"])
        for name in self.zone_names:
            zone(name)  # an unknown zone fails the build here, not a search later
        self.zone = read.array("timezone")[order]
        self._attendance_codes = list(read.ids["attendance"])
        self.attendance = read.array("attendance")[order]
        self._mat_codes = list(read.ids["mat_level"])
        self.mat = read.array("mat_level")[order]
        self._fellowship_codes = list(read.ids["fellowship"])
        self.fellowship = read.array("fellowship")[order]
        self._fellowships = read.fellowships
        self._type_bit: dict[str, int] = {}
        self._type_codes = [codes.encode().decode() for codes in read.ids["type_codes"]]
        self.type_code = read.array("type_codes")[order]
        self.types = self._type_sets(self._type_codes)[self.type_code]
        # Fresh copies: the strings read sit amid the rows' freed objects, and would keep
        # their memory from going back to the system.
        self._texts = [text.encode().decode() for text in read.ids["text"]]
        self.text = np.column_stack([read.array(name)[order] for name in TEXT_FIELDS])
        self.words = SubstringIndex(self._texts)
        by_text = self.text.T.ravel()
        # by_text lists the name ids of every row, then the location ids, ...: position p is
        # row p % size.
        self._rows_by_text = np.argsort(by_text, kind="stable") % max(self.size, 1)
        self._text_offsets = np.concatenate(
            ([0], np.cumsum(np.bincount(by_text, minlength=len(self._texts))))
        ).astype(np.int64)
        self._shown = [read.strings(name) for name in _SHOWN[:-1]]
        self.approximate = read.array("approximate", bool)[order]
        self._evidence = evidence
        # Each weekday's rows by start time, for "starts within" (lib.schedule's wall-clock
        # window); and the rows that end after midnight, which may still be going on.
        self._day_rows = []
        for day in range(7):
            rows = np.flatnonzero(self.day == day)
            self._day_rows.append(rows[np.argsort(self.start[rows], kind="stable")])
        self._day_starts = [self.start[rows] for rows in self._day_rows]
        self._overnight_rows = [rows[self.end[rows] < self.start[rows]] for rows in self._day_rows]
        joinable = _lookup(len(self._attendance_codes), self._attendance_ids(JOINABLE_ONLINE))
        self.joinable = joinable[self.attendance]
        self._joinable_day_rows = [rows[self.joinable[rows]] for rows in self._day_rows]
        self._windows: dict[int, clocks.ZoneWindow] = {}
        self._windows_lock = threading.Lock()
        self.build_seconds = time.perf_counter() - started

    # --- building ---------------------------------------------------------------------------

    def _type_sets(self, distinct: Sequence[str]) -> npt.NDArray[np.uint64]:
        """The bits of each distinct ``type_codes`` value; a code is any case of it (search
        compares codes case-insensitively)."""
        masks = []
        for codes in distinct:
            mask = 0
            for code in codes.split(","):
                if code:
                    mask |= 1 << self._type_bit.setdefault(code.upper(), len(self._type_bit))
            masks.append(mask)
        words = max(1, math.ceil(len(self._type_bit) / _BITS))
        every = 2**_BITS - 1
        table = [[(mask >> (_BITS * word)) & every for word in range(words)] for mask in masks]
        return np.array(table, dtype=np.uint64).reshape(len(distinct), words)

    @property
    def nbytes(self) -> int:
        """Memory the index holds (arrays, texts and words; Python's own overhead aside)."""
        arrays: int = sum(
            value.nbytes for value in vars(self).values() if isinstance(value, np.ndarray)
        )
        lists: int = sum(
            rows.nbytes
            for rows in [*self._day_rows, *self._day_starts, *self._overnight_rows,
                         *self._joinable_day_rows]
        )  # fmt: skip
        shown = sum(strings.nbytes for strings in self._shown)
        texts = sum(len(text) + 50 for text in self._texts)  # a str object's overhead
        return arrays + lists + shown + texts + self.points.nbytes + self.words.nbytes

    # --- answering --------------------------------------------------------------------------

    def _attendance_ids(self, modes: Iterable[str]) -> list[int]:
        return [self._attendance_codes.index(mode) for mode in modes]

    def _window(self, now_us: int) -> clocks.ZoneWindow:
        day = now_us // clocks.DAY_US
        window = self._windows.get(day)
        if window is None:
            with self._windows_lock:
                window = self._windows.get(day)
                if window is None:
                    window = clocks.zone_window(self.zone_names, now_us=now_us)
                    # Searches ask about today; yesterday's window is kept for stragglers.
                    self._windows = {
                        key: value for key, value in self._windows.items() if key >= day - 1
                    }
                    self._windows[day] = window
        return window

    def _days(self, query: MeetingQuery, now: datetime) -> list[int] | None:
        """The weekdays a match can be on, or None for any: the days asked for, narrowed by
        "starts within" (a meeting held on a day far from now can't start soon)."""
        days = set(query.days) if query.days else None
        if query.starts_within_hours is not None:
            window = wall_clock_window(now=now, hours=query.starts_within_hours)
            if window.starts:
                possible = {day for day, _earliest, _latest in window.starts}
                possible |= {window.ongoing_day, (window.ongoing_day - 1) % 7}
                days = possible if days is None else days & possible
        return None if days is None else sorted(days)

    def _text_rows(self, text_ids: Int64s) -> Int64s:
        starts = self._text_offsets[text_ids]
        counts = self._text_offsets[text_ids + 1] - starts
        return np.unique(self._rows_by_text[_ranges(starts, counts)])

    def _start_rows(
        self, query: MeetingQuery, point: Place | None, days: list[int] | None, now: datetime
    ) -> tuple[Int64s, set[str]]:
        """Rows to start from, and the filters they already satisfy."""
        if days == []:
            return np.zeros(0, dtype=np.int64), set()
        if point is not None:
            box = bounding_box(
                lat=point.latitude, lng=point.longitude, radius_km=query.radius_km + 0.001
            )
            near = self.points.in_box(box)
            if not query.include_online:
                return near, set()
            online = (
                np.concatenate([self._joinable_day_rows[day] for day in days])
                if days is not None
                else np.flatnonzero(self.joinable)
            )
            # The near rows are of any day still: the day filter runs on all of them.
            return np.concatenate([near[~self.joinable[near]], online]), set()
        if query.q:
            return self._text_rows(self.words.find(query.q)), {"q"}
        if query.starts_within_hours is not None:
            window = wall_clock_window(now=now, hours=query.starts_within_hours)
            if window.starts:
                return self._window_rows(window), set()
        if days is not None:
            return np.concatenate([self._day_rows[day] for day in days]), {"days"}
        return np.arange(self.size, dtype=np.int64), set()

    def _window_rows(self, window: WallClockWindow) -> Int64s:
        """The rows `lib.schedule.might_start_within` keeps: a start in the window, or
        possibly still going on (the SQL path's narrowing, on the sorted day rows)."""
        parts = []
        for day, earliest, latest in window.starts:
            starts = self._day_starts[day]
            low = np.searchsorted(starts, _clock_us(earliest), "left")
            high = np.searchsorted(starts, _clock_us(latest), "right")
            parts.append(self._day_rows[day][low:high])
        after = _clock_us(window.ongoing_after)
        day = window.ongoing_day
        begun = self._day_rows[day][: np.searchsorted(self._day_starts[day], after, "left")]
        ends, starts = self.end[begun], self.start[begun]
        parts.append(begun[(ends > after) | (ends < starts)])
        overnight = self._overnight_rows[(day - 1) % 7]
        parts.append(overnight[self.end[overnight] > after])
        return np.unique(np.concatenate(parts))

    def _keep(
        self, rows: Int64s, query: MeetingQuery, days: list[int] | None, done: set[str]
    ) -> Int64s:
        # The most selective filters first: each one reads fewer rows than the last.
        if days is not None and "days" not in done:
            rows = rows[_lookup(7, days)[self.day[rows]]]
        attendance = _lookup(
            len(self._attendance_codes),
            self._attendance_ids(query.attendance or DEFAULT_ATTENDANCE),
        )
        rows = rows[attendance[self.attendance[rows]]]
        if query.mat_friendly:
            friendly = _lookup(
                len(self._mat_codes),
                [self._mat_codes.index(level) for level in MAT_FRIENDLY_LEVELS],
            )
            rows = rows[friendly[self.mat[rows]]]
        if query.mat_level:
            levels = [self._mat_codes.index(level) for level in query.mat_level]
            rows = rows[_lookup(len(self._mat_codes), levels)[self.mat[rows]]]
        if query.time_of_day:
            starts = self.start[rows]
            keep = np.zeros(len(rows), dtype=bool)
            for part in query.time_of_day:
                for earliest, before in TIMES_OF_DAY[part]:
                    within = starts >= _clock_us(earliest)
                    if before is not None:
                        within &= starts < _clock_us(before)
                    keep |= within
            rows = rows[keep]
        if query.fellowship:
            known = [
                self._fellowship_codes.index(code)
                for code in query.fellowship
                if code in self._fellowship_codes
            ]
            rows = rows[_lookup(len(self._fellowship_codes), known)[self.fellowship[rows]]]
        if query.types:
            bits = [self._type_bit.get(code.upper()) for code in query.types]
            if None in bits:
                return rows[:0]
            required = np.zeros(self.types.shape[1], dtype=np.uint64)
            for bit in bits:
                assert bit is not None
                required[bit // _BITS] |= np.uint64(1 << (bit % _BITS))
            if len(required) == 1:  # up to 64 codes: one word per meeting
                rows = rows[(self.types[rows, 0] & required[0]) == required[0]]
            else:
                rows = rows[np.all((self.types[rows] & required) == required, axis=1)]
        if query.q and "q" not in done:
            texts = _lookup(len(self.words), self.words.find(query.q))
            rows = rows[texts[self.text[rows]].any(axis=1)]
        return rows

    def _within(self, rows: Int64s, query: MeetingQuery, point: Place) -> tuple[Int64s, Floats]:
        """The rows within the radius (or joinable online, with ``include_online``), and their
        distances (infinity without coordinates)."""
        radius = query.radius_km
        distances = self.points.distances_km(
            rows, latitude=point.latitude, longitude=point.longitude
        )
        distances = np.where(np.isnan(distances), math.inf, distances)
        slack = points.tolerance_km(radius)
        near = distances <= radius - slack
        edge = np.flatnonzero(np.abs(distances - radius) <= slack)
        for position in edge:  # on the circle to a few ulps: ask haversine_km itself
            exact = self._exact_km(int(rows[position]), point)
            near[position] = exact is not None and exact <= radius
        if query.include_online:
            near |= self.joinable[rows]
        return rows[near], distances[near]

    def _exact_km(self, row: int, point: Place) -> float | None:
        latitude = float(self._latitude[row])
        if math.isnan(latitude):
            return None
        return haversine_km(
            lat1=point.latitude,
            lng1=point.longitude,
            lat2=latitude,
            lng2=float(self._longitude[row]),
        )

    def select(self, query: MeetingQuery, *, now: datetime, point: Place | None) -> Selection:
        """Every meeting matching ``query`` at ``now`` (in no particular order)."""
        now_us = microseconds(now.astimezone(UTC))
        days = self._days(query, now)
        rows, done = self._start_rows(query, point, days, now)
        rows = self._keep(rows, query, days, done)
        distances = None
        if point is not None:
            rows, distances = self._within(rows, query, point)
        starts = clocks.next_starts(
            self._window(now_us),
            now_us=now_us,
            zones=self.zone[rows],
            days=self.day[rows],
            starts=self.start[rows],
            ends=self.end[rows],
            crosses=self.crosses[rows],
        )
        if query.starts_within_hours is not None:
            horizon = microseconds(now.astimezone(UTC) + timedelta(hours=query.starts_within_hours))
            soon = starts <= horizon
            rows, starts = rows[soon], starts[soon]
            distances = None if distances is None else distances[soon]
        return Selection(rows, starts, distances)

    def count(self, query: MeetingQuery, *, now: datetime) -> int:
        """How many meetings match (what a suggestion like "12 more without this filter" needs)."""
        return len(self.select(query, now=now, point=query.point).rows)

    def _ordered(self, selection: Selection, point: Place | None, wanted: int) -> Int64s:
        """Positions in ``selection`` of its first ``wanted`` matches, sorted by next start,
        then exact distance (unknown last), then id."""
        starts = selection.starts
        if len(starts) > wanted:
            # Only the matches up to the wanted-th next start can be on the page (ties kept).
            last = np.partition(starts, wanted - 1)[wanted - 1]
            chosen = np.flatnonzero(starts <= last)
        else:
            chosen = np.arange(len(starts), dtype=np.int64)
        pks = self.pk[selection.rows[chosen]]
        if selection.distances is None or point is None:
            return chosen[np.lexsort((pks, starts[chosen]))]
        distances = selection.distances[chosen].copy()
        order = np.lexsort((pks, distances, starts[chosen]))
        # Where two array distances are too close to call (or far enough for the array's
        # arcsine to drift), haversine_km decides, as it does on the SQL path.
        ordered_starts = starts[chosen][order]
        ordered_distances = distances[order]
        with np.errstate(invalid="ignore"):  # two unknown distances: inf - inf, not close
            close = (ordered_starts[1:] == ordered_starts[:-1]) & (
                np.abs(ordered_distances[1:] - ordered_distances[:-1])
                <= 2
                * points.tolerance_km(np.maximum(ordered_distances[1:], ordered_distances[:-1]))
            )
        unsure = np.zeros(len(order), dtype=bool)
        unsure[1:] |= close
        unsure[:-1] |= close
        unsure |= np.isfinite(ordered_distances) & (ordered_distances > points.EXACT_BEYOND_KM)
        if unsure.any():
            for position in order[unsure]:
                exact = self._exact_km(int(selection.rows[chosen[position]]), point)
                distances[position] = math.inf if exact is None else exact
            order = np.lexsort((pks, distances, starts[chosen]))
        return chosen[order]

    def listings(self, rows: Int64s) -> list[Listing]:
        """The meetings at ``rows`` as results show them, from memory (array by array: a
        page's worth of scalar reads would cost more)."""
        reads = self._read_position[rows]
        shown = [strings.many(reads) for strings in self._shown]
        texts = self.text[rows].tolist()
        latitudes = self._latitude[rows].tolist()
        longitudes = self._longitude[rows].tolist()
        columns = zip(
            self.pk[rows].tolist(), self.day[rows].tolist(), self.start[rows].tolist(),
            self.end[rows].tolist(), self.zone[rows].tolist(), self.type_code[rows].tolist(),
            self.attendance[rows].tolist(), self.approximate[rows].tolist(),
            self.mat[rows].tolist(), self.fellowship[rows].tolist(), *shown, texts, latitudes,
            longitudes, strict=True,
        )  # fmt: skip
        found = []
        for (pk, day, start, end, zone_id, codes, mode, approximate, level, fellowship, slug,
             address, formatted, url, phone, (name, location, _notes, _group), latitude,
             longitude) in columns:  # fmt: skip
            located = not math.isnan(latitude)
            listing = Listing(
                pk, slug, self._texts[name], day, self._times[start], self._times[end],
                self.zone_names[zone_id], self._type_codes[codes], self._attendance_codes[mode],
                self._texts[location], address, formatted, latitude if located else None,
                longitude if located else None, approximate, url, phone, self._mat_codes[level],
                self._fellowships[self._fellowship_codes[fellowship]], self._evidence.get(pk, ()),
            )  # fmt: skip
            found.append(listing)
        return found

    def rank(self, query: MeetingQuery, *, now: datetime, point: Place | None) -> Ranked:
        """The count and the page of results ``query`` asks for (``limit`` from ``offset``)."""
        selection = self.select(query, now=now, point=point)
        count = len(selection.rows)
        wanted = query.offset + query.limit
        if count <= query.offset:
            return Ranked(count, [], {})
        chosen = self._ordered(selection, point, min(wanted, count))[query.offset : wanted]
        rows = selection.rows[chosen]
        page = []
        listings = {}
        for listing, row, starts in zip(
            self.listings(rows), rows.tolist(), selection.starts[chosen].tolist(), strict=True
        ):
            listings[listing.pk] = listing
            distance = None if point is None else self._exact_km(row, point)
            page.append((listing.pk, starts, listing.timezone, distance))
        return Ranked(count, page, listings)


def build(*, token: str | None = None) -> SearchIndex:
    """An index of the directory as it is now, labelled with ``token``: the version read just
    before (by default, read here). Version first, then the data: if a change commits in
    between, the index holds newer data under the older token and the next search simply builds
    again (the other order could keep old data under the new token for good)."""
    token = version.token() if token is None else token
    return SearchIndex(_read_meetings(), evidence=_read_evidence(), token=token)


def _give_back_memory() -> None:
    """Return the build's freed memory to the system. glibc keeps freed heap pages for reuse
    (the rows read, the index replaced), so a process would hold half again the index's size
    after each build (measured: +114 MB instead of +52 MB at 100,000 meetings, docs/
    benchmarks.md). Elsewhere than glibc this does nothing."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class Indexes:
    """This process's search index, made again whenever the directory's version changes."""

    def __init__(self) -> None:
        self._index: SearchIndex | None = None
        self._lock = threading.Lock()  # one build at a time
        self._failed: tuple[str, float] | None = None

    @property
    def index(self) -> SearchIndex | None:
        """The last index made (current or not)."""
        return self._index

    def current(self, *, mode: str | None = None) -> SearchIndex | None:
        """The index when it is current; otherwise None (answer from SQL) after starting a
        build as ``mode`` (default: the HOMEGROUP_SEARCH_INDEX setting) says."""
        mode = mode or settings.HOMEGROUP_SEARCH_INDEX
        if mode == "off":
            return None
        token = version.token()
        index = self._index
        if index is not None and index.token == token:
            return index
        failed = self._failed
        if (
            failed is not None
            and failed[0] == token
            and time.monotonic() - failed[1] < RETRY_SECONDS
        ):
            return None
        if mode == "inline":
            return self.refresh(token=token)
        self._start_background()
        return None

    def refresh(self, *, token: str | None = None) -> SearchIndex | None:
        """Make the index now, in this thread (None when another thread is making it, or the
        build failed). ``token``: the version just read, if the caller has read it."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            token = version.token() if token is None else token
            index = build(token=token)
        except Exception:
            logger.exception("the search index could not be built; searches use SQL")
            self._failed = (token or "", time.monotonic())
            return None
        finally:
            self._lock.release()
        self._index = index  # the old one, if any, is freed here
        self._failed = None
        _give_back_memory()
        logger.info(
            "search index built: %d meetings in %.2f s, %.1f MB",
            index.size, index.build_seconds, index.nbytes / 1e6,
        )  # fmt: skip
        return index

    def _start_background(self) -> None:
        if self._lock.locked():
            return

        def run() -> None:
            try:
                self.refresh()  # its own read of the version: this thread starts later
            finally:
                connections.close_all()  # this thread's own connections

        # The build reads the server the search that started it reads (the replica inside the
        # public directory's reads): its version and its data come from one place.
        context = contextvars.copy_context()
        threading.Thread(
            target=context.run, args=(run,), name="homegroup-search-index", daemon=True
        ).start()

    def clear(self) -> None:
        self._index = None
        self._failed = None


indexes = Indexes()

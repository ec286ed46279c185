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
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import django

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homegroup.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

import search_bench  # noqa: E402
from feed_profile import gnyr_files  # noqa: E402
from homegroup.directory import actions, public_cache  # noqa: E402
from homegroup.directory.feeds import build_feed, feed_queryset  # noqa: E402
from homegroup.directory.importers import bmlt, load_feed  # noqa: E402
from homegroup.directory.index import indexes  # noqa: E402
from homegroup.directory.models import Meeting  # noqa: E402
from homegroup.lib.geo import haversine_km  # noqa: E402
from search_bench import CITIES, today  # noqa: E402
from stats import median, repeat, timed  # noqa: E402

FEED_URL = "/api/v1/feeds/meeting-guide.json"


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
    # What a web process does at its first search: every page below then uses the index.
    indexes.refresh()
    return {"meetings": run.created, "seconds": took, "per_second": run.created / took}


def sample_meeting_slug() -> str:
    """The first synthetic meeting in New York City: the same meeting in every directory size
    (a seed's meetings are a prefix of any larger directory of that seed)."""
    meeting = Meeting.objects.filter(city="New York City").order_by("pk").first()
    assert meeting is not None, "no synthetic meeting in New York City"
    return meeting.slug


# --- Query count of each page ------------------------------------------------------------------


def pages(*, runs: int) -> dict[str, dict[str, Any]]:
    lat, lng, zone, _zip = CITIES["New York"]
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


# --- Feed of 10k meetings ----------------------------------------------------------------------


def feed(*, runs: int, export_to: Path | None) -> dict[str, Any]:
    queryset = feed_queryset()
    queries, built = count_queries(lambda: build_feed(feed_queryset()))
    seconds, _ = repeat(lambda: build_feed(feed_queryset()), runs=runs)
    client = Client()

    def rebuilt() -> Any:
        public_cache.feeds.clear()  # as after a change of the directory
        return client.get(FEED_URL)

    view_queries, response = count_queries(rebuilt)
    view_seconds, _ = repeat(rebuilt, runs=runs)
    kept_queries, _ = count_queries(lambda: client.get(FEED_URL))
    kept_seconds, _ = repeat(lambda: client.get(FEED_URL), runs=runs)
    etag = response["ETag"]

    def conditional() -> Any:
        answer = client.get(FEED_URL, headers={"If-None-Match": etag})
        assert answer.status_code == 304, answer.status_code
        return answer

    conditional_queries, _ = count_queries(conditional)
    conditional_seconds, _ = repeat(conditional, runs=max(runs, 20))
    gzipped = client.get(FEED_URL, headers={"Accept-Encoding": "gzip"})
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
        "kept_queries": kept_queries,
        "kept_median_s": median(kept_seconds),
        "conditional_queries": conditional_queries,
        "conditional_median_s": median(conditional_seconds),
        "gzip_bytes": len(gzipped.content),
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
    lat, lng, zone, _zip = CITIES["New York"]
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
        result["search"] = search_bench.measure(quick=quick)
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

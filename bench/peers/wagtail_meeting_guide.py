"""The peer: wagtail-meeting-guide's feed view on the same meetings, in its own environment.

Run by bench/run.py with the peer's own Python (a virtual environment under var/bench/, never
this project's .venv): wagtail-meeting-guide 1.5.0 imports `wagtail.core`, so it needs
wagtail>=4.1,<5 and Django<4.3.

    var/bench/peer-venv/bin/python bench/peers/wagtail_meeting_guide.py \
        --feed var/bench/feed-10000.json --database sqlite:///var/bench/peer.sqlite3 \
        --sizes 1000,10000 --out var/bench/peer-sqlite.json

Loads the records of our Meeting Guide feed (the synthetic directory's, so the same meetings)
into its models — a Region tree (state › city), a Location page per venue, a Meeting page per
meeting under it, its types — bypassing `Meeting.save()`, which crashes when a page is created
(it reads its parent before the page has one): pages go in with bulk_create, the page subclasses'
rows with plain INSERTs, the tree paths computed here. Then it times `MeetingsAPIView` (GET
/meetings/api/) uncached (its week-long cache_page is pointed at a dummy cache) and counts its
queries.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import uuid
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import django
from django.conf import settings


def configure(database: str) -> None:
    url = urlsplit(database)
    if url.scheme == "sqlite":
        db = {"ENGINE": "django.db.backends.sqlite3", "NAME": url.path}
    else:
        db = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": url.path.lstrip("/"),
            "USER": url.username or "",
            "PASSWORD": url.password or "",
            "HOST": url.hostname or "",
            "PORT": str(url.port or ""),
        }
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-only-peer-key",  # a throwaway benchmark database
        ALLOWED_HOSTS=["testserver"],
        DATABASES={"default": db},
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        USE_TZ=True,
        TIME_ZONE="UTC",
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.staticfiles",
            "wagtail.users",
            "wagtail.images",
            "wagtail.documents",
            "wagtail.search",
            "wagtail.admin",
            "wagtail.sites",
            "wagtail",
            "modelcluster",
            "taggit",
            "mptt",
            "wagtailgeowidget",
            "meeting_guide",
        ],
        MIDDLEWARE=["django.middleware.common.CommonMiddleware"],
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
            }
        ],
        # The view caches its answer for a week; the benchmark measures it uncached.
        CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}},
        STATIC_URL="/static/",
        WAGTAIL_SITE_NAME="bench",
        BASE_URL="http://testserver",
        MEETING_GUIDE={},
    )
    django.setup()


urlpatterns: list[Any] = []


class Loader:
    """Stores records as the peer's models, without Meeting.save() (see the docstring).

    `reference` once (the region tree and the meeting types of every record), then `pages` for
    each slice of records: a venue seen before gets the new meetings as further children.
    """

    def __init__(self) -> None:
        from wagtail.models import Locale, Page

        self.home = Page.objects.get(depth=2)
        self.locale = Locale.objects.first()
        self.venues: dict[tuple[Any, ...], tuple[str, int]] = {}  # key → (path, children)
        self.region_of: dict[tuple[str, str], int] = {}
        self.type_id: dict[str, int] = {}

    def reference(self, records: list[dict[str, Any]]) -> None:
        from meeting_guide.models import MeetingType, Region

        # state › city, numbered as django-mptt would (order_insertion_by name).
        tree: dict[str, set[str]] = {}
        for record in records:
            state, city = _state_city(record)
            tree.setdefault(state, set()).add(city)
        Region.objects.bulk_create(
            Region(name=state, parent=None, lft=1, rght=2 * len(tree[state]) + 2,
                   tree_id=tree_id, level=0)
            for tree_id, state in enumerate(sorted(tree), start=1)
        )  # fmt: skip
        by_state = {region.name: region for region in Region.objects.filter(level=0)}
        Region.objects.bulk_create(
            Region(name=city, parent=by_state[state], lft=2 + 2 * number, rght=3 + 2 * number,
                   tree_id=by_state[state].tree_id, level=1)
            for state, names in tree.items()
            for number, city in enumerate(sorted(names))
        )  # fmt: skip
        self.region_of = {
            (region.parent.name, region.name): region.pk
            for region in Region.objects.filter(level=1).select_related("parent")
        }
        codes = sorted({code for record in records for code in record.get("types", [])})
        MeetingType.objects.bulk_create(
            MeetingType(type_name=code, intergroup_code=code[:5], spec_code=code[:5])
            for code in codes
        )
        self.type_id = {t.spec_code: t.pk for t in MeetingType.objects.all()}

    def _page(self, **values: Any) -> Any:
        from django.utils import timezone
        from wagtail.models import Page

        now = timezone.now()
        return Page(
            live=True, has_unpublished_changes=False, first_published_at=now,
            last_published_at=now, locale=self.locale, translation_key=uuid.uuid4(),
            draft_title=values["title"], **values,
        )  # fmt: skip

    def pages(self, records: list[dict[str, Any]]) -> dict[str, int]:
        from django.contrib.contenttypes.models import ContentType
        from django.db import connection, transaction
        from meeting_guide.models import Location, Meeting
        from wagtail.models import Page

        home = self.home
        location_type = ContentType.objects.get_for_model(Location)
        meeting_type = ContentType.objects.get_for_model(Meeting)
        new_pages, location_rows, meeting_rows = [], [], []
        for record in records:
            key = (record.get("formatted_address", ""), record.get("latitude"),
                   record.get("longitude"), _state_city(record))  # fmt: skip
            if key not in self.venues:
                index = len(self.venues) + 1
                path, slug = home.path + _step(index), f"venue-{index}"
                title = record.get("location") or key[0] or "Online"
                new_pages.append(
                    self._page(title=title[:255], slug=slug, content_type=location_type,
                               path=path, depth=home.depth + 1, numchild=0,
                               url_path=f"{home.url_path}{slug}/")
                )  # fmt: skip
                point = (
                    f"SRID=4326;POINT({key[2]} {key[1]})"
                    if key[1] is not None
                    else "SRID=4326;POINT(0 0)"  # the peer cannot list a meeting without one
                )
                location_rows.append((path, self.region_of[key[3]], key[0][:255], point))
                self.venues[key] = (path, 0)
            path, children = self.venues[key]
            children += 1
            self.venues[key] = (path, children)
            meeting_path = path + _step(children)
            new_pages.append(
                self._page(title=record["name"][:255], slug=record["slug"][:255],
                           content_type=meeting_type, path=meeting_path, depth=home.depth + 2,
                           numchild=0, url_path=f"{home.url_path}{record['slug']}/")
            )  # fmt: skip
            meeting_rows.append((meeting_path, path, record))
        with transaction.atomic():
            Page.objects.bulk_create(new_pages, batch_size=500)
            page_id = dict(Page.objects.filter(depth__gt=home.depth).values_list("path", "pk"))
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO meeting_guide_location (page_ptr_id, region_id,"
                    " formatted_address, lat_lng, postal_code, details)"
                    " VALUES (%s, %s, %s, %s, '', '')",
                    [(page_id[path], region, address, point)
                     for path, region, address, point in location_rows],
                )  # fmt: skip
                cursor.executemany(
                    "INSERT INTO meeting_guide_meeting (page_ptr_id, meeting_location_id,"
                    " start_time, end_time, day_of_week, status, details, area, district,"
                    " conference_url, conference_phone, venmo, paypal, cashapp) VALUES"
                    " (%s, %s, %s, %s, %s, 1, %s, '', '', %s, %s, '', '', '')",
                    [(page_id[meeting_path], page_id[location_path], record["time"] + ":00",
                      record["end_time"] + ":00", record["day"], record.get("notes", ""),
                      record.get("conference_url", ""), record.get("conference_phone", ""))
                     for meeting_path, location_path, record in meeting_rows],
                )  # fmt: skip
            Meeting.types.through.objects.bulk_create(
                [
                    Meeting.types.through(
                        meeting_id=page_id[path], meetingtype_id=self.type_id[code[:5]]
                    )
                    for path, _location, record in meeting_rows
                    for code in record.get("types", [])
                ],
                batch_size=1000,
            )
            # The tree's child counts, as treebeard keeps them.
            for path, children in self.venues.values():
                Page.objects.filter(path=path).update(numchild=children)
            Page.objects.filter(pk=home.pk).update(numchild=len(self.venues))
        return {"meetings": Meeting.objects.count(), "locations": Location.objects.count()}


def _state_city(record: dict[str, Any]) -> tuple[str, str]:
    regions = list(record.get("regions") or ())
    while len(regions) < 2:
        regions.insert(0, "Unknown")
    return regions[-2], regions[-1]


def _step(number: int) -> str:
    """A treebeard path step: four base-36 digits."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    digits = ""
    for _ in range(4):
        number, rest = divmod(number, 36)
        digits = alphabet[rest] + digits
    return digits


def measure(*, runs: int) -> dict[str, Any]:
    """The first request counts queries (and is timed too); then ``runs - 1`` more."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    seconds = []
    # Django keeps the last 9,000 queries only; this view runs more than that.
    connection.queries_log = deque(maxlen=10_000_000)
    connection.queries_limit = 10_000_000
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get("/meetings/api/")
        seconds.append(time.perf_counter() - started)
    # Read now: the next request's request_started signal empties the connection's query log.
    queries = len(captured.captured_queries)
    assert response.status_code == 200, response.status_code
    records = json.loads(response.content)
    for _ in range(runs - 1):
        started = time.perf_counter()
        client.get("/meetings/api/")
        seconds.append(time.perf_counter() - started)
    return {
        "records": len(records),
        "queries": queries,
        "bytes": len(response.content),
        "median_s": statistics.median(seconds),
        "runs": len(seconds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feed", type=Path, required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument(
        "--runs", type=int, default=3, help="requests per size up to 2,000 meetings (then 1)"
    )
    parser.add_argument("--out", type=Path, required=True)
    options = parser.parse_args()
    configure(options.database)
    from django.core.management import call_command
    from django.urls import include, path

    urlpatterns.append(path("meetings/", include("meeting_guide.urls")))
    call_command("migrate", verbosity=0)
    records = json.loads(options.feed.read_bytes())
    import meeting_guide
    import wagtail

    result: dict[str, Any] = {
        "versions": {
            "wagtail-meeting-guide": getattr(meeting_guide, "__version__", "1.5.0"),
            "wagtail": wagtail.__version__,
            "django": django.__version__,
        },
        "sizes": {},
    }
    loader = Loader()
    loader.reference(records)
    loaded = 0
    for size in sorted(int(s) for s in options.sizes.split(",")):
        started = time.perf_counter()
        counts = loader.pages(records[loaded:size])
        loading = time.perf_counter() - started
        loaded = size
        result["sizes"][str(size)] = {
            **measure(runs=options.runs if size <= 2000 else 1),
            "load_s": loading,
            **counts,
        }
        print(f"peer: {size} meetings measured", file=sys.stderr)
    options.out.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()

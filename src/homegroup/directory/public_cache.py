"""HTTP caching of the directory's public answers, from the directory's version
(`directory.version`: a number bumped in the same transaction as every import or edit).

- **The Meeting Guide feed** is rebuilt only when the directory changes: its bytes (and their
  gzip) are kept per process, per filter (fellowship, region), with the version token they were
  built from. Its ETag is the version and the filter; a request whose ``If-None-Match`` matches
  gets ``304 Not Modified`` after one one-row read, with no feed built at all.
- **A search answer** (`GET /api/v1/meetings`) depends on the clock too (next start, in
  progress), so its ETag is the version, the query string and the current minute, and it may
  be kept `SEARCH_MAX_AGE` seconds.

Both are public data (no person's record): `Cache-Control: public`, and
`privacy.middleware.PrivateCacheMiddleware` leaves a response marked `public_data` alone
unless it sets a cookie.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_etags

from homegroup.directory import version

FEED_MAX_AGE = 300  # seconds a browser or proxy may keep the feed without asking again
SEARCH_MAX_AGE = 60
_KEPT_FEEDS = 16  # filters kept per process (the whole feed, one per fellowship, ...)
GZIP_MIN_BYTES = 1024


@dataclass
class BuiltFeed:
    token: str
    etag: str
    last_modified: datetime | None
    body: bytes
    _gzipped: bytes | None = None

    @property
    def gzipped(self) -> bytes:
        """The body gzipped, made on the first request that takes gzip (a few hundred ms
        for 10,000 meetings: not paid by a rebuild nobody asks gzip of). Two requests racing
        here may both compress: the same bytes, kept once."""
        if self._gzipped is None:
            self._gzipped = gzip.compress(self.body, compresslevel=6, mtime=0)
        return self._gzipped


class FeedBytes:
    """The feed's bytes per filter, rebuilt when the directory's version changed."""

    def __init__(self) -> None:
        self._kept: OrderedDict[tuple[str, ...], BuiltFeed] = OrderedDict()
        self._lock = threading.Lock()
        self.builds = 0  # how many times a feed was built (tests and the bench read it)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()

    def get(
        self, key: tuple[str, ...], current: version.Version, build: Callable[[], bytes]
    ) -> BuiltFeed:
        with self._lock:
            kept = self._kept.get(key)
            # An empty token: no change ever recorded (a flushed test database), nothing to
            # tell one state from another, so nothing is reused.
            if kept is not None and current.token and kept.token == current.token:
                self._kept.move_to_end(key)
                return kept
        body = build()
        built = BuiltFeed(
            token=current.token,
            etag=feed_etag(key, current),
            last_modified=current.changed_at,
            body=body,
        )
        with self._lock:
            self.builds += 1
            self._kept[key] = built
            self._kept.move_to_end(key)
            while len(self._kept) > _KEPT_FEEDS:
                self._kept.popitem(last=False)
        return built


feeds = FeedBytes()


def _digest(*parts: str) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).hexdigest()


def feed_etag(key: tuple[str, ...], current: version.Version) -> str:
    return f'"feed-{current.number}-{_digest(current.token, *key)}"'


def search_etag(query_string: str, current: version.Version, now: datetime) -> str:
    minute = now.strftime("%Y%m%dT%H%M")
    return f'"search-{current.number}-{_digest(current.token, query_string, minute)}"'


def matches(request: HttpRequest, etag: str) -> bool:
    """Whether the request's If-None-Match names ``etag`` (weak or strong, or *)."""
    header = request.headers.get("If-None-Match", "")
    if not header:
        return False
    tags = parse_etags(header)
    return "*" in tags or etag in tags or etag in [tag.removeprefix("W/") for tag in tags]


def mark_public(
    response: HttpResponse, *, etag: str, max_age: int, modified: datetime | None
) -> None:
    response["Cache-Control"] = f"public, max-age={max_age}"
    response["ETag"] = etag
    if modified is not None:
        response["Last-Modified"] = http_date(modified.timestamp())
    # Public listings that browser-side finders (TSML UI) fetch from other sites.
    response["Access-Control-Allow-Origin"] = "*"
    response.public_data = True  # type: ignore[attr-defined]


def not_modified(*, etag: str, max_age: int, modified: datetime | None) -> HttpResponse:
    response = HttpResponseNotModified()
    mark_public(response, etag=etag, max_age=max_age, modified=modified)
    return response


def feed_response(
    request: HttpRequest, key: tuple[str, ...], build: Callable[[], bytes]
) -> HttpResponse:
    """The feed for ``key``: 304 when the caller has it, else its bytes (gzipped when the
    caller takes gzip and it is worth it)."""
    current = version.current()
    etag = feed_etag(key, current)
    if matches(request, etag):
        return not_modified(etag=etag, max_age=FEED_MAX_AGE, modified=current.changed_at)
    built = feeds.get(key, current, build)
    takes_gzip = "gzip" in request.headers.get("Accept-Encoding", "").lower()
    if takes_gzip and len(built.body) >= GZIP_MIN_BYTES:
        response = HttpResponse(built.gzipped, content_type="application/json; charset=utf-8")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(built.body, content_type="application/json; charset=utf-8")
    response["Vary"] = "Accept-Encoding"
    mark_public(response, etag=built.etag, max_age=FEED_MAX_AGE, modified=built.last_modified)
    return response

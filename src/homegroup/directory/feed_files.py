"""Reading the files and addresses a maintainer names on the command line (no parsing here)."""

from __future__ import annotations

import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from homegroup.directory.actions import MAX_FEED_BYTES
from homegroup.directory.importers import FeedError

_TIMEOUT_SECONDS = 60


def is_url(location: str) -> bool:
    return urlsplit(location).scheme in ("http", "https")


def read_location(location: str) -> bytes:
    """The bytes of a file path or an http(s) URL; FeedError in one line when unreadable."""
    if is_url(location):
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            location, headers={"User-Agent": "Homegroup import-feed", "Accept": "*/*"}
        )
        try:
            with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as response:  # noqa: S310
                data: bytes = response.read(MAX_FEED_BYTES + 1)
        except (OSError, ValueError) as error:
            raise FeedError(f"{location}: cannot fetch: {error}") from None
        return data
    path = Path(location)
    try:
        if path.stat().st_size > MAX_FEED_BYTES:
            raise FeedError(f"{location}: more than the {MAX_FEED_BYTES:,} bytes a feed may have")
        return path.read_bytes()
    except OSError as error:
        raise FeedError(f"{location}: cannot read: {error.strerror or error}") from None

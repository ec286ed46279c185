"""Reading the files and addresses a maintainer names on the command line (no parsing here)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from homegroup.directory.actions.importing import MAX_FEED_BYTES
from homegroup.directory.fetch import fetch_feed
from homegroup.directory.importers import FeedError


def is_url(location: str) -> bool:
    return urlsplit(location).scheme in ("http", "https")


def read_location(location: str) -> bytes:
    """The bytes of a file path or an http(s) URL; FeedError in one line when unreadable. A
    URL is fetched under the same rules as from the source page (directory.fetch)."""
    if is_url(location):
        return fetch_feed(location).body
    path = Path(location)
    try:
        if path.stat().st_size > MAX_FEED_BYTES:
            raise FeedError(f"{location}: more than the {MAX_FEED_BYTES:,} bytes a feed may have")
        return path.read_bytes()
    except OSError as error:
        raise FeedError(f"{location}: cannot read: {error.strerror or error}") from None

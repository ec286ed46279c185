"""Fetching a feed from a source's URL: one bounded GET, safe to start from a web page.

A maintainer types the URL, so the server must not become a way into its own network: only
http(s); the host is resolved once and every address it resolves to must be public (not
private, loopback, link-local, shared or reserved) unless ``allow_private``; the connection goes
to the address that was checked, never to a second lookup (a DNS-rebinding answer cannot swap
it); redirects are followed (five at most) and each is checked the same way. The body is read
up to ``max_bytes`` and within ``timeout`` seconds in all, so a huge or endless answer stops.

Plain `http.client`: the one thing a client library would add here (connecting to an address
checked beforehand) is what this module has to do itself anyway.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from homegroup.directory.importers import FeedError

USER_AGENT: Final = "Homegroup meeting directory (feed import)"
MAX_REDIRECTS: Final = 5
_CHUNK: Final = 65536


class FetchError(FeedError):
    """The feed could not be fetched; the message names the URL and why, in one line."""


@dataclass(frozen=True)
class Fetched:
    url: str  # where the body came from, after redirects
    body: bytes


def _check_address(address: str, *, allow_private: bool) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return allow_private or (ip.is_global and not ip.is_multicast)


def resolve(host: str, port: int, *, allow_private: bool) -> str:
    """The address to connect to for ``host``: the first it resolves to, once every address it
    resolves to has passed the check. FetchError otherwise."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(f"cannot find the host {host}: {error}") from None
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise FetchError(f"cannot find the host {host}")
    for address in addresses:
        if not _check_address(address, allow_private=allow_private):
            raise FetchError(
                f"{host} is a private, local or reserved address ({address}); only public "
                "addresses are fetched (HOMEGROUP_FETCH_ALLOW_PRIVATE allows others)"
            )
    return addresses[0]


def _pinned(connection: http.client.HTTPConnection, address: str) -> http.client.HTTPConnection:
    """The connection, made to connect to the address that was checked whatever its host name
    resolves to by then (TLS is still checked against the host name)."""
    port = connection.port

    def connect(_address: object, timeout: float | None, source: Any = None) -> socket.socket:
        return socket.create_connection((address, port), timeout, source)

    connection._create_connection = connect  # type: ignore[attr-defined]
    return connection


def _get_once(
    url: str, *, allow_private: bool, timeout: float, deadline: float, max_bytes: int
) -> tuple[int, str, bytes]:
    """(status, Location, body) of one GET; the body only for a 200."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(f"{url}: only http:// and https:// addresses are fetched")
    host = parts.hostname
    if not host or parts.username or parts.password:
        raise FetchError(f"{url}: not a web address with a host name")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise FetchError(f"{url}: the port is not a number") from None
    address = resolve(host, port, allow_private=allow_private)
    connection = _pinned(
        http.client.HTTPSConnection(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
        if scheme == "https"
        else http.client.HTTPConnection(host, port, timeout=timeout),
        address,
    )
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(
            "GET",
            target,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "application/json, text/csv, text/plain, */*",
                "Accept-Encoding": "identity",
            },
        )
        response = connection.getresponse()
        if response.status != 200:
            location = response.getheader("Location") or ""
            return response.status, location, b""
        length = response.getheader("Content-Length")
        if length and length.isdigit() and int(length) > max_bytes:
            raise FetchError(f"{url}: {int(length):,} bytes, more than the {max_bytes:,} allowed")
        chunks: list[bytes] = []
        size = 0
        while chunk := response.read(_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(f"{url}: more than the {max_bytes:,} bytes allowed")
            if time.monotonic() > deadline:
                raise FetchError(f"{url}: took longer than {timeout:g} seconds")
            chunks.append(chunk)
        return 200, "", b"".join(chunks)
    except TimeoutError:
        raise FetchError(f"{url}: no answer within {timeout:g} seconds") from None
    except (OSError, http.client.HTTPException) as error:
        raise FetchError(f"{url}: cannot fetch: {error}") from None
    finally:
        connection.close()


def fetch(url: str, *, allow_private: bool, max_bytes: int, timeout: float) -> Fetched:
    """GET ``url`` (following redirects) under the rules of this module; FetchError in one line
    naming the URL when it cannot be fetched, refused, too big or too slow."""
    deadline = time.monotonic() + timeout
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        status, location, body = _get_once(
            current,
            allow_private=allow_private,
            timeout=timeout,
            deadline=deadline,
            max_bytes=max_bytes,
        )
        if status == 200:
            return Fetched(current, body)
        if status in (301, 302, 303, 307, 308) and location:
            current = urljoin(current, location)
            continue
        raise FetchError(f"{current}: the server answered {status} instead of the feed")
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")


def fetch_feed(url: str) -> Fetched:
    """``fetch`` with the site's settings (HOMEGROUP_FETCH_*)."""
    return fetch(
        url,
        allow_private=settings.HOMEGROUP_FETCH_ALLOW_PRIVATE,
        max_bytes=settings.HOMEGROUP_FETCH_MAX_MB * 1024 * 1024,
        timeout=settings.HOMEGROUP_FETCH_TIMEOUT_SECONDS,
    )

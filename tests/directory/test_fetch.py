"""directory.fetch: one bounded GET of a feed, safe to start from a web page."""

from __future__ import annotations

import socket

import pytest

from homegroup.directory import fetch

KB = 1024


def get(url: str, **overrides: object) -> fetch.Fetched:
    options: dict[str, object] = {"allow_private": True, "max_bytes": 64 * KB, "timeout": 5}
    options.update(overrides)
    return fetch.fetch(url, **options)  # type: ignore[arg-type]


def test_a_feed_is_fetched(feed_server):
    feed_server.routes["/feed.json"] = b'[{"slug": "a"}]'
    fetched = get(feed_server.url("/feed.json"))
    assert (fetched.body, fetched.url) == (b'[{"slug": "a"}]', feed_server.url("/feed.json"))


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/feed.json", "file:///etc/passwd", "gopher://example.org/", "data:,x"],
)
def test_only_http_and_https_are_fetched(url):
    with pytest.raises(fetch.FetchError, match="only http:// and https:// addresses"):
        get(url)


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "192.168.0.10", "172.16.5.4", "169.254.169.254", "::1",
     "fe80::1", "fd00::1", "100.64.0.1", "0.0.0.0", "::ffff:127.0.0.1"],
)  # fmt: skip
def test_private_loopback_and_link_local_addresses_are_refused(monkeypatch, address):
    family = socket.AF_INET6 if ":" in address else socket.AF_INET

    def resolve(host, port, **kwargs):
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(fetch.FetchError, match="private, local or reserved address"):
        get("https://feeds.example.org/meetings.json", allow_private=False)


def test_a_name_resolving_to_a_public_and_a_private_address_is_refused(monkeypatch):
    def resolve(host, port, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(fetch.FetchError, match=r"10\.0\.0\.5"):
        get("https://feeds.example.org/meetings.json", allow_private=False)


def test_the_connection_goes_to_the_checked_address_not_a_second_lookup(monkeypatch, feed_server):
    """DNS rebinding: the name resolves once; a later answer cannot move the connection."""
    feed_server.routes["/feed.json"] = b"[]"
    answers = ["127.0.0.1", "203.0.113.9"]  # the second would go elsewhere
    real = socket.getaddrinfo

    def resolve(host, port, *args, **kwargs):
        if host == "feeds.example.org":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers.pop(0), port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    fetched = get(f"http://feeds.example.org:{feed_server.port}/feed.json")
    assert fetched.body == b"[]"
    assert answers == ["203.0.113.9"]  # looked up once
    assert feed_server.hosts == [f"feeds.example.org:{feed_server.port}"]


def test_a_redirect_is_followed_and_checked_again(feed_server, settings):
    feed_server.routes["/feed.json"] = b"[]"
    to = feed_server.url("/feed.json")
    assert get(feed_server.url(f"/redirect?to={to}")).body == b"[]"
    with pytest.raises(fetch.FetchError, match="only http:// and https://"):
        get(feed_server.url("/redirect?to=file:///etc/passwd"))


def test_a_body_over_the_limit_stops_the_fetch(feed_server):
    feed_server.routes["/big.json"] = b"[" + b" " * (100 * KB) + b"]"
    with pytest.raises(fetch.FetchError, match="more than the 65,536 allowed"):
        get(feed_server.url("/big.json"))


def test_a_server_that_stops_answering_times_out(feed_server):
    with pytest.raises(fetch.FetchError, match=r"no answer within 0\.5 seconds"):
        get(feed_server.url("/stall"), timeout=0.5)


def test_an_error_status_is_one_line_naming_it(feed_server):
    with pytest.raises(fetch.FetchError, match="the server answered 404 instead of the feed"):
        get(feed_server.url("/missing.json"))

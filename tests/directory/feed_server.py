"""A feed server on the loopback interface for the tests of imports from the web.

Serves files a test puts in ``routes`` (path → bytes); ``/stall`` sends its headers and then
nothing until the test ends; ``/redirect?to=URL`` answers 302 to URL; anything else is 404.
Each request's Host header is kept in ``hosts`` (to see which name a client connected for).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, bytes] = {}
        self.hosts: list[str] = []
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet test output
                return None

            def do_GET(self) -> None:
                server.hosts.append(self.headers.get("Host", ""))
                parts = urlsplit(self.path)
                if parts.path == "/stall":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b"[")
                    self.wfile.flush()
                    server.release.wait(30)
                    return
                if parts.path == "/redirect":
                    self.send_response(302)
                    self.send_header("Location", parse_qs(parts.query)["to"][0])
                    self.end_headers()
                    return
                body = server.routes.get(parts.path)
                if body is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def feed_server(settings) -> Iterator[FeedServer]:
    """A loopback feed server, with loopback addresses allowed for this test only."""
    settings.HOMEGROUP_FETCH_ALLOW_PRIVATE = True
    with FeedServer() as server:
        yield server

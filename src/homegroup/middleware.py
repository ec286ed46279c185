"""Project-wide request checks that belong to no app."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse

from homegroup.lib import proxies

# Headers a proxy sets about the request it forwards; from anyone else they are made up.
FORWARDED_HEADERS = (
    "HTTP_FORWARDED",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_REAL_IP",
)


@lru_cache(maxsize=4)
def _networks(values: tuple[str, ...]) -> tuple[proxies.Network, ...]:
    return proxies.parse_networks(values)


def trusted_proxies() -> tuple[proxies.Network, ...]:
    return _networks(tuple(settings.HOMEGROUP_TRUSTED_PROXIES))


def client_address(request: HttpRequest) -> str:
    """The visitor's address as the trusted proxies report it (HOMEGROUP_TRUSTED_PROXIES): what
    the sign-in lockout (AXES_CLIENT_IP_CALLABLE) and the throttles count by."""
    return proxies.client_address(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_X_FORWARDED_FOR"),
        trusted_proxies(),
    )


class TrustedProxyMiddleware:
    """First in the chain: forwarded headers survive only from a trusted proxy, so
    `SECURE_PROXY_SSL_HEADER` (X-Forwarded-Proto) and the client address can't be forged by a
    visitor who talks to Homegroup directly."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not proxies.is_trusted(request.META.get("REMOTE_ADDR", ""), trusted_proxies()):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)


access_log = logging.getLogger("homegroup.access")


class RejectNulMiddleware:
    """A NUL character in the path, the query string or a JSON body is a 400 (the generic error
    page, or the API's error shape), before any view can hand it to the database: PostgreSQL
    refuses NUL in text, which would otherwise surface as a 500 where SQLite quietly stores it
    (A-14 fuzzing finds it). Form posts need nothing here: Django's form fields refuse NUL."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw_query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or b"\x00" in unquote_to_bytes(raw_query.replace("+", " ")):
            raise BadRequest("NUL character in the request")
        if request.content_type == "application/json" and _json_has_nul(request.body):
            raise BadRequest("NUL character in the request")
        return self.get_response(request)


def _json_has_nul(body: bytes) -> bool:
    # JSON carries NUL as the escape \u0000 (a raw NUL byte is invalid JSON anyway).
    return b"\x00" in body or b"\\u0000" in body


class AccessLogMiddleware:
    """One log line per request without personal data (A-11): the method, the URL *pattern*
    that answered (`journal/<int:person_id>/`, never the path with the id, nor the query
    string, which can hold a ZIP code), the status, the time taken and the size. No address
    and no user agent: with a recovery app's URL they would say who is in treatment. The
    request id (added by the log filter) ties a line to its audit rows."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not access_log.isEnabledFor(logging.INFO):
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        access_log.info(
            "%s %s %s %.1fms %s",
            request.method,
            _route(request),
            response.status_code,
            (time.perf_counter() - started) * 1000,
            "-" if response.streaming else len(response.content),
        )
        return response


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return "/" + str(match.route)
    if request.path.startswith(settings.STATIC_URL):
        return settings.STATIC_URL + "…"  # a file name says nothing about a person
    return "(no route)"

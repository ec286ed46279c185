"""Database unavailable → 503 with Retry-After, never a 500 (docs/operations.md).

When PostgreSQL is stopped, restarting or out of connections, every request that touches it
fails with an OperationalError or InterfaceError (Django's wrappers, or psycopg's own at connect
time). That is not a bug in the request but a moment when the service is unavailable: the answer
says so and when to try again, as the API's error shape under /api/ and a calm page for people.
Nothing is half-written: every write is one transaction, which the database rolls back.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

# Long enough for a PostgreSQL restart or failover, short enough that an app's retry of a
# check-in lands soon after the database is back.
RETRY_AFTER_SECONDS = 5
ERROR_ATTRIBUTE = "homegroup_database_error"

try:  # psycopg raises its own classes when a connection fails outside Django's wrappers.
    import psycopg

    UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (
        OperationalError,
        InterfaceError,
        psycopg.OperationalError,
        psycopg.InterfaceError,
    )
except ImportError:  # pragma: no cover - psycopg is a dependency; SQLite-only installs work too
    UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)


def is_database_unavailable(error: BaseException | None) -> bool:
    """True for a failure to reach or keep the database, including one wrapped by another."""
    while error is not None:
        if isinstance(error, UNAVAILABLE_ERRORS):
            return True
        error = error.__cause__ or error.__context__
    return False


def unavailable_response(request: HttpRequest, error: BaseException | None = None) -> HttpResponse:
    """503 + Retry-After, touching neither the database nor the session (both may be down)."""
    setattr(request, ERROR_ATTRIBUTE, error)  # for UnavailableLogFilter's line
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "error": _("The service is briefly unavailable. Please try again shortly."),
                "details": [],
            },
            status=503,
        )
    else:
        page = loader.get_template("errors/503.html").render(
            {"crisis_lines": settings.HOMEGROUP_CRISIS_LINES}
        )
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # A 503 must never be cached in place of the page it stands for.
    response["Cache-Control"] = "no-store"
    return response


def _first_line(error: BaseException | None) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


class UnavailableLogFilter(logging.Filter):
    """Django logs every 503 at ERROR with its path (and a traceback when it caught the error):
    during an outage that is sixty lines per request, and the path can carry a person's id. One
    warning line instead, saying what failed (the database's own words: no personal data)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        # The API answers its views' errors itself; unavailable_response kept the error.
        error = error or getattr(getattr(record, "request", None), ERROR_ATTRIBUTE, None)
        if getattr(record, "status_code", None) == 503 and is_database_unavailable(error):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.msg = "Database unavailable, answered 503: %s"
            record.args = (_first_line(error),)
            record.exc_info = record.exc_text = None
        return True

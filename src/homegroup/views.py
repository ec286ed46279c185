"""Project-wide pages: the landing page, health checks and the generic error pages."""

from __future__ import annotations

import sys
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from homegroup.api import error_response
from homegroup.journal.views import home as journal_home
from homegroup.unavailable import is_database_unavailable, unavailable_response


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The landing page; for a person in recovery, their day (journal.views.home)."""
    user = request.user
    if user.is_authenticated and getattr(user, "is_person_in_recovery", False):
        return journal_home.home(request)
    return render(request, "home.html")


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up (R-05). Touches nothing else, so a slow database cannot fail it."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """The database answers and every migration is applied (R-05)."""
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:  # any failure to reach the database means "not ready", never a 500
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    if pending:
        return JsonResponse(
            {"status": "unavailable", "database": "ok", "unapplied_migrations": len(pending)},
            status=503,
        )
    return JsonResponse({"status": "ok", "database": "ok", "unapplied_migrations": 0})


def _error(request: HttpRequest, status: int) -> HttpResponse:
    if request.path.startswith("/api/"):
        messages = {400: "Bad request.", 403: "Forbidden.", 404: "Not found.", 500: "Server error."}
        return error_response(request, status, messages[status])
    return render(request, f"errors/{status}.html", status=status)


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _error(request, 400)


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _error(request, 403)


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _error(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its `except`: a database that went away, at connection time in a
    # middleware or in a view, is a 503 with Retry-After, not a bug (homegroup/unavailable.py).
    if is_database_unavailable(sys.exc_info()[1]):
        return unavailable_response(request)
    # No template context processors and no database: the error may be the database itself.
    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)

"""Project-wide pages: the landing page, health checks and the generic error pages."""

from __future__ import annotations

import json
import sys
from typing import Any, cast

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from homegroup import replica
from homegroup.accounts.requests import AuthenticatedRequest
from homegroup.api import error_response
from homegroup.journal.context_processors import safety
from homegroup.journal.views import home as journal_home
from homegroup.unavailable import is_database_unavailable, unavailable_response


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The landing page; for a person in recovery, their day (journal.views.home)."""
    user = request.user
    if user.is_authenticated and getattr(user, "is_person_in_recovery", False):
        return journal_home.home(cast(AuthenticatedRequest, request))
    return render(request, "home.html")


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest, so the app can be added to a home screen. Its name and icon follow
    discreet mode, as the page title and icon do (journal.context_processors)."""
    context = safety(request)
    discreet = context["discreet"]
    icon = static("journal/notes.svg" if discreet else "homegroup/icon.svg")
    name = str(context["words"]["brand"])
    response = JsonResponse(
        {
            "name": name,
            "short_name": name,
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#0b5563",
            "icons": [{"src": icon, "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
        },
        content_type="application/manifest+json",
    )
    response["Cache-Control"] = "no-store"  # it follows the session's discreet mode
    return response


# What the service worker keeps: the offline page and the static files every page uses. Never a
# person's page: those are fetched from the network only, and stay private (no-store).
OFFLINE_STATIC = (
    "homegroup/site.css",
    "homegroup/icon.svg",
    "journal/safety.css",
    "journal/journal.css",
    "journal/safety.js",
    "journal/notes.svg",
    "homegroup/app.js",
)


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from the site's root so that it may answer for every page
    (when the network is down, a page request gets the offline page)."""
    urls = [reverse("offline"), *(static(path) for path in OFFLINE_STATIC)]
    script = loader.render_to_string("service_worker.js", {"urls": json.dumps(urls)})
    response = HttpResponse(script, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "offline.html")


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up (R-05). Touches nothing else, so a slow database cannot fail it."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """The database answers and every migration is applied (R-05); with a replica configured,
    whether the directory reads it now and its lag (homegroup/replica.py)."""
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
    body: dict[str, Any] = {"status": "ok", "database": "ok", "unapplied_migrations": 0}
    if replica.configured():
        # Informational: a lagging or silent replica only sends the directory's reads to the
        # primary, so the app stays ready. (Never the reason: it may name an internal host.)
        known = replica.state(fresh=True)
        assert known is not None
        body["replica"] = "ok" if known.usable else "not used"
        body["replica_lag_seconds"] = known.verdict.lag_seconds
    return JsonResponse(body)


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

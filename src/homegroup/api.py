"""The JSON API under /api/v1/: one NinjaAPI, one error shape, a router per app.

Errors: status 400 with {"error": "...", "details": [{"loc": [...], "message": "..."}]} for bad
input (ninja's default 422 is overridden), 401 for anonymous callers, 403 for a wrong role, 404
for anything the caller may not see. Session cookie + CSRF authenticate in v1.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.security import SessionAuth as NinjaSessionAuth

from homegroup.accounts.api import router as accounts_router
from homegroup.api_schemas import Error, ErrorDetail  # noqa: F401  (the one error shape)
from homegroup.directory.api import router as directory_router
from homegroup.journal.api import router as journal_router
from homegroup.privacy.api import router as privacy_router
from homegroup.unavailable import UNAVAILABLE_ERRORS, unavailable_response


class SessionAuth(NinjaSessionAuth):
    """django-ninja's session authentication, asking "signed in?" before checking CSRF, so an
    anonymous write is a 401 like an anonymous read (A-14), not ninja's 403. A signed-in
    caller's writes are CSRF-checked exactly as before."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None  # authenticate() then refuses: 401
        return super()._get_key(request)


api = NinjaAPI(
    title="Homegroup API",
    version="1",
    description=(
        "Meeting directory, recovery journal and Twelve-Step Facilitation workspace. "
        "Errors share one shape: {error, details}."
    ),
    urls_namespace="api",
    auth=SessionAuth(),
    docs_url=None,  # the interactive docs page loads scripts from a CDN, which our CSP forbids
)


def error_response(
    request: HttpRequest, status: int, message: str, details: list[dict[str, Any]] | None = None
) -> HttpResponse:
    return api.create_response(request, {"error": message, "details": details or []}, status=status)


def _loc(raw: Any) -> list[str | int]:
    # ninja prefixes locations with the parameter source ("query", "body"); keep it, it says where.
    return [part if isinstance(part, int) else str(part) for part in raw]


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = [
        {"loc": _loc(error.get("loc", [])), "message": str(error.get("msg", _("invalid value")))}
        for error in exc.errors
    ]
    return error_response(request, 400, _("The request has invalid values."), details)


@api.exception_handler(AuthenticationError)
def _anonymous(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, _("Sign in first."))


@api.exception_handler(AuthorizationError)
def _forbidden(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return error_response(request, 403, _("Your role does not allow this."))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, _("Not found."))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, str(exc))


def _unavailable(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
    # ninja answers a view's exception itself (with DEBUG, a traceback as a 500): the database
    # going away is a 503 here exactly as in the project's handler500.
    return unavailable_response(request, exc if isinstance(exc, BaseException) else None)


for _error_class in UNAVAILABLE_ERRORS:
    api.add_exception_handler(_error_class, _unavailable)

api.add_router("/", accounts_router)
api.add_router("/", privacy_router)
api.add_router("/", directory_router)
api.add_router("/", journal_router)

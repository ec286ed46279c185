"""The API's one error shape, declared on every operation (A-14), and the one translation of an
action's Django ValidationError into it (`invalid`).

Its own module so that each app's router can import it: `homegroup.api` imports the routers.
Declaring the error statuses is what lets the OpenAPI document promise, and schemathesis check
(tests/test_api_fuzz.py), that every answer — errors included — has a documented shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Schema
from ninja.errors import ValidationError


class ErrorDetail(Schema):
    loc: list[str | int]
    message: str


class Error(Schema):
    error: str
    details: list[ErrorDetail] = []


# 400 bad input, 401 anonymous, 403 wrong role (or a second factor still owed), 404 not found
# or not the caller's. A public operation answers neither 401 nor 403.
PRIVATE_ERRORS = (400, 401, 403, 404)
PUBLIC_ERRORS = (400, 404)


def responses(ok: Any, *, public: bool = False, status: int = 200) -> dict[int, Any]:
    """An operation's `response=`: its success and the errors it can answer, all as `Error`."""
    return {status: ok} | dict.fromkeys(PUBLIC_ERRORS if public else PRIVATE_ERRORS, Error)


def invalid(
    error: DjangoValidationError,
    *,
    where: str,
    places: Mapping[str, list[str | int]] | None = None,
    field: str = "",
) -> ValidationError:
    """An action's ValidationError as the API's 400: each message at `[where, field]` (`where`
    is "query", "body" or "path"), or at the place `places` names for that field. A message
    that names no field is put at `field`."""
    by_field: list[tuple[str, list[str]]] = (
        list(error.message_dict.items())
        if hasattr(error, "error_dict")
        else [(field, error.messages)]
    )
    return ValidationError(
        [
            {"loc": (places or {}).get(name) or [where, name], "msg": message}
            for name, messages in by_field
            for message in messages
        ]
    )

"""The API's one error shape, declared on every operation (A-14).

Its own module so that each app's router can import it: `homegroup.api` imports the routers.
Declaring the error statuses is what lets the OpenAPI document promise, and schemathesis check
(tests/test_api_fuzz.py), that every answer — errors included — has a documented shape.
"""

from __future__ import annotations

from typing import Any

from ninja import Schema


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

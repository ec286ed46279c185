"""Project-wide request checks that belong to no app."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse


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

"""Path converters shared by every app's URLs; the project's `urls.py` imports this module so
they are registered before any app's patterns are built.

`<id:…>` is the one converter for a database id in a URL. A number longer than any id a
BigAutoField can hold names no row: it does not match, so the answer is a plain 404 before any
view runs, instead of each view guarding against an overflow on its own.
"""

from __future__ import annotations

from django.urls import register_converter

from homegroup.privacy.access import MAX_ID


class IdConverter:
    regex = r"[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("longer than any database id")  # no match: 404
        return number

    def to_url(self, value: int | str) -> str:
        return str(int(value))


register_converter(IdConverter, "id")

"""What the privacy pages share: the answer to too many tries and the signed-in user."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from homegroup.accounts import throttle

# Validation names consent elements (P2-01); these are the form fields that carry them.
ELEMENT_FIELDS = {"expiry": "expires_on", "signature": "password", "recipient": None}


def too_many_tries(request: HttpRequest) -> HttpResponse:
    return throttle.too_many(request, int(throttle.WINDOW.total_seconds()))

"""The PIN lock: a journal left idle on a device locks after the person's chosen minutes, and
opens again with their PIN (journal.actions.check_pin), separate from the password.

No query per request: whether the person has a PIN, and after how long it locks, sit in the
session from sign-in (journal.signals) and from setting the PIN on the settings page; the time
of the last request sits there too. A locked session reaches only the unlock page, quick exit,
signing out, the manifest, service worker and static files; every other page redirects to the
unlock page and shows nothing of the journal.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

PIN_SESSION_KEY = "hg_pin_idle"  # minutes, when the person has a PIN
SEEN_SESSION_KEY = "hg_seen"
LOCKED_SESSION_KEY = "hg_locked"
OPEN_PATHS = ("/static/", "/accounts/quick-exit/", "/accounts/sign-out/", "/healthz", "/readyz")
OPEN_EXACT = ("/manifest.webmanifest", "/sw.js", "/offline/")


def remember_pin(request: Any, idle_minutes: int | None) -> None:
    """On this device: lock after `idle_minutes`, or never (None)."""
    if idle_minutes:
        request.session[PIN_SESSION_KEY] = int(idle_minutes)
        request.session[SEEN_SESSION_KEY] = int(time.time())
    else:
        request.session.pop(PIN_SESSION_KEY, None)
        request.session.pop(LOCKED_SESSION_KEY, None)


def unlock(request: Any) -> None:
    request.session.pop(LOCKED_SESSION_KEY, None)
    request.session[SEEN_SESSION_KEY] = int(time.time())


class PinLockMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session: Any = getattr(request, "session", None)
        idle = session.get(PIN_SESSION_KEY) if session is not None else None
        if not idle or not request.user.is_authenticated:
            return self.get_response(request)
        path = request.path
        if path.startswith(OPEN_PATHS) or path in OPEN_EXACT:
            return self.get_response(request)
        now = int(time.time())
        if now - int(session.get(SEEN_SESSION_KEY, now)) > int(idle) * 60:
            session[LOCKED_SESSION_KEY] = True
        unlock_url = reverse("journal:unlock")
        if session.get(LOCKED_SESSION_KEY) and path != unlock_url:
            if path.startswith("/api/"):
                return HttpResponse(status=401)
            return redirect(f"{unlock_url}?{urlencode({'next': request.get_full_path()})}")
        if not session.get(LOCKED_SESSION_KEY):
            session[SEEN_SESSION_KEY] = now
        return self.get_response(request)

"""What every page needs for safety (recovery-care.md §5 and §7): the "Help now" panel's
harm-reduction lines beside the crisis lines (`accounts.context_processors` gives those), the first
crisis line for a visitor's top strip, and for a person in recovery the sticky "help now" and
quick-exit bar and discreet mode's neutral title and icon.

No query: discreet mode is read from the session, where `remember_discreet_mode` puts it at
sign-in and the settings page keeps it current (another device learns of a change at its next
sign-in).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone as django_timezone

from homegroup.journal.words import words
from homegroup.lib.timezones import is_timezone

DISCREET_SESSION_KEY = "hg_discreet"


TIMEZONE_SESSION_KEY = "hg_timezone"


def remember_discreet_mode(request: Any, on: bool) -> None:
    request.session[DISCREET_SESSION_KEY] = bool(on)


def remember_timezone(request: Any, zone: str) -> None:
    """The person's zone, for `LocalTimeMiddleware`: every time on their pages is local."""
    if zone:
        request.session[TIMEZONE_SESSION_KEY] = zone
    else:
        request.session.pop(TIMEZONE_SESSION_KEY, None)


class LocalTimeMiddleware:
    """Shows every time on a person's pages in their own zone (Django converts aware datetimes
    to the active zone when it renders them), with no query: the zone sits in the session from
    sign-in and from each change of the journal's settings."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        zone = getattr(request, "session", {}).get(TIMEZONE_SESSION_KEY)
        if zone and is_timezone(zone):
            django_timezone.activate(zone)
        else:
            django_timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            django_timezone.deactivate()


def safety(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    person_side = bool(
        user is not None and user.is_authenticated and getattr(user, "is_person_in_recovery", False)
    )
    discreet = person_side and bool(
        getattr(request, "session", {}).get(DISCREET_SESSION_KEY, False)
    )
    crisis_lines = settings.HOMEGROUP_CRISIS_LINES
    return {
        "person_side": person_side,
        "words": words(discreet=discreet),
        "discreet": discreet,
        # Our own sign-out-and-leave address: it ends the session, then sends the browser on to
        # HOMEGROUP_QUICK_EXIT_URL (accounts.views.quick_exit).
        "quick_exit_url": reverse("accounts:quick-exit"),
        "harm_reduction_lines": settings.HOMEGROUP_HARM_REDUCTION_LINES,
        "naloxone_url": settings.HOMEGROUP_NALOXONE_URL,
        "first_crisis_line": crisis_lines[0] if crisis_lines else None,
    }

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from homegroup.accounts import sessions

MESSAGES = {
    "idle": _("You were signed out after a while without activity. Please sign in again."),
    "absolute": _("Your session has ended. Please sign in again."),
}


class SessionPolicyMiddleware:
    """Ends sessions that outlived their policy before any view sees the user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            reason = sessions.expired_reason(request, user)
            if reason:
                request.homegroup_sign_out_reason = f"session_{reason}"  # type: ignore[attr-defined]
                logout(request)
                messages.info(request, MESSAGES[reason])
            else:
                sessions.touch(request, user)
        return self.get_response(request)

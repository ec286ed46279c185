from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
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


# Pages a signed-in account that still owes its second factor may reach: signing in and out
# (and accepting an invitation, which signs in anew), confirming the password (enrolment may ask
# for it), enrolling and verifying, and the health checks.
SECOND_FACTOR_OPEN_URLS = frozenset(
    {
        "accounts:sign-in",
        "accounts:sign-out",
        "accounts:quick-exit",
        "accounts:accept-invitation",
        "accounts:confirm-password",
        "accounts:two-factor",
        "accounts:two-factor-enrol",
        "healthz",
        "readyz",
    }
)


def second_factor_required(user: Any) -> bool:
    """Staff always (H-08); anyone else once they have switched it on for themselves."""
    return bool(user.holds_staff_role or getattr(user, "second_factor_enabled", False))


class SecondFactorMiddleware:
    """Keeps an account that owes its second factor on the enrolment and verification pages.

    Runs after django-otp's OTPMiddleware (which marks `request.user.is_verified()`) and after
    the session policy. Pages redirect to the two-factor page; the API answers 403.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and second_factor_required(user)
            and not user.is_verified()  # type: ignore[attr-defined]
            and not self._open(request)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"error": str(API_MESSAGE), "details": []},
                    status=403,
                )
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:two-factor')}?{query}")
        return self.get_response(request)

    @staticmethod
    def _open(request: HttpRequest) -> bool:
        if request.path.startswith(settings.STATIC_URL):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in SECOND_FACTOR_OPEN_URLS


API_MESSAGE = _("Confirm your sign-in with your second factor first.")

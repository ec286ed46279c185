"""Function-level authorization by role (A-02) and re-authentication (A-05) for views.

Anonymous → the sign-in page (pages) or 401 (API); wrong role → 403. Object-level scoping is not
done here: it is `visible_to(user)` in each QuerySet, which makes another person's object a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from ninja.errors import AuthorizationError

from homegroup.accounts import sessions
from homegroup.accounts.models import Role

View = TypeVar("View", bound=Callable[..., HttpResponse])


def role_required(*roles: Role) -> Callable[[View], View]:
    """Signed in and holding at least one of `roles`."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(request.user.has_role(role) for role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def require_role_api(request: HttpRequest, *roles: Role) -> None:
    if not any(request.user.has_role(role) for role in roles):  # type: ignore[union-attr]
        raise AuthorizationError


def reauth_required(view: View) -> View:
    """Sensitive actions (sharing, exporting, changing credentials) ask for the password again."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not sessions.recently_authenticated(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:confirm-password')}?{query}")
        return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]

"""Function-level authorization by role (A-02) and re-authentication (A-05) for views, and the
one role guard of actions (`requires_role`).

Anonymous → the sign-in page (pages) or 401 (API); wrong role → 403. Object-level scoping is not
done here: it is `visible_to(user)` in each QuerySet, which makes another person's object a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja.errors import AuthorizationError

from homegroup.accounts import sessions
from homegroup.accounts.models import Role
from homegroup.audit import actions as audit_log
from homegroup.audit.models import Outcome
from homegroup.audit.vocabulary import AuditAction

View = TypeVar("View", bound=Callable[..., HttpResponse])
Params = ParamSpec("Params")
Result = TypeVar("Result")
# What an action is about, for its refusal's audit row: (object type, object id) from its arguments.
About = Callable[[dict[str, Any]], tuple[str, Any]]


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


def requires_role(
    *roles: Role, audit: AuditAction, actor: str = "actor", about: About | None = None
) -> Callable[[Callable[Params, Result]], Callable[Params, Result]]:
    """The role guard of keyword-only actions: unless the user passed as ``actor`` holds one of
    ``roles``, one denied ``audit`` event is recorded (about what ``about`` names) and
    PermissionDenied raised — before the action runs. Put it above ``@transaction.atomic``: the
    check and its audit row come before the transaction opens, so the refusal is never rolled
    back with the action."""

    def decorator(action: Callable[Params, Result]) -> Callable[Params, Result]:
        @wraps(action)
        def guarded(*args: Params.args, **kwargs: Params.kwargs) -> Result:
            user = kwargs[actor]
            if not any(user.has_role(role) for role in roles):  # type: ignore[attr-defined]
                object_type, object_id = about(kwargs) if about is not None else ("", "")
                audit_log.record(
                    action=audit,
                    actor_id=user.pk,  # type: ignore[attr-defined]
                    outcome=Outcome.DENIED,
                    object_type=object_type if object_id else "",
                    object_id=object_id or "",
                )
                raise PermissionDenied(_("Your role does not allow this."))
            return action(*args, **kwargs)

        guarded.required_roles = roles  # type: ignore[attr-defined]
        return guarded

    return decorator

"""Django's and axes' sign-in signals, forwarded to actions (no logic lives here)."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from homegroup.accounts import actions, sessions
from homegroup.accounts.models import User


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The account a sign-in attempt is for, as django-axes counts it (email, any case)."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(raw).strip().lower()


def _user_id_for(credentials: dict[str, Any]) -> int | None:
    email = str(credentials.get("username") or credentials.get("email") or "").strip().lower()
    return User.objects.filter(email=email).values_list("pk", flat=True).first() if email else None


@receiver(user_logged_in)
def _signed_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None:
        sessions.start(request, user)
    actions.note_sign_in(user=user)


@receiver(user_login_failed)
def _sign_in_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    actions.note_sign_in_failed(user_id=_user_id_for(credentials))


@receiver(user_locked_out)
def _locked_out(sender: Any, request: HttpRequest, username: str | None, **kwargs: Any) -> None:
    actions.note_sign_in_failed(user_id=_user_id_for({"username": username}), locked_out=True)


@receiver(user_logged_out)
def _signed_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    reason = getattr(request, "homegroup_sign_out_reason", "sign_out")
    actions.note_sign_out(user_id=user.pk if user else None, reason=reason)

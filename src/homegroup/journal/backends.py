"""An authentication backend that signs nobody in.

An account awaiting deletion is inactive, so Django refuses its password like any wrong one.
This backend runs after Django's: when the password is right for an account in its grace period,
it remembers the account in the session (for a few minutes) and asks the sign-in page to send
the person to "keep my account" (`journal.views.data.keep_account`) instead of saying the
password is wrong. It always answers None: only that page, after the person chooses to keep the
account, signs them in.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from homegroup.accounts.models import User
from homegroup.journal.models import AccountDeletion

KEEP_SESSION_KEY = "hg_keep_account"
KEEP_WINDOW = timedelta(minutes=10)
# The sign-in view reads this request attribute and redirects there (accounts/views.py).
ELSEWHERE_ATTRIBUTE = "homegroup_sign_in_elsewhere"


def pending_keep(request: HttpRequest) -> User | None:
    """The account this browser proved it owns while it awaits deletion, if still in time."""
    remembered = request.session.get(KEEP_SESSION_KEY)
    if not isinstance(remembered, dict):
        return None
    if remembered.get("until", 0) < timezone.now().timestamp():
        request.session.pop(KEEP_SESSION_KEY, None)
        return None
    person_id = remembered.get("id")
    if not isinstance(person_id, int):
        return None
    return (
        User.objects.filter(pk=person_id, is_active=False)
        .filter(account_deletion__isnull=False)
        .select_related("account_deletion")
        .first()
    )


class PendingDeletionBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None or not username or not password or not hasattr(request, "session"):
            return None
        user = User.objects.filter(email=str(username).strip().lower(), is_active=False).first()
        if user is None or not AccountDeletion.objects.filter(person=user).exists():
            return None
        if not user.check_password(password):
            return None
        request.session[KEEP_SESSION_KEY] = {
            "id": user.pk,
            "until": (timezone.now() + KEEP_WINDOW).timestamp(),
        }
        setattr(request, ELSEWHERE_ATTRIBUTE, reverse("journal:keep-account"))
        return None

    def get_user(self, user_id: int) -> None:
        return None

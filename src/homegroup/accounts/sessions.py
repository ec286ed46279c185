"""Session lifetimes (H-03) and re-authentication (A-05), enforced on the server.

Staff (clinicians, program admins, directory maintainers): idle 15 minutes, absolute 12 hours.
People in recovery and sponsors: a long session on their own device (idle 30 days, absolute 90),
and a fresh password before sharing, exporting or changing credentials.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

AUTH_AT = "hg_auth_at"
SEEN_AT = "hg_seen_at"
REAUTH_AT = "hg_reauth_at"
# A person's session is touched at most this often, so a long session does not mean a write
# on every page view.
PERSON_TOUCH_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class Policy:
    idle: timedelta
    absolute: timedelta
    touch_every: timedelta


def policy_for(user: Any) -> Policy:
    if user.holds_staff_role:
        return Policy(
            settings.HOMEGROUP_STAFF_IDLE, settings.HOMEGROUP_STAFF_ABSOLUTE, timedelta(0)
        )
    return Policy(
        settings.HOMEGROUP_PERSON_IDLE, settings.HOMEGROUP_PERSON_ABSOLUTE, PERSON_TOUCH_EVERY
    )


def _stamp(moment: datetime) -> float:
    return moment.timestamp()


def _cookie_seconds(policy: Policy) -> int:
    # The stored session outlives the policy, so that a late return reaches the middleware,
    # which ends it and audits why, instead of the session silently vanishing.
    return int(policy.idle.total_seconds() * 2)


def start(request: HttpRequest, user: Any) -> None:
    now = _stamp(timezone.now())
    request.session[AUTH_AT] = now
    request.session[SEEN_AT] = now
    request.session[REAUTH_AT] = now  # signing in is a fresh authentication
    request.session.set_expiry(_cookie_seconds(policy_for(user)))


def expired_reason(request: HttpRequest, user: Any) -> str | None:
    """'idle' or 'absolute' when the session has outlived its policy, else None."""
    policy = policy_for(user)
    now = _stamp(timezone.now())
    auth_at = request.session.get(AUTH_AT)
    seen_at = request.session.get(SEEN_AT)
    if auth_at is None or seen_at is None:
        return "absolute"  # a session from before these rules: start again
    if now - auth_at > policy.absolute.total_seconds():
        return "absolute"
    if now - seen_at > policy.idle.total_seconds():
        return "idle"
    return None


def touch(request: HttpRequest, user: Any) -> None:
    policy = policy_for(user)
    now = _stamp(timezone.now())
    if now - request.session.get(SEEN_AT, 0) >= policy.touch_every.total_seconds():
        request.session[SEEN_AT] = now
        request.session.set_expiry(_cookie_seconds(policy))


def mark_reauthenticated(request: HttpRequest) -> None:
    request.session[REAUTH_AT] = _stamp(timezone.now())


def recently_authenticated(request: HttpRequest) -> bool:
    at = request.session.get(REAUTH_AT)
    window = settings.HOMEGROUP_REAUTH_WINDOW.total_seconds()
    return at is not None and _stamp(timezone.now()) - at <= window

"""Throttling (A-03): 429 with `Retry-After` and a kind page when attempts come too fast.

Consent signing and code redemption are counted from the audit log, which already records every
attempt with its outcome. Sign-up, password reset and exports are counted per email address, per
account and per client address (as the trusted proxies report it, HOMEGROUP_TRUSTED_PROXIES) in
`ThrottleEvent`, which keeps only keyed digests: the audit log never holds a typed address. Both
live in the database every process shares, so no cache is needed.

A sign-up or reset answers the same whether or not the address has an account, so its limits
count the address typed, never the account: the 429 can't tell an address apart either.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac

from homegroup.accounts.models import ThrottleEvent
from homegroup.audit.models import AuditEvent, Outcome
from homegroup.audit.vocabulary import AuditAction
from homegroup.middleware import client_address

WINDOW = timedelta(minutes=15)
SIGNING_FAILURES = 5  # wrong passwords at signing within WINDOW
SIGNING_BURST = 20  # signatures of any outcome within an hour
CODE_FAILURES = 10  # wrong sharing or enrolment codes within WINDOW


def signing_blocked(user: Any) -> bool:
    now = timezone.now()
    counts = AuditEvent.objects.filter(
        actor_id=user.pk,
        action=AuditAction.PRIVACY_CONSENT_SIGNED,
        occurred_at__gte=now - timedelta(hours=1),
    ).aggregate(
        failures=Count("id", filter=Q(outcome=Outcome.FAILURE, occurred_at__gte=now - WINDOW)),
        total=Count("id"),
    )
    return bool(counts["failures"] >= SIGNING_FAILURES or counts["total"] >= SIGNING_BURST)


def code_redemption_blocked(user: Any) -> bool:
    return (
        AuditEvent.objects.filter(
            actor_id=user.pk,
            action__in=[AuditAction.PRIVACY_CONSENT_ACCEPTED, AuditAction.PRIVACY_PROGRAM_JOINED],
            outcome=Outcome.FAILURE,
            occurred_at__gte=timezone.now() - WINDOW,
        ).count()
        >= CODE_FAILURES
    )


# --- Counted attempts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    scope: str
    attempts: int
    window: timedelta


HOUR = timedelta(hours=1)
SIGN_UP_PER_ADDRESS = Limit("sign_up:address", 3, HOUR)
SIGN_UP_PER_CLIENT = Limit("sign_up:client", 10, HOUR)
PASSWORD_RESET_PER_ADDRESS = Limit("password_reset:address", 3, HOUR)
PASSWORD_RESET_PER_CLIENT = Limit("password_reset:client", 10, HOUR)
EXPORT_PER_ACCOUNT = Limit("export:account", 10, HOUR)
EXPORT_PER_CLIENT = Limit("export:client", 30, HOUR)
# Events older than every window are of no further use.
KEEP = timedelta(days=1)


def _digest(scope: str, value: str) -> str:
    # Keyed with SECRET_KEY: a copy of the table can't be matched against a list of addresses.
    return salted_hmac("homegroup.throttle", f"{scope}|{value}").hexdigest()


def attempt(*counted: tuple[Limit, str]) -> int | None:
    """Count one attempt under each (limit, key), unless one of them is used up: then nothing is
    counted and the answer is the seconds until it frees up (for `Retry-After`)."""
    now = timezone.now()
    waits = []
    for limit, value in counted:
        recent = list(
            ThrottleEvent.objects.filter(
                scope=limit.scope,
                key=_digest(limit.scope, value),
                occurred_at__gt=now - limit.window,
            )
            .order_by("-occurred_at")
            .values_list("occurred_at", flat=True)[: limit.attempts]
        )
        if len(recent) >= limit.attempts:
            # The oldest of the last `attempts` leaving the window makes room for one more.
            waits.append((recent[-1] + limit.window - now).total_seconds())
    if waits:
        return max(1, math.ceil(max(waits)))
    ThrottleEvent.objects.bulk_create(
        ThrottleEvent(scope=limit.scope, key=_digest(limit.scope, value), occurred_at=now)
        for limit, value in counted
    )
    ThrottleEvent.objects.filter(occurred_at__lt=now - KEEP).delete()
    return None


def per_client(limit: Limit, request: HttpRequest) -> tuple[Limit, str]:
    return (limit, client_address(request))


def per_address(limit: Limit, email: str) -> tuple[Limit, str]:
    return (limit, email.strip().lower())


def per_account(limit: Limit, user: Any) -> tuple[Limit, str]:
    return (limit, f"user:{user.pk}")


def too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    """The kind 429 page: what happened, and when to try again."""
    minutes = max(1, math.ceil(retry_after / 60))
    response = render(request, "accounts/throttled.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(retry_after)
    return response

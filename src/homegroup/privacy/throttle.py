"""Throttling for consent signing and code redemption (A-03), counted from the audit log.

The audit already records every attempt with its outcome, in the database every process shares,
so no cache or extra table is needed: a handful of wrong passwords at signing, or a run of wrong
codes, answers 429 for a while; so does a burst of signatures.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from homegroup.audit.models import AuditEvent, Outcome

WINDOW = timedelta(minutes=15)
SIGNING_FAILURES = 5  # wrong passwords at signing within WINDOW
SIGNING_BURST = 20  # signatures of any outcome within an hour
CODE_FAILURES = 10  # wrong sharing or enrolment codes within WINDOW


def signing_blocked(user: Any) -> bool:
    now = timezone.now()
    counts = AuditEvent.objects.filter(
        actor_id=user.pk, action="privacy.consent_signed", occurred_at__gte=now - timedelta(hours=1)
    ).aggregate(
        failures=Count("id", filter=Q(outcome=Outcome.FAILURE, occurred_at__gte=now - WINDOW)),
        total=Count("id"),
    )
    return bool(counts["failures"] >= SIGNING_FAILURES or counts["total"] >= SIGNING_BURST)


def code_redemption_blocked(user: Any) -> bool:
    return (
        AuditEvent.objects.filter(
            actor_id=user.pk,
            action__in=["privacy.consent_accepted", "privacy.program_joined"],
            outcome=Outcome.FAILURE,
            occurred_at__gte=timezone.now() - WINDOW,
        ).count()
        >= CODE_FAILURES
    )

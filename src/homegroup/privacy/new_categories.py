"""Kinds of information that joined the vocabulary after a person's program consent was signed.

A consent names what it releases (42 CFR 2.31(a)(3)): one signed before "TSF sessions and recovery
tasks" existed cannot release them, so the care team's session pages answer 404 for that person.
Nothing is ever added to a signed consent. The person is asked instead, on their home page, with
a link to a new consent to the same program pre-filled with what they already share plus the new
kind; any consent to that program signed since the kind appeared (even one without it, or one
revoked later) is their answer, and the question is not asked again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from homegroup.accounts.models import User
from homegroup.privacy import categories, rules
from homegroup.privacy.models import Consent


@dataclass(frozen=True)
class Offer:
    consent: Consent  # the newest active consent to the program: the form starts from it
    program_name: str
    labels: list[str]


def offers_for(person: User, *, now: datetime | None = None) -> list[Offer]:
    """One offer per program the person shares with through an active treatment consent whose
    newest consent predates a kind of information its defaults now include."""
    now = now or timezone.now()
    newest_first = (
        Consent.objects.given_by(person)
        .filter(kind=rules.TPO, recipient_program__isnull=False)
        .with_treatment()
        .select_related("recipient_program")
        .order_by("-signed_at", "-pk")
    )
    by_program: dict[int, list[Consent]] = {}
    for consent in newest_first:
        by_program.setdefault(consent.recipient_program_id or 0, []).append(consent)
    offers = []
    for given in by_program.values():
        active = [consent for consent in given if consent.status(now=now) == rules.ACTIVE]
        if not active:
            continue
        shared = {value for consent in active for value in consent.categories}
        new = categories.new_since(given[0].signed_at, shared)
        if new:
            offers.append(
                Offer(
                    consent=active[0],
                    program_name=active[0].recipient_program.name,  # type: ignore[union-attr]
                    labels=[categories.label(value) for value in categories.ordered(new)],
                )
            )
    return offers


def form_start(consent: Consent) -> dict[str, object]:
    """The program form's initial values to sign a consent like this one, plus the new kinds."""
    return {
        "program": consent.recipient_program_id,
        "kind": consent.kind,
        "categories": categories.ordered(
            set(consent.categories) | categories.new_since(consent.signed_at, consent.categories)
        ),
        "expiry_kind": consent.expiry_kind,
        # A consent "until 31 January" ends at the next midnight, UTC (actions.end_of_day).
        "expires_on": (
            (consent.expires_at - timedelta(days=1)).date() if consent.expires_at else None
        ),
    }

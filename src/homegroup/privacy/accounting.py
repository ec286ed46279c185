"""The accounting of disclosures a person reads (P2-08): who saw what, when, on which basis."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from homegroup.accounts.models import User
from homegroup.privacy import categories
from homegroup.privacy.models import Channel, DisclosureRecord, Program, Purpose

# "Any window up to 3 years": three years, leap days included.
MAX_WINDOW_DAYS = 3 * 365 + 1
DEFAULT_WINDOW_DAYS = 90
LIMIT = 500


def window(start: date | None, end: date | None, *, today: date) -> tuple[date, date]:
    """The inclusive window asked for, defaulting to the last 90 days; at most 3 years long."""
    # Nothing is disclosed in the future; clamping also keeps date arithmetic in range.
    end = min(end or today, today)
    default_start = (
        end - timedelta(days=DEFAULT_WINDOW_DAYS)
        if end > date.min + timedelta(days=DEFAULT_WINDOW_DAYS)
        else date.min
    )
    start = start or default_start
    if start > end:
        raise ValidationError({"from": _("The start comes after the end.")})
    if (end - start).days > MAX_WINDOW_DAYS:
        raise ValidationError({"from": _("Choose a window of at most 3 years.")})
    return start, end


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, time.min, tzinfo=UTC),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC),
    )


@dataclass(frozen=True)
class Entry:
    occurred_at: datetime
    recipient: str
    program: str
    what: list[str]
    purpose: str
    basis: str
    consent_id: int | None
    channel: str


def entries(*, person_id: int, start: date, end: date) -> tuple[list[Entry], bool]:
    """The person's disclosures in the window, newest first (three queries whatever the size);
    the flag says the list stopped at LIMIT rows."""
    low, high = _bounds(start, end)
    rows = list(DisclosureRecord.objects.about(person_id).between(low, high)[: LIMIT + 1])
    truncated = len(rows) > LIMIT
    rows = rows[:LIMIT]
    names = dict(
        User.objects.filter(pk__in={r.recipient_user_id for r in rows}).values_list(
            "pk", "display_name"
        )
    )
    programs = dict(
        Program.objects.filter(
            pk__in={r.recipient_program_id for r in rows if r.recipient_program_id}
        ).values_list("pk", "name")
    )
    purposes = dict(Purpose.choices)
    channels = dict(Channel.choices)
    return [
        Entry(
            occurred_at=r.occurred_at,
            recipient=names.get(r.recipient_user_id) or _("a deleted account"),
            program=programs.get(r.recipient_program_id or 0, ""),
            what=[categories.label(c) for c in r.categories],
            purpose=str(purposes.get(r.purpose, r.purpose)),
            basis=r.basis,
            consent_id=r.consent_id,
            channel=str(channels.get(r.channel, r.channel)),
        )
        for r in rows
    ], truncated

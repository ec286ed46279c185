"""The one function every feature calls to audit, and the tamper-evidence arithmetic.

Each row carries HMAC(key, canonical row). Every so often `seal_pending` writes a seal whose MAC
covers the previous seal's MAC and the (id, row MAC) list of the rows since: an edited row fails
its own MAC; a deleted, inserted or reordered row breaks its seal. Rows newer than the last seal
are covered only by their own MAC until the next seal (cron `homegroup audit-seal` every minute,
and the writer seals opportunistically every `SEAL_EVERY` events).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.utils import timezone

from homegroup.privacy.middleware import current_request_id
from homegroup.privacy.models import AuditEvent, AuditSeal, Outcome

SEAL_EVERY = 256
# Rows younger than this are left for the next seal, so a transaction still in flight (whose
# id is lower than a committed neighbour's) is never skipped by a seal.
SEAL_GRACE = timedelta(seconds=60)
GENESIS = "0" * 64
_ADVISORY_LOCK = 0x686F6D65  # "home"


def _key() -> bytes:
    return settings.HOMEGROUP_AUDIT_KEY.encode()


def _canonical_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def row_mac(event: AuditEvent) -> str:
    fields = [
        "v1",
        _canonical_time(event.occurred_at),
        str(event.actor_id or ""),
        event.action,
        event.outcome,
        str(event.subject_id or ""),
        event.object_type,
        event.object_id,
        event.request_id,
    ]
    return hmac.new(_key(), "\x1f".join(fields).encode(), hashlib.sha256).hexdigest()


def seal_mac(
    *, previous_mac: str, after_event_id: int, rows: Iterable[tuple[int, str]]
) -> tuple[str, int, int]:
    """MAC over the previous seal and the ordered (id, row MAC) list; returns mac, count, last."""
    digest = hmac.new(_key(), f"seal1|{previous_mac}|{after_event_id}".encode(), hashlib.sha256)
    count, last = 0, after_event_id
    for event_id, mac in rows:
        digest.update(f"|{event_id}:{mac}".encode())
        count, last = count + 1, event_id
    digest.update(f"|{count}|{last}".encode())
    return digest.hexdigest(), count, last


def record(
    *,
    action: str,
    actor_id: int | None,
    outcome: Outcome = Outcome.SUCCESS,
    subject_id: int | None = None,
    object_type: str = "",
    object_id: str | int = "",
    request_id: str | None = None,
) -> AuditEvent:
    """Append one audit event. Plain ids only: never names, notes or answers."""
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor_id=actor_id,
        action=action,
        outcome=outcome,
        subject_id=subject_id,
        object_type=object_type,
        object_id=str(object_id),
        request_id=request_id if request_id is not None else current_request_id(),
    )
    event.mac = row_mac(event)
    event.save(force_insert=True)
    if event.pk % SEAL_EVERY == 0:
        transaction.on_commit(lambda: seal_pending(wait=False))
    return event


def _take_seal_lock(*, wait: bool) -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite serialises writers itself.
    with connection.cursor() as cursor:
        function = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
        cursor.execute(f"SELECT {function}(%s)", [_ADVISORY_LOCK])
        row = cursor.fetchone()
    return wait or bool(row and row[0])


def seal_pending(*, wait: bool = True, now: datetime | None = None) -> AuditSeal | None:
    """Seal the rows written since the last seal that are older than the grace period."""
    cutoff = (now or timezone.now()) - SEAL_GRACE
    with transaction.atomic():
        if not _take_seal_lock(wait=wait):
            return None
        last = AuditSeal.objects.order_by("-last_event_id").first()
        previous_mac = last.mac if last else GENESIS
        after = last.last_event_id if last else 0
        rows: list[tuple[int, str]] = []
        # Stop at the first young row so the sealed ids are a prefix of what will ever exist.
        for event_id, mac, occurred_at in (
            AuditEvent.objects.filter(id__gt=after)
            .order_by("id")
            .values_list("id", "mac", "occurred_at")
            .iterator(chunk_size=2000)
        ):
            if occurred_at >= cutoff:
                break
            rows.append((event_id, mac))
        if not rows:
            return None
        mac, count, last_id = seal_mac(previous_mac=previous_mac, after_event_id=after, rows=rows)
        seal = AuditSeal(
            sealed_at=timezone.now(),
            after_event_id=after,
            last_event_id=last_id,
            event_count=count,
            previous_mac=previous_mac,
            mac=mac,
        )
        seal.save(force_insert=True)
        return seal


@dataclass(frozen=True)
class Finding:
    """The first thing that does not add up, named so a person can find the row."""

    where: str
    problem: str

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


@dataclass(frozen=True)
class VerifyResult:
    events: int
    seals: int
    unsealed: int
    finding: Finding | None

    @property
    def ok(self) -> bool:
        return self.finding is None


def _events_in(after: int, last: int | None, using: str) -> Iterator[AuditEvent]:
    rows = AuditEvent.objects.using(using).filter(id__gt=after)
    if last is not None:
        rows = rows.filter(id__lte=last)
    return rows.order_by("id").iterator(chunk_size=2000)


def verify(*, using: str = DEFAULT_DB_ALIAS) -> VerifyResult:
    """Check every row's MAC and every seal; stop at the first problem.

    `using` names another database, for the restore drill's check of a restored copy (R-02).
    """
    events = seals = 0
    previous_mac, after = GENESIS, 0
    for seal in AuditSeal.objects.using(using).order_by("last_event_id"):
        where = f"seal {seal.pk} (events {seal.after_event_id + 1}-{seal.last_event_id})"
        if seal.previous_mac != previous_mac or seal.after_event_id != after:
            return VerifyResult(events, seals, 0, Finding(where, "the chain of seals is broken"))
        pairs: list[tuple[int, str]] = []
        for event in _events_in(after, seal.last_event_id, using):
            if not hmac.compare_digest(event.mac, row_mac(event)):
                return VerifyResult(
                    events, seals, 0, Finding(f"audit row {event.pk}", "its content was altered")
                )
            pairs.append((event.pk, event.mac))
            events += 1
        mac, count, last_id = seal_mac(previous_mac=previous_mac, after_event_id=after, rows=pairs)
        if count != seal.event_count:
            return VerifyResult(
                events,
                seals,
                0,
                Finding(where, f"it sealed {seal.event_count} rows, {count} are there"),
            )
        if not hmac.compare_digest(mac, seal.mac) or last_id != seal.last_event_id:
            return VerifyResult(
                events, seals, 0, Finding(where, "rows were reordered, replaced or the seal forged")
            )
        previous_mac, after, seals = seal.mac, seal.last_event_id, seals + 1
    unsealed = 0
    for event in _events_in(after, None, using):
        if not hmac.compare_digest(event.mac, row_mac(event)):
            return VerifyResult(
                events, seals, unsealed, Finding(f"audit row {event.pk}", "its content was altered")
            )
        events, unsealed = events + 1, unsealed + 1
    return VerifyResult(events, seals, unsealed, None)

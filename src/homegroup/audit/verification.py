"""Verification of every sealed ledger: walk each chain from its genesis, check every row.

Reads only; `homegroup audit-verify` and the restore drill call `verify`. It stops, per ledger,
at the first thing that does not add up and names it so a person can find the row.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from homegroup.audit import ledgers, macs
from homegroup.audit.anchor import Head
from homegroup.audit.models import AuditSeal


def overdue_after() -> timedelta:
    """How old an unsealed row may grow before verification fails: the seal interval (how often
    cron runs `audit-seal`) plus its grace."""
    return timedelta(
        seconds=settings.HOMEGROUP_AUDIT_SEAL_INTERVAL + settings.HOMEGROUP_AUDIT_SEAL_GRACE
    )


@dataclass(frozen=True)
class Finding:
    """The first thing that does not add up, named so a person can find the row."""

    where: str
    problem: str

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


@dataclass
class LedgerResult:
    ledger: str
    rows: int = 0
    seals: int = 0
    unsealed: int = 0
    anchored: int = 0
    late: list[str] = field(default_factory=list)
    finding: Finding | None = None

    @property
    def ok(self) -> bool:
        return self.finding is None


@dataclass
class VerifyResult:
    ledgers: list[LedgerResult]

    @property
    def ok(self) -> bool:
        return all(result.ok for result in self.ledgers)

    @property
    def finding(self) -> Finding | None:
        return next((r.finding for r in self.ledgers if r.finding is not None), None)

    def of(self, name: str) -> LedgerResult:
        return next(result for result in self.ledgers if result.ledger == name)

    # The audit ledger's numbers, as the restore drill reports them.
    @property
    def events(self) -> int:
        return self.of(ledgers.AUDIT).rows

    @property
    def seals(self) -> int:
        return self.of(ledgers.AUDIT).seals

    @property
    def unsealed(self) -> int:
        return self.of(ledgers.AUDIT).unsealed


def verify(
    *,
    using: str = DEFAULT_DB_ALIAS,
    anchor: Sequence[Head] | None = None,
    anchor_beyond_chain_ok: bool = False,
    now: datetime | None = None,
) -> VerifyResult:
    """Check every registered ledger; `anchor` holds heads written outside the database.

    `using` names another database, for the restore drill's check of a restored copy (R-02);
    a restored copy is older than the anchor's newest heads, so there `anchor_beyond_chain_ok`
    lets heads past the copy's own newest seal go unchecked.
    """
    now = now or timezone.now()
    results = []
    for ledger in ledgers.registered():
        heads = [h for h in anchor or () if h.ledger == ledger.name]
        results.append(
            _verify_ledger(
                ledger, using=using, heads=heads, beyond_ok=anchor_beyond_chain_ok, now=now
            )
        )
    return VerifyResult(results)


def _rows(ledger: ledgers.Ledger, using: str) -> Iterator[tuple[Any, ...]]:
    return (
        ledger.model._base_manager.using(using)
        .order_by("pk")
        .values_list("pk", ledger.mac_field, ledger.time_field, *ledger.fields)
        .iterator(chunk_size=2000)
    )


def _row_is_sound(ledger: ledgers.Ledger, row: tuple[Any, ...]) -> bool:
    expected = ledger.mac(row[0], ledger.values(row[3:]))
    return hmac.compare_digest(str(row[1]), expected)


def _verify_ledger(
    ledger: ledgers.Ledger,
    *,
    using: str,
    heads: Sequence[Head],
    beyond_ok: bool,
    now: datetime,
) -> LedgerResult:
    result = LedgerResult(ledger.name)
    key = ledgers.key()
    rows = _rows(ledger, using)
    pending = next(rows, None)
    anchored = {head.seal_id: head for head in heads}
    seen: set[int] = set()

    def fail(where: str, problem: str) -> LedgerResult:
        result.finding = Finding(where, problem)
        return result

    def altered(row: tuple[Any, ...]) -> LedgerResult:
        return fail(
            f"{ledger.noun} {row[0]}",
            "its MAC does not match: it was altered, copied from another row, or forged",
        )

    seals = (
        AuditSeal.objects.using(using)
        .filter(ledger=ledger.name)
        .order_by("last_event_id", "id")
        .iterator(chunk_size=2000)
    )
    genesis = next(seals, None)
    if genesis is None:
        if pending is not None:
            return fail(
                f"the {ledger.name} ledger",
                "it holds rows but no genesis seal: its seals were removed",
            )
        if heads and not beyond_ok:
            return fail(
                f"the {ledger.name} ledger",
                "it has no seal at all, yet the anchor holds its heads: it was emptied",
            )
        return result
    expected, _count, _last = macs.seal_mac(
        key,
        ledger=ledger.name,
        previous_mac=macs.ZERO,
        after_id=0,
        sealed_at=genesis.sealed_at,
        rows=[],
    )
    if (
        not genesis.is_genesis
        or genesis.previous_mac != macs.ZERO
        or not hmac.compare_digest(genesis.mac, expected)
    ):
        return fail(
            f"{ledger.name} seal {genesis.pk}",
            "the chain does not start at a genesis seal: its first seals were removed or forged",
        )
    if pending is not None and pending[0] <= 0:
        return fail(f"{ledger.noun} {pending[0]}", "it lies before the genesis seal")
    result.seals = 1
    _check_anchored(result, genesis, anchored, seen)
    previous = genesis
    for seal in seals:
        where = (
            f"{ledger.name} seal {seal.pk} (rows {seal.after_event_id + 1}-{seal.last_event_id})"
        )
        if seal.previous_mac != previous.mac or seal.after_event_id != previous.last_event_id:
            return fail(where, "the chain of seals is broken: a seal was removed, added or edited")
        if seal.last_event_id <= seal.after_event_id or seal.event_count < 1:
            return fail(where, "it is not a seal the sealer writes")
        pairs: list[tuple[int, str]] = []
        oldest: datetime | None = None
        while pending is not None and pending[0] <= seal.last_event_id:
            if not _row_is_sound(ledger, pending):
                return altered(pending)
            pairs.append((pending[0], pending[1]))
            oldest = pending[2] if oldest is None else min(oldest, pending[2])
            pending = next(rows, None)
        mac, count, last = macs.seal_mac(
            key,
            ledger=ledger.name,
            previous_mac=previous.mac,
            after_id=previous.last_event_id,
            sealed_at=seal.sealed_at,
            rows=pairs,
        )
        if count != seal.event_count:
            return fail(where, f"it sealed {seal.event_count} rows, {count} are there")
        if not hmac.compare_digest(mac, seal.mac) or last != seal.last_event_id:
            return fail(where, "rows were reordered, replaced or the seal forged")
        if oldest is not None and seal.sealed_at - oldest > overdue_after():
            result.late.append(
                f"{ledger.name} seal {seal.pk} sealed rows {seal.after_event_id + 1}-"
                f"{seal.last_event_id} {_age(seal.sealed_at - oldest)} after the oldest was written"
            )
        result.rows += count
        result.seals += 1
        _check_anchored(result, seal, anchored, seen)
        previous = seal
    limit = now - overdue_after()
    while pending is not None:
        if not _row_is_sound(ledger, pending):
            return altered(pending)
        if pending[2] < limit:
            return fail(
                f"{ledger.noun} {pending[0]}",
                f"it is still unsealed {_age(now - pending[2])} after it was written (a seal is "
                f"due every {_age(overdue_after())}): its seal was removed, or sealing stopped",
            )
        result.rows += 1
        result.unsealed += 1
        pending = next(rows, None)
    for seal_id, anchored_head in sorted(anchored.items()):
        if seal_id in seen:
            continue
        if beyond_ok and anchored_head.last_event_id > previous.last_event_id:
            continue
        return fail(
            f"anchored {ledger.name} seal {seal_id} (rows up to {anchored_head.last_event_id})",
            "the database's chain does not hold it unchanged: sealed rows were removed or "
            "the chain rebuilt",
        )
    return result


def _check_anchored(
    result: LedgerResult, seal: AuditSeal, anchored: dict[int, Head], seen: set[int]
) -> None:
    """A seal the anchor names must match it; a mismatch counts as not found."""
    head = anchored.get(seal.pk)
    if head is not None and head.matches(seal):
        seen.add(seal.pk)
        result.anchored += 1


def _age(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"

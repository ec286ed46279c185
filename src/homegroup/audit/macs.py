"""The MAC arithmetic of the sealed ledgers: pure functions over plain values, no Django.

A row's MAC covers the ledger's name, the row's id and its canonical values, so a row copied to
another id, or moved to another ledger, fails. A seal's MAC covers the previous seal's MAC, the
id after which it starts, when it was made, and the ordered (id, row MAC) list of every row it
covers: a missing, extra or reordered row breaks it. The migrations that carried the old log
forward use these same functions: a new format is a new function, never an edit of these.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

ZERO = "0" * 64


def canonical_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return canonical_time(value)
    if isinstance(value, date | Decimal):
        return str(value)
    return value


def row_mac(key: bytes, *, ledger: str, row_id: int, values: Sequence[Any]) -> str:
    """HMAC-SHA256 of one row: JSON keeps None, "" and 0 apart, and lists exact."""
    message = json.dumps(
        ["row2", ledger, int(row_id), *(_plain(v) for v in values)],
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def seal_mac(
    key: bytes,
    *,
    ledger: str,
    previous_mac: str,
    after_id: int,
    sealed_at: datetime,
    rows: Iterable[tuple[int, str]],
) -> tuple[str, int, int]:
    """MAC over the previous seal and the ordered (id, row MAC) list; returns mac, count, last.

    With no rows, after 0 and the zero MAC it is a genesis seal's MAC.
    """
    digest = hmac.new(
        key,
        f"seal2|{ledger}|{previous_mac}|{after_id}|{canonical_time(sealed_at)}".encode(),
        hashlib.sha256,
    )
    count, last = 0, after_id
    for row_id, mac in rows:
        digest.update(f"|{row_id}:{mac}".encode())
        count, last = count + 1, row_id
    digest.update(f"|{count}|{last}".encode())
    return digest.hexdigest(), count, last

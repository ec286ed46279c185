"""The anchor: seal heads written outside the database, one JSON line each.

`homegroup audit-seal` appends each ledger's new head to `HOMEGROUP_AUDIT_ANCHOR` (a file on
another volume, an append-only file, or a FIFO a syslog forwarder reads); `audit-verify --anchor
FILE` then fails unless the database's chain holds every anchored head unchanged. Someone who
can rewrite the database but not the anchor can no longer remove sealed rows and have the sealer
re-seal what is left.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from homegroup.audit import macs

_TAIL = 64 * 1024


class AnchorError(Exception):
    """The anchor cannot be read or written; the message says where and why."""


@dataclass(frozen=True)
class Head:
    ledger: str
    seal_id: int
    last_event_id: int
    event_count: int
    mac: str
    sealed_at: str

    @classmethod
    def of(cls, seal: Any) -> Head:
        return cls(
            ledger=seal.ledger,
            seal_id=seal.pk,
            last_event_id=seal.last_event_id,
            event_count=seal.event_count,
            mac=seal.mac,
            sealed_at=macs.canonical_time(seal.sealed_at),
        )

    def matches(self, seal: Any) -> bool:
        return self == Head.of(seal)

    def line(self) -> str:
        return json.dumps(
            {
                "ledger": self.ledger,
                "seal_id": self.seal_id,
                "last_event_id": self.last_event_id,
                "event_count": self.event_count,
                "mac": self.mac,
                "sealed_at": self.sealed_at,
            },
            separators=(",", ":"),
        )


def _parse(raw: str, where: str) -> Head:
    try:
        data = json.loads(raw)
        head = Head(
            ledger=str(data.get("ledger", "audit")),
            seal_id=int(data["seal_id"]),
            last_event_id=int(data["last_event_id"]),
            event_count=int(data["event_count"]),
            mac=str(data["mac"]),
            sealed_at=str(data["sealed_at"]),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        raise AnchorError(
            f"{where}: not an anchor line (JSON with seal_id, last_event_id, event_count, mac, "
            f"sealed_at)"
        ) from None
    return head


def read(path: Path | str) -> list[Head]:
    """Every head of an anchor file, oldest first; blank lines are skipped."""
    try:
        with open(path, encoding="utf-8") as stream:
            return [
                _parse(line, f"{path}, line {number}")
                for number, line in enumerate(stream, start=1)
                if line.strip()
            ]
    except OSError as error:
        raise AnchorError(f"cannot read the anchor {path}: {error.strerror}") from None


def readable(path: Path | str) -> bool:
    """A regular file we can read back (a FIFO or a syslog pipe can only be written)."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode) and os.access(path, os.R_OK)
    except OSError:
        return False


def can_read_back(path: Path | str) -> bool:
    """A file that is, or will be once written, a regular file we can read back."""
    return readable(path) or not os.path.lexists(path)


def last_heads(path: Path | str, ledger_names: Iterable[str]) -> dict[str, Head]:
    """The newest anchored head of each ledger, read from the end of the file backwards."""
    wanted = set(ledger_names)
    found: dict[str, Head] = {}
    try:
        with open(path, "rb") as stream:
            end = stream.seek(0, os.SEEK_END)
            position, carry = end, b""
            while position > 0 and not wanted <= found.keys():
                start = max(0, position - _TAIL)
                stream.seek(start)
                chunk = stream.read(position - start) + carry
                lines = chunk.split(b"\n")
                # The first piece may be a partial line: keep it for the next chunk back.
                carry, complete = (lines[0], lines[1:]) if start > 0 else (b"", lines)
                for raw in reversed(complete):
                    if raw.strip():
                        head = _parse(raw.decode("utf-8", "replace"), str(path))
                        found.setdefault(head.ledger, head)
                position = start
    except OSError as error:
        raise AnchorError(f"cannot read the anchor {path}: {error.strerror}") from None
    return {name: head for name, head in found.items() if name in wanted}


def append(path: Path | str, heads: Sequence[Head]) -> None:
    """Append heads, one line each, and make them durable before the command reports success."""
    if not heads:
        return
    text = "".join(head.line() + "\n" for head in heads)
    try:
        with open(path, "a", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            if stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                os.fsync(stream.fileno())
    except OSError as error:
        raise AnchorError(f"cannot append to the anchor {path}: {error.strerror}") from None

"""How far a PostgreSQL streaming replica is behind its primary, from what each one says.

Pure functions: ``homegroup/replica.py`` asks the two servers and decides here whether the
public directory may read from the replica (docs/operations.md, "Reads from a replica").

The lag is measured as PostgreSQL's own monitoring queries do, in the safe direction:

- the primary's WAL position (``pg_current_wal_lsn()``) is read first, then the replica's replayed
  position (``pg_last_wal_replay_lsn()``): a replica that has replayed up to the primary's position
  holds every commit the primary had when asked, so it lags by nothing;
- otherwise it misses some WAL written after its last replayed commit
  (``pg_last_xact_replay_timestamp()``, stamped by the primary's clock), so no commit it misses is
  older than ``primary's now() - that timestamp``: that bound is the lag. On an idle primary it
  overstates (a checkpoint record makes an hour-old last commit count for a moment), never
  understates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


def parse_lsn(text: str) -> int:
    """A PostgreSQL log sequence number ``'16/B374D848'`` as one integer (bytes into the WAL)."""
    high, slash, low = text.strip().partition("/")
    if not slash or not high or not low:
        raise ValueError(f"not a WAL position: {text!r}")
    return (int(high, 16) << 32) | int(low, 16)


@dataclass(frozen=True)
class ReplicaReading:
    """What the two servers said: the primary first, then the replica."""

    primary_lsn: str
    primary_now: datetime
    in_recovery: bool
    replay_lsn: str | None
    replay_timestamp: datetime | None


@dataclass(frozen=True)
class Verdict:
    usable: bool
    lag_seconds: float | None  # None when it cannot be said
    reason: str  # empty when usable; otherwise why the primary answers instead


def judge(reading: ReplicaReading, *, max_lag_seconds: float) -> Verdict:
    """Whether the replica may answer reads that tolerate ``max_lag_seconds`` of staleness."""
    if not reading.in_recovery:
        # A promoted standby, or the primary itself: not a replica of this primary any more.
        return Verdict(False, None, "it is not a standby (pg_is_in_recovery() is false)")
    if reading.replay_lsn is None:
        return Verdict(False, None, "it has replayed no WAL yet")
    if parse_lsn(reading.replay_lsn) >= parse_lsn(reading.primary_lsn):
        return Verdict(True, 0.0, "")
    if reading.replay_timestamp is None:
        return Verdict(False, None, "it is behind and has replayed no transaction yet")
    lag = max((reading.primary_now - reading.replay_timestamp).total_seconds(), 0.0)
    if lag > max_lag_seconds:
        return Verdict(False, lag, f"it lags {lag:.1f} s (bound {max_lag_seconds:g} s)")
    return Verdict(True, lag, "")

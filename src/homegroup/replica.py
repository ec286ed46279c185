"""The public directory's reads from a PostgreSQL streaming replica (``DATABASE_REPLICA_URL``).

Only the public directory reads there — the search (page, API, calendar), the meeting pages and
the Meeting Guide feed — because it is public, read-only and fine a few seconds old. Everything
else, a maintainer's pages included, reads and writes the primary, so nobody misses their own
change.

- ``public_read(read)`` runs ``read`` with the directory's reads on the replica when the replica
  is fit, and ``reads_from_replica`` does it for a Django view. Inside, the router sends the
  ``directory`` app's ORM reads to the replica and ``read_connection()`` gives the raw SQL reads
  (the search, its index and the directory's version) the same connection, so a search never
  mixes the two servers. Writes always go to the primary.
- Fit means: it answers, it is a standby, and it lags at most
  ``DATABASE_REPLICA_MAX_LAG_SECONDS`` (``lib/replication.py`` says how the lag is measured).
  Each process asks at most every ``DATABASE_REPLICA_CHECK_SECONDS``; in between it trusts its
  last answer. A replica that fails during a read (it went down, or cancelled the query in a
  recovery conflict) is marked unfit and the read runs again on the primary: these reads write
  nothing, so running one twice is safe.
- Without ``DATABASE_REPLICA_URL`` all of this does nothing and every read is the primary's.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from homegroup.lib.replication import ReplicaReading, Verdict, judge

logger = logging.getLogger(__name__)

REPLICA = "replica"
# The apps whose reads may come from the replica inside ``public_read``. Accounts, sessions,
# the audit log and everything else stay on the primary even there.
PUBLIC_APPS = frozenset({"directory"})

T = TypeVar("T")

_reading_from: ContextVar[str | None] = ContextVar("homegroup_public_reads", default=None)


def configured() -> bool:
    return REPLICA in settings.DATABASES


class PublicDirectoryRouter:
    """Django's database router: the directory's reads inside ``public_read`` to the replica,
    everything else to the primary. The replica is never migrated (it copies the primary)."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        alias = _reading_from.get()
        if alias is not None and model._meta.app_label in PUBLIC_APPS:
            return alias
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None


def read_connection() -> BaseDatabaseWrapper:
    """The connection for the public directory's raw SQL reads: the replica's inside
    ``public_read`` while the replica is fit, else the primary's."""
    return connections[_reading_from.get() or DEFAULT_DB_ALIAS]


def reading_from() -> str:
    """The alias the directory's reads go to now (for tests and the logs)."""
    return _reading_from.get() or DEFAULT_DB_ALIAS


# --- Is the replica fit? ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReplicaState:
    verdict: Verdict
    checked_at: float  # time.monotonic()

    @property
    def usable(self) -> bool:
        return self.verdict.usable


_state: ReplicaState | None = None
_state_lock = threading.Lock()


def _read(alias: str, sql: str) -> tuple[Any, ...]:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    assert row is not None
    return tuple(row)


def measure() -> Verdict:
    """Ask the primary, then the replica (in that order: see ``lib/replication.py``)."""
    try:
        primary_lsn, primary_now = _read(
            DEFAULT_DB_ALIAS, "SELECT pg_current_wal_lsn()::text, now()"
        )
    except DatabaseError as error:
        return Verdict(False, None, f"the primary did not answer: {_first_line(error)}")
    try:
        in_recovery, replay_lsn, replay_timestamp = _read(
            REPLICA,
            "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text, "
            "pg_last_xact_replay_timestamp()",
        )
    except DatabaseError as error:
        _close_replica()
        return Verdict(False, None, f"it did not answer: {_first_line(error)}")
    reading = ReplicaReading(
        primary_lsn=primary_lsn,
        primary_now=primary_now,
        in_recovery=bool(in_recovery),
        replay_lsn=replay_lsn,
        replay_timestamp=replay_timestamp,
    )
    return judge(reading, max_lag_seconds=settings.DATABASE_REPLICA_MAX_LAG_SECONDS)


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _close_replica() -> None:
    with contextlib.suppress(DatabaseError):  # already broken: nothing to give back
        connections[REPLICA].close()


def _record(verdict: Verdict) -> ReplicaState:
    """Keep the verdict for this process; log only when fitness changes (not every check)."""
    global _state
    with _state_lock:
        before = _state
        _state = ReplicaState(verdict, time.monotonic())
    if before is None or before.usable != verdict.usable:
        if verdict.usable:
            logger.info(
                "Directory reads go to the replica (lag %.1f s)", verdict.lag_seconds or 0.0
            )
        else:
            logger.warning("Directory reads go to the primary: the replica %s", verdict.reason)
    return _state


def state(*, fresh: bool = False) -> ReplicaState | None:
    """The replica's fitness as this process last measured it (again when older than
    DATABASE_REPLICA_CHECK_SECONDS, or ``fresh``); None without a replica."""
    if not configured():
        return None
    known = _state
    if (
        not fresh
        and known is not None
        and time.monotonic() - known.checked_at < settings.DATABASE_REPLICA_CHECK_SECONDS
    ):
        return known
    return _record(measure())


def forget() -> None:
    """Forget the last measurement (tests; the next read measures again)."""
    global _state
    with _state_lock:
        _state = None


# --- Reading --------------------------------------------------------------------------------


def public_read(read: Callable[[], T]) -> T:
    """``read()`` with the public directory's reads on the replica when it is fit; on the
    primary otherwise, or again on the primary when the replica fails during it."""
    if not configured() or _reading_from.get() is not None:
        return read()
    known = state()
    if known is None or not known.usable:
        return read()
    replica = connections[REPLICA]
    token = _reading_from.set(REPLICA)
    try:
        return read()
    except (OperationalError, InterfaceError) as error:
        if not replica.errors_occurred:
            raise  # the primary's error (a session or user read): the replica is not to blame
        _record(Verdict(False, None, f"failed during a read: {_first_line(error)}"))
        _close_replica()
    finally:
        _reading_from.reset(token)
    return read()


def reads_from_replica(view: Callable[..., T]) -> Callable[..., T]:
    """A Django view whose directory reads may come from the replica (``public_read``)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        return public_read(lambda: view(*args, **kwargs))

    return wrapper

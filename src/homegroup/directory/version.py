"""The directory's version: which state of the directory a search index (or a cached feed)
was made from.

One row (`DirectoryVersion`). Every action that changes what a search finds — a meeting listed,
edited, removed or restored, by an import, a maintainer or the synthetic generator; a MAT level
that changed — calls ``bump()`` in its own transaction, so the new version becomes visible to
other processes exactly when the change does (never before, never after). A search reads
``token()`` (one indexed one-row read) and rebuilds its process's index when it changed.

The row doubles as the directory's write lock on PostgreSQL: a transaction that may change the
directory calls ``lock()`` before its first write, so such transactions queue on this one row
instead of taking row locks in different orders (which could deadlock). SQLite serialises
writers itself.

``current()`` gives the number and the moment of the last change too, for HTTP caching
(ETag and Last-Modified of the feed).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from homegroup.directory.models import DirectoryVersion
from homegroup.replica import read_connection

_ROW = 1


@dataclass(frozen=True)
class Version:
    number: int  # grows by one with every change
    changed_at: datetime | None  # when the last change was made (its transaction's clock)
    token: str  # random and new at every change: identifies the state, even after a rollback


def current() -> Version:
    """The directory's version now (as this connection sees it)."""
    row = DirectoryVersion.objects.filter(pk=_ROW).values_list("number", "changed_at", "token")
    found = row.first()
    if found is None:  # only after a test flushed the tables: no change recorded yet
        return Version(0, None, "")
    return Version(*found)


@cache
def _token_sql(vendor: str) -> str:
    table = connection.ops.quote_name(DirectoryVersion._meta.db_table)
    return f"SELECT token FROM {table} WHERE id = {_ROW}"  # noqa: S608 - names from the model


def token() -> str:
    """``current().token``, cheaply: every search calls it (raw SQL: the ORM's query building
    would cost more than the read). From the replica inside the public directory's reads
    (``homegroup/replica.py``), like the rest of the search it labels."""
    with read_connection().cursor() as cursor:
        cursor.execute(_token_sql(connection.vendor))
        found = cursor.fetchone()
    return str(found[0]) if found else ""


def _require_transaction() -> None:
    if not connection.in_atomic_block:
        # Outside a transaction the new version would be visible before the change it stands
        # for: another process could rebuild from the old data and keep it as current.
        raise RuntimeError("the directory version changes only inside the changing transaction")


def lock() -> None:
    """Take the directory's write lock (the version row) until this transaction ends."""
    _require_transaction()
    list(DirectoryVersion.objects.select_for_update().filter(pk=_ROW).values_list("pk"))


def bump() -> None:
    """A new version, committed with the caller's transaction (call it before the writes it
    stands for: it takes the write lock too)."""
    _require_transaction()
    changed = DirectoryVersion.objects.filter(pk=_ROW).update(
        number=F("number") + 1, changed_at=timezone.now(), token=secrets.token_hex(16)
    )
    if changed:
        return
    try:
        with transaction.atomic():
            DirectoryVersion.objects.create(
                pk=_ROW, number=1, changed_at=timezone.now(), token=secrets.token_hex(16)
            )
    except IntegrityError:  # another transaction made the row meanwhile: bump that one
        bump()

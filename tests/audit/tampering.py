"""Tamper with the sealed tables as a database administrator would, without the audit key.

The append-only triggers are switched off first (an owner can; the application's role cannot, see
test_grant_app_role.py). Inside a test's transaction the change is rolled back with the test.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from homegroup.audit import actions as audit
from homegroup.audit import ledgers

EVENTS = "audit_auditevent"
SEALS = "audit_auditseal"
DISCLOSURES = "privacy_disclosurerecord"
TABLES = (EVENTS, SEALS, DISCLOSURES)

EVENT_COLUMNS = [
    "occurred_at",
    "actor_id",
    "action",
    "outcome",
    "subject_id",
    "object_type",
    "object_id",
    "request_id",
    "mac",
]


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only")
        cursor.execute(statement, params)
        if connection.vendor == "postgresql":
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")


def truncate(*tables: str) -> None:
    """PostgreSQL's TRUNCATE; SQLite has none, DELETE without WHERE is its equivalent."""
    if connection.vendor == "postgresql":
        sql(f"TRUNCATE {', '.join(tables)}")
    else:
        for table in tables:
            sql(f"DELETE FROM {table}")


def write(n: int, **kwargs):
    return [
        audit.record(action="journal.read", actor_id=1, subject_id=2, object_id=i, **kwargs)
        for i in range(n)
    ]


def seal_all(ledger: str = ledgers.AUDIT):
    """Seal everything written so far, as if the settle time had passed."""
    return audit.seal_pending(
        ledger=ledger, now=timezone.now() + audit.SEAL_SETTLE + timedelta(seconds=1)
    )


def next_free_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1000 FROM {table}")
        return cursor.fetchone()[0]

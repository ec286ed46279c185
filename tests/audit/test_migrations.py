"""R-04 and issue 8: the audit app's migrations carry a populated log forward (the old rules
verified, every row re-MAC'd over its id, the old seals re-made behind a genesis, the disclosure
records sealed) and back again, on SQLite and PostgreSQL."""

import importlib
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from homegroup.audit import macs, verification
from homegroup.audit.models import AuditEvent, AuditSeal
from tests.audit.tampering import seal_all, write

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("privacy", "0004_append_only_disclosures"), ("audit", None)]
UPGRADE = importlib.import_module("homegroup.audit.migrations.0002_sealed_ledgers")
KEY = b"dev-only-audit-key"


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.fixture
def old_schema(settings):
    """The database as the release before the audit app left it; migrated forward after."""
    settings.HOMEGROUP_AUDIT_KEY = KEY.decode()
    try:
        yield migrate(BEFORE)
    finally:
        migrate(latest())


def legacy_log(apps, *, events=5, sealed=3, disclosures=2):
    """Rows as the old code wrote them: v1 MACs without the id, one old seal, records bare."""
    Event = apps.get_model("privacy", "AuditEvent")
    Seal = apps.get_model("privacy", "AuditSeal")
    Record = apps.get_model("privacy", "DisclosureRecord")
    written = timezone.now() - timedelta(hours=2)
    rows = []
    for n in range(events):
        row = Event(
            occurred_at=written + timedelta(seconds=n),
            actor_id=4,
            action="journal.read",
            outcome="success",
            subject_id=2,
            object_type="check_in",
            object_id=str(n),
            request_id="-",
        )
        row.mac = UPGRADE._v1_row_mac(KEY, row)
        row.save()
        rows.append(row)
    mac, count, last = UPGRADE._v1_seal_mac(
        KEY, macs.ZERO, 0, [(r.pk, r.mac) for r in rows[:sealed]]
    )
    Seal.objects.create(
        sealed_at=written + timedelta(minutes=1),
        after_event_id=0,
        last_event_id=last,
        event_count=count,
        previous_mac=macs.ZERO,
        mac=mac,
    )
    for n in range(disclosures):
        Record.objects.create(
            occurred_at=written + timedelta(seconds=n),
            person_id=2,
            recipient_user_id=3,
            categories=["medication"],
            purpose="treatment",
            basis="consent",
            consent_id=1,
            channel="page",
            actor_id=3,
            request_id="-",
        )
    return rows


def test_a_populated_log_is_carried_forward_and_verifies(old_schema):
    rows = legacy_log(old_schema)
    migrate(latest())
    result = verification.verify()
    assert result.ok, result.finding
    # The genesis, the old seal re-made over the new MACs, and one seal for the rows after it.
    assert (result.events, result.seals, result.unsealed) == (5, 3, 0)
    assert (result.of("disclosures").rows, result.of("disclosures").seals) == (2, 2)
    assert list(AuditEvent.objects.order_by("id").values_list("id", flat=True)) == [
        r.pk for r in rows
    ]
    assert AuditSeal.objects.filter(ledger="audit", last_event_id=0).exists()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'x'")
    # New events join the same chain.
    write(2)
    assert seal_all().after_event_id == rows[-1].pk
    assert verification.verify().ok


def _without_triggers(statement):
    with connection.cursor() as cursor:
        for table in ("privacy_auditevent", "privacy_auditseal"):
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only")
        for part in statement.split(";"):
            cursor.execute(part)
        if connection.vendor == "postgresql":
            for table in ("privacy_auditevent", "privacy_auditseal"):
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER ALL")


def test_a_log_that_fails_its_old_verification_stops_the_upgrade(old_schema):
    rows = legacy_log(old_schema)
    Event = old_schema.get_model("privacy", "AuditEvent")
    _without_triggers(f"UPDATE privacy_auditevent SET subject_id = 9 WHERE id = {rows[1].pk}")
    with pytest.raises(RuntimeError, match=f"audit row {rows[1].pk}: its content was altered"):
        migrate(latest())
    # Nothing was changed: the old tables and MACs are as they were.
    assert "privacy_auditevent" in connection.introspection.table_names()
    assert Event.objects.get(pk=rows[0].pk).mac == UPGRADE._v1_row_mac(KEY, rows[0])
    _without_triggers("DELETE FROM privacy_auditevent; DELETE FROM privacy_auditseal")


def test_the_migrations_go_back_to_the_old_rules_and_forward_again(settings):
    settings.HOMEGROUP_AUDIT_KEY = KEY.decode()
    write(3)
    seal_all()
    write(1)
    try:
        apps = migrate(BEFORE)
        Event = apps.get_model("privacy", "AuditEvent")
        Seal = apps.get_model("privacy", "AuditSeal")
        events = list(Event.objects.order_by("id"))
        seals = list(Seal.objects.order_by("last_event_id"))
        assert UPGRADE._old_problem(KEY, events, seals) is None
        assert [s.event_count for s in seals] == [3]
    finally:
        migrate(latest())
    assert verification.verify().ok

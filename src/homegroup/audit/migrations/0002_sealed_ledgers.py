"""The audit log's new chain: tables renamed into the audit app, seals per ledger, a genesis.

The upgrade of a populated database happens here, inside the migration's transaction:

1. the old append-only triggers are dropped (the rows are about to be re-MAC'd);
2. the tables become audit_auditevent and audit_auditseal; a seal now names its ledger;
3. the log is verified under its old rules (row MACs without the id, the chain of old seals).
   A log that fails stops the migration: re-MAC'ing it would hide the tampering;
4. every row gets its new MAC (which covers its id), the ledger gets its genesis seal, each old
   seal is re-made over the new MACs in its place in the chain, and the rows after the last old
   seal that have settled are sealed;
5. the append-only triggers are created again, on the new tables.

A fresh database has no rows: post_migrate gives it its genesis (audit/actions.after_migrate).
"""

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

from homegroup.audit import macs

LEDGER = "audit"
FIELDS = ["occurred_at", "actor_id", "action", "outcome", "subject_id", "object_type", "object_id", "request_id"]
OLD_TABLES = ["privacy_auditevent", "privacy_auditseal"]
NEW_TABLES = ["audit_auditevent", "audit_auditseal"]
SETTLE = timedelta(seconds=60)
CHUNK = 1000

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION homegroup_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'homegroup: % is append-only (% refused)', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def _drop_triggers(schema_editor, tables):
    vendor = schema_editor.connection.vendor
    existing = set(schema_editor.connection.introspection.table_names())
    for table in tables:
        if vendor == "postgresql" and table in existing:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only")


def _create_triggers(schema_editor, tables):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)  # its % are PL/pgSQL, not placeholders
        for table in tables:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION homegroup_append_only()"
            )
    elif vendor == "sqlite":
        # SQLite refuses UPDATE only: its DELETE is what the test runner's flush uses.
        for table in tables:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'homegroup: {table} is append-only'); END"
            )


def drop_old_triggers(apps, schema_editor):
    _drop_triggers(schema_editor, OLD_TABLES)


def restore_old_triggers(apps, schema_editor):
    _create_triggers(schema_editor, OLD_TABLES)


def create_new_triggers(apps, schema_editor):
    _create_triggers(schema_editor, NEW_TABLES)


def drop_new_triggers(apps, schema_editor):
    _drop_triggers(schema_editor, NEW_TABLES)


# --- The old rules (release before the audit app), to verify the log before re-MAC'ing it ------


def _v1_row_mac(key, row):
    fields = [
        "v1",
        macs.canonical_time(row.occurred_at),
        str(row.actor_id or ""),
        row.action,
        row.outcome,
        str(row.subject_id or ""),
        row.object_type,
        row.object_id,
        row.request_id,
    ]
    return hmac.new(key, "\x1f".join(fields).encode(), hashlib.sha256).hexdigest()


def _v1_seal_mac(key, previous_mac, after, pairs):
    digest = hmac.new(key, f"seal1|{previous_mac}|{after}".encode(), hashlib.sha256)
    count, last = 0, after
    for event_id, mac in pairs:
        digest.update(f"|{event_id}:{mac}".encode())
        count, last = count + 1, event_id
    digest.update(f"|{count}|{last}".encode())
    return digest.hexdigest(), count, last


def _covered(events, seals):
    """Each seal with the events in its range, in one pass over both (ordered by id)."""
    position = 0
    for seal in seals:
        covered = []
        while position < len(events) and events[position].pk <= seal.last_event_id:
            if events[position].pk > seal.after_event_id:
                covered.append(events[position])
            position += 1
        yield seal, covered


def _old_problem(key, events, seals):
    """The first thing the old `audit-verify` would have failed on, or None."""
    for event in events:
        if not hmac.compare_digest(event.mac, _v1_row_mac(key, event)):
            return f"audit row {event.pk}: its content was altered"
    previous, after = macs.ZERO, 0
    for seal, covered in _covered(events, seals):
        if seal.previous_mac != previous or seal.after_event_id != after:
            return f"seal {seal.pk}: the chain of seals is broken"
        pairs = [(e.pk, e.mac) for e in covered]
        mac, count, last = _v1_seal_mac(key, previous, after, pairs)
        if count != seal.event_count or mac != seal.mac or last != seal.last_event_id:
            return f"seal {seal.pk}: rows were removed, added, reordered or the seal forged"
        previous, after = seal.mac, seal.last_event_id
    return None


def upgrade_legacy_log(apps, schema_editor):
    db = schema_editor.connection.alias
    Event = apps.get_model("audit", "AuditEvent")
    Seal = apps.get_model("audit", "AuditSeal")
    events = list(Event.objects.using(db).order_by("id"))
    old_seals = list(Seal.objects.using(db).order_by("last_event_id"))
    if not events and not old_seals:
        return  # a fresh database: post_migrate writes the genesis
    key = settings.HOMEGROUP_AUDIT_KEY.encode()
    problem = _old_problem(key, events, old_seals)
    if problem is not None:
        raise RuntimeError(
            f"The audit log fails verification under its old rules ({problem}). The upgrade "
            f"re-MACs every row, which would hide that: investigate with the previous "
            f"release's `homegroup audit-verify`, or restore a backup whose log verifies, "
            f"before migrating. Nothing was changed."
        )
    fields = [Event._meta.get_field(name) for name in FIELDS]
    for event in events:
        values = [f.to_python(getattr(event, f.attname)) for f in fields]
        event.mac = macs.row_mac(key, ledger=LEDGER, row_id=event.pk, values=values)
    for start in range(0, len(events), CHUNK):
        Event.objects.using(db).bulk_update(events[start : start + CHUNK], ["mac"])

    def seal(previous, pairs, sealed_at):
        return macs.seal_mac(
            key,
            ledger=LEDGER,
            previous_mac=previous.mac if previous else macs.ZERO,
            after_id=previous.last_event_id if previous else 0,
            sealed_at=sealed_at,
            rows=pairs,
        )

    now = timezone.now()
    mac, _count, _last = seal(None, [], now)
    previous = Seal.objects.using(db).create(
        ledger=LEDGER,
        sealed_at=now,
        after_event_id=0,
        last_event_id=0,
        event_count=0,
        previous_mac=macs.ZERO,
        mac=mac,
    )
    for old, covered in _covered(events, old_seals):
        pairs = [(e.pk, e.mac) for e in covered]
        old.mac, _count, _last = seal(previous, pairs, old.sealed_at)
        old.previous_mac = previous.mac
        old.ledger = LEDGER
        old.save(using=db, update_fields=["mac", "previous_mac", "ledger"])
        previous = old
    cutoff = now - SETTLE
    pairs = []
    for event in events:
        if event.pk <= previous.last_event_id:
            continue
        if event.occurred_at >= cutoff:
            break  # still settling: cron's next `audit-seal` takes it
        pairs.append((event.pk, event.mac))
    if pairs:
        mac, count, last = seal(previous, pairs, now)
        Seal.objects.using(db).create(
            ledger=LEDGER,
            sealed_at=now,
            after_event_id=previous.last_event_id,
            last_event_id=last,
            event_count=count,
            previous_mac=previous.mac,
            mac=mac,
        )


def downgrade_log(apps, schema_editor):
    """Back to the old rules (a rollback of the release): row MACs without the id, one chain of
    seals from the zero MAC. The genesis goes; so do other ledgers' seals (privacy 0006's own
    rollback has removed them already)."""
    db = schema_editor.connection.alias
    Event = apps.get_model("audit", "AuditEvent")
    Seal = apps.get_model("audit", "AuditSeal")
    key = settings.HOMEGROUP_AUDIT_KEY.encode()
    Seal.objects.using(db).exclude(ledger=LEDGER).delete()
    Seal.objects.using(db).filter(last_event_id=0).delete()
    events = list(Event.objects.using(db).order_by("id"))
    for event in events:
        event.mac = _v1_row_mac(key, event)
    for start in range(0, len(events), CHUNK):
        Event.objects.using(db).bulk_update(events[start : start + CHUNK], ["mac"])
    previous, after = macs.ZERO, 0
    for seal, covered in _covered(events, list(Seal.objects.using(db).order_by("last_event_id"))):
        seal.mac, _count, _last = _v1_seal_mac(key, previous, after, [(e.pk, e.mac) for e in covered])
        seal.previous_mac = previous
        seal.save(using=db, update_fields=["mac", "previous_mac"])
        previous, after = seal.mac, seal.last_event_id


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("privacy", "0007_audit_moves_to_audit_app"),
    ]

    operations = [
        migrations.RunPython(drop_old_triggers, restore_old_triggers),
        migrations.AlterModelTable(
            name='auditevent',
            table=None,
        ),
        migrations.AlterModelTable(
            name='auditseal',
            table=None,
        ),
        migrations.AlterModelOptions(
            name='auditseal',
            options={'ordering': ['ledger', 'last_event_id']},
        ),
        migrations.AddField(
            model_name='auditseal',
            name='ledger',
            field=models.CharField(default='audit', help_text="Which sealed table: 'audit' (the events) or one an app registered.", max_length=32),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='mac',
            field=models.CharField(help_text='HMAC-SHA256 of this row, its id included, under HOMEGROUP_AUDIT_KEY.', max_length=64),
        ),
        migrations.AlterField(
            model_name='auditseal',
            name='after_event_id',
            field=models.BigIntegerField(help_text='The last row of the previous seal (0 for the genesis and the seal after it).'),
        ),
        migrations.AlterField(
            model_name='auditseal',
            name='last_event_id',
            field=models.BigIntegerField(help_text='The last row this seal covers.'),
        ),
        migrations.AddConstraint(
            model_name='auditseal',
            constraint=models.UniqueConstraint(fields=('ledger', 'last_event_id'), name='audit_one_seal_per_head'),
        ),
        migrations.RunPython(upgrade_legacy_log, downgrade_log),
        migrations.RunPython(create_new_triggers, drop_new_triggers),
    ]

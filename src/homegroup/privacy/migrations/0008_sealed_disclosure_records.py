"""The accounting of disclosures becomes a sealed ledger ("disclosures"), like the audit log.

Inside the migration's transaction: the append-only trigger is dropped, each record gets its MAC
(the rows had none; they are taken as they stand at the upgrade), the ledger gets its genesis
seal and a seal over the records that have settled, and the trigger is created again. A fresh
database has no records: post_migrate gives it its genesis.
"""

from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

from homegroup.audit import macs

LEDGER = "disclosures"
TABLE = "privacy_disclosurerecord"
FIELDS = [
    "occurred_at",
    "person_id",
    "recipient_user_id",
    "recipient_program_id",
    "categories",
    "purpose",
    "basis",
    "consent_id",
    "break_glass_id",
    "channel",
    "actor_id",
    "request_id",
]
SETTLE = timedelta(seconds=60)
CHUNK = 1000


def drop_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only")


def create_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # homegroup_append_only() comes from privacy 0002 (and audit 0002 re-creates it).
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION homegroup_append_only()"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, 'homegroup: {TABLE} is append-only'); END"
        )


def seal_existing_records(apps, schema_editor):
    db = schema_editor.connection.alias
    Record = apps.get_model("privacy", "DisclosureRecord")
    Seal = apps.get_model("audit", "AuditSeal")
    records = list(Record.objects.using(db).order_by("id"))
    if not records or Seal.objects.using(db).filter(ledger=LEDGER).exists():
        return  # no records: post_migrate writes the genesis
    key = settings.HOMEGROUP_AUDIT_KEY.encode()
    fields = [Record._meta.get_field(name) for name in FIELDS]
    for record in records:
        values = [f.to_python(getattr(record, f.attname)) for f in fields]
        record.mac = macs.row_mac(key, ledger=LEDGER, row_id=record.pk, values=values)
    for start in range(0, len(records), CHUNK):
        Record.objects.using(db).bulk_update(records[start : start + CHUNK], ["mac"])
    now = timezone.now()
    mac, _count, _last = macs.seal_mac(
        key, ledger=LEDGER, previous_mac=macs.ZERO, after_id=0, sealed_at=now, rows=[]
    )
    genesis = Seal.objects.using(db).create(
        ledger=LEDGER,
        sealed_at=now,
        after_event_id=0,
        last_event_id=0,
        event_count=0,
        previous_mac=macs.ZERO,
        mac=mac,
    )
    pairs = []
    for record in records:
        if record.occurred_at >= now - SETTLE:
            break  # still settling: cron's next `audit-seal` takes it
        pairs.append((record.pk, record.mac))
    if pairs:
        mac, count, last = macs.seal_mac(
            key, ledger=LEDGER, previous_mac=genesis.mac, after_id=0, sealed_at=now, rows=pairs
        )
        Seal.objects.using(db).create(
            ledger=LEDGER,
            sealed_at=now,
            after_event_id=0,
            last_event_id=last,
            event_count=count,
            previous_mac=genesis.mac,
            mac=mac,
        )


def unseal_records(apps, schema_editor):
    """Rollback: the records lose their MACs with the column; their seals go too."""
    db = schema_editor.connection.alias
    seals = "audit_auditseal"
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        schema_editor.execute(f"ALTER TABLE {seals} DISABLE TRIGGER {seals}_append_only")
    apps.get_model("audit", "AuditSeal").objects.using(db).filter(ledger=LEDGER).delete()
    if postgresql:
        schema_editor.execute(f"ALTER TABLE {seals} ENABLE TRIGGER {seals}_append_only")


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0007_audit_moves_to_audit_app"),
        ("audit", "0002_sealed_ledgers"),
    ]

    operations = [
        migrations.RunPython(drop_trigger, create_trigger),
        migrations.AddField(
            model_name="disclosurerecord",
            name="mac",
            field=models.CharField(
                default="",
                help_text="HMAC-SHA256 of this row, its id included, under HOMEGROUP_AUDIT_KEY.",
                max_length=64,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(seal_existing_records, unseal_records),
        migrations.RunPython(create_trigger, drop_trigger),
    ]

"""The accounting of disclosures is append-only in the database too (P2-08), like the audit log.

PostgreSQL: the trigger function from 0002 rejects UPDATE and DELETE. SQLite: a trigger rejects
UPDATE (DELETE stays possible for the test runner's flush; production runs on PostgreSQL).
"""

from django.db import migrations

TABLE = "privacy_disclosurerecord"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION homegroup_append_only()"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, 'homegroup: {TABLE} is append-only'); END"
        )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only")


class Migration(migrations.Migration):
    dependencies = [("privacy", "0003_programs_consents_disclosures")]
    operations = [migrations.RunPython(forwards, backwards)]

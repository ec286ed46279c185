"""The database itself refuses to change or remove audit rows and seals (H-06).

PostgreSQL: a trigger rejects UPDATE and DELETE (TRUNCATE stays possible for the test runner's
flush and for an operator's explicit restore). SQLite: a trigger rejects UPDATE (its DELETE is
what the test runner's flush uses, so it stays possible there; production runs on PostgreSQL).
"""

from django.db import migrations

TABLES = ["privacy_auditevent", "privacy_auditseal"]

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION homegroup_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'homegroup: % is append-only (% refused)', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)  # its % are PL/pgSQL, not placeholders
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION homegroup_append_only()"
            )
    elif vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'homegroup: {table} is append-only'); END"
            )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS homegroup_append_only()")


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

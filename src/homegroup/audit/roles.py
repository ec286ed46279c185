"""Least privilege on PostgreSQL: the application's role owns no table and may only read and
append the sealed ledgers.

Migrations and `restore` run as the owner (`DATABASE_OWNER_URL`); `homegroup grant-app-role`
(and every `migrate`, at its end) gives the application's role (the user of `DATABASE_URL`)
SELECT, INSERT, UPDATE and DELETE on the ordinary tables, SELECT and INSERT only on the audit
log, its seals and every registered ledger, SELECT on the migration history, and use of the
sequences. Nobody but the owner may then UPDATE, DELETE or TRUNCATE a sealed row.
"""

from __future__ import annotations

import logging

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder

from homegroup.audit import ledgers
from homegroup.audit.models import AuditSeal

logger = logging.getLogger(__name__)

READ_AND_APPEND = "SELECT, INSERT"
READ_ONLY = "SELECT"
READ_WRITE = "SELECT, INSERT, UPDATE, DELETE"


def app_role() -> str:
    """The role the application connects as: the user of DATABASE_URL."""
    return str(settings.HOMEGROUP_APP_DATABASE_ROLE)


def privileges(using: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """Table -> what the application's role may do with it, for every table the models name."""
    sealed = {ledger.table for ledger in ledgers.registered()} | {AuditSeal._meta.db_table}
    tables: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            table = model._meta.db_table
            tables[table] = READ_AND_APPEND if table in sealed else READ_WRITE
    tables[MigrationRecorder.Migration._meta.db_table] = READ_ONLY
    present = set(connections[using].introspection.table_names())
    return {table: grant for table, grant in sorted(tables.items()) if table in present}


def grant_statements(
    role: str, tables: dict[str, str], *, schema: str = "public", using: str = DEFAULT_DB_ALIAS
) -> list[str]:
    quote = connections[using].ops.quote_name
    who, where = quote(role), quote(schema)
    statements = [f"GRANT USAGE ON SCHEMA {where} TO {who}"]
    for table, grant in tables.items():
        # REVOKE ALL first: whatever the role held before, it now holds exactly this.
        statements += [
            f"REVOKE ALL ON TABLE {quote(table)} FROM {who}",
            f"GRANT {grant} ON TABLE {quote(table)} TO {who}",
        ]
    statements += [
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {where} FROM {who}",
        # nextval() needs USAGE: the ledgers take their ids from the sequence before inserting.
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {where} TO {who}",
    ]
    return statements


def grant_app_role(role: str, *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Run the grants as the owner; returns how many tables were granted."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise ValueError("database roles are PostgreSQL's; SQLite has none")
    tables = privileges(using)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (schema,) = cursor.fetchone()
        for statement in grant_statements(role, tables, schema=schema, using=using):
            cursor.execute(statement)
    return len(tables)


def current_role(using: str = DEFAULT_DB_ALIAS) -> str:
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT current_user")
        row = cursor.fetchone()
    return str(row[0])


def owned_tables(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The tables of the current schema that the connected role owns."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tableowner = current_user ORDER BY tablename"
        )
        return [row[0] for row in cursor.fetchall()]


def grant_configured_role(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """At the end of `migrate` and `restore` (run as the owner), keep the application's grants
    exact, new tables included. Nothing to do on SQLite, or when the application connects as
    the owner."""
    if connections[using].vendor != "postgresql" or not settings.DATABASE_OWNER_URL:
        return
    role = app_role()
    if not role or role == current_role(using):
        return
    count = grant_app_role(role, using=using)
    logger.info("granted %s its privileges on %s tables", role, count)

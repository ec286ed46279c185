"""Issue 8, item 4: least privilege on PostgreSQL. The application's role owns no table and may
only read and append the audit log, its seals and the disclosure records; migrations, `restore`
and `grant-app-role` run as the owner (DATABASE_OWNER_URL). The suite itself stays the owner."""

import os
import subprocess
import sys
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from homegroup.audit import roles
from homegroup.audit.checks import application_role_owns_no_table
from tests.audit.tampering import write

SEALED = ["audit_auditevent", "audit_auditseal", "privacy_disclosurerecord"]
ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database roles are PostgreSQL's"
)


def test_the_sealed_tables_get_select_and_insert_only(db):
    granted = roles.privileges()
    assert {table: granted[table] for table in SEALED} == dict.fromkeys(SEALED, "SELECT, INSERT")
    assert granted["journal_checkin"] == "SELECT, INSERT, UPDATE, DELETE"
    assert granted["django_migrations"] == "SELECT"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite has no roles to refuse")
def test_sqlite_has_no_roles_to_grant(db):
    with pytest.raises(CommandError, match="Database roles are PostgreSQL's"):
        call_command("grant-app-role")


def _url(user: str) -> str:
    settings = connection.settings_dict
    auth = user + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    host = f"{settings['HOST'] or 'localhost'}:{settings['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{settings['NAME']}"


@pytest.fixture
def app_role(transactional_db):
    """A login role that owns nothing, unique to this test, dropped after it."""
    name = f"hg_app_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{name}" LOGIN')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{name}"')
        cursor.execute(f'DROP ROLE "{name}"')


def _as(role: str):
    import psycopg

    settings = connection.settings_dict
    params = {
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "user": role,
        "dbname": settings["NAME"],
        "autocommit": True,
    }
    return psycopg.connect(**{k: v for k, v in params.items() if v is not None})


@ON_POSTGRESQL
def test_the_application_role_may_not_truncate_delete_or_update_sealed_rows(app_role, capsys):
    import psycopg

    write(2)
    call_command("grant-app-role", role=app_role, print_only=True)
    printed = capsys.readouterr().out
    assert f'GRANT SELECT, INSERT ON TABLE "audit_auditevent" TO "{app_role}";' in printed
    call_command("grant-app-role", role=app_role)
    with _as(app_role) as app:
        assert app.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0] >= 2
        # It appends as the application does: the id from the sequence, then the insert.
        (next_id,) = app.execute(
            "SELECT nextval(pg_get_serial_sequence('audit_auditevent', 'id'))"
        ).fetchone()
        app.execute(
            "INSERT INTO audit_auditevent (id, occurred_at, action, outcome, object_type, "
            "object_id, request_id, mac) VALUES (%s, now(), 'test', 'success', '', '', '', 'x')",
            [next_id],
        )
        for table in SEALED:
            for statement in (
                f"TRUNCATE {table}",
                f"DELETE FROM {table}",
                f"UPDATE {table} SET mac = 'x'",
                f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    app.execute(statement)
        # Ordinary tables stay writable; nothing may be truncated.
        app.execute("UPDATE journal_checkin SET note = note WHERE false")
        app.execute("DELETE FROM django_session WHERE false")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute("TRUNCATE django_session")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute(
                "INSERT INTO django_migrations (app, name, applied) VALUES ('x', 'y', now())"
            )
        owned = app.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() "
            "AND tableowner = current_user"
        ).fetchone()[0]
    assert owned == 0


def _homegroup(*args, env):
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never has it.
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DATABASE_OWNER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "-m", "homegroup", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@ON_POSTGRESQL
def test_the_homegroup_command_runs_grant_app_role_as_the_owner(app_role):
    owner = connection.settings_dict["USER"]
    env = {"DATABASE_URL": _url(app_role), "DATABASE_OWNER_URL": _url(owner)}
    granted = _homegroup("grant-app-role", env=env)
    assert granted.returncode == 0, granted.stderr
    assert f"Granted {app_role} its privileges on" in granted.stdout
    with _as(app_role) as app:
        assert app.execute("SELECT has_table_privilege('audit_auditseal', 'INSERT')").fetchone()[0]
        assert not app.execute(
            "SELECT has_table_privilege('audit_auditseal', 'DELETE')"
        ).fetchone()[0]
    # Without an owner to connect as, the application's own role cannot grant itself anything.
    alone = _homegroup("grant-app-role", env={"DATABASE_URL": _url(app_role)})
    assert alone.returncode != 0
    assert "set DATABASE_OWNER_URL" in alone.stderr


@ON_POSTGRESQL
def test_check_deploy_warns_when_the_application_role_owns_tables(db, settings):
    settings.DATABASE_OWNER_URL = ""
    [unset] = application_role_owns_no_table(None)
    assert unset.id == "homegroup.W012"
    settings.DATABASE_OWNER_URL = _url("the_owner")
    # The suite connects as the owner: exactly what the warning is about.
    [owns] = application_role_owns_no_table(None)
    assert owns.id == "homegroup.W013"
    assert "owns" in owns.msg

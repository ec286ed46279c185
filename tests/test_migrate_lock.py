"""`homegroup migrate` runs one at a time on PostgreSQL (an advisory lock; issue 19)."""

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections

from homegroup.privacy.management.commands.migrate import MIGRATION_LOCK
from tests.deploy.clusters import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_migrate_waits_for_another_migrate_then_finds_nothing_to_do():
    if connection.vendor != "postgresql":
        pytest.skip("the migration lock is PostgreSQL's (SQLite has one writer at a time)")
    import psycopg

    settings = connection.settings_dict
    other = psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
        autocommit=True,
    )
    other.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK])
    out = StringIO()
    errors = []

    def run():
        try:
            call_command("migrate", "--noinput", stdout=out, verbosity=1)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    try:
        wait_until(lambda: "waiting for it to end" in out.getvalue(), what="migrate to wait")
        assert thread.is_alive()
        assert "No migrations to apply" not in out.getvalue()
    finally:
        other.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK])
        other.close()
        thread.join(timeout=300)
    assert not errors
    assert "No migrations to apply" in out.getvalue()


def test_a_migrate_leaves_the_lock_free():
    call_command("migrate", "--noinput", stdout=StringIO(), verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [MIGRATION_LOCK])
            assert cursor.fetchone() == (True,)
            cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK])

"""H-05 / H-06: one function writes the audit; verify finds any edit, deletion or reordering."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from homegroup.privacy import audit
from homegroup.privacy.models import AuditEvent, AuditSeal, Outcome

pytestmark = pytest.mark.django_db


def write(n, **kwargs):
    return [
        audit.record(action="test.read", actor_id=1, subject_id=2, object_id=i, **kwargs)
        for i in range(n)
    ]


def seal_all():
    return audit.seal_pending(now=timezone.now() + audit.SEAL_GRACE + timedelta(seconds=1))


def raw(sql, params=()):
    """Tamper as a database admin would: with the append-only trigger out of the way."""
    table = "privacy_auditevent"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
            cursor.execute(sql, params)
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")
        else:
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only")
            cursor.execute(sql, params)


def test_a_row_keeps_plain_ids_and_a_mac_but_no_content():
    event = audit.record(
        action="journal.read", actor_id=7, subject_id=9, object_type="checkin", object_id=42
    )
    event.refresh_from_db()
    assert (event.actor_id, event.subject_id, event.object_id) == (7, 9, "42")
    assert event.outcome == Outcome.SUCCESS
    assert len(event.mac) == 64
    assert {f.name for f in AuditEvent._meta.get_fields()} == {
        "id",
        "occurred_at",
        "actor_id",
        "action",
        "outcome",
        "subject_id",
        "object_type",
        "object_id",
        "request_id",
        "mac",
    }


def test_an_untouched_log_verifies_sealed_and_unsealed():
    write(5)
    seal_all()
    write(3)
    result = audit.verify()
    assert result.ok
    assert (result.events, result.seals, result.unsealed) == (8, 1, 3)


def test_sealing_leaves_rows_younger_than_the_grace_period_for_later():
    write(3)
    assert audit.seal_pending() is None  # all written just now
    seal = seal_all()
    assert seal.event_count == 3
    assert seal_all() is None  # nothing new


def test_each_seal_covers_the_previous_one():
    write(2)
    first = seal_all()
    write(2)
    second = seal_all()
    assert second.previous_mac == first.mac
    assert second.after_event_id == first.last_event_id


def test_an_edited_sealed_row_is_named(capsys):
    events = write(4)
    seal_all()
    raw("UPDATE privacy_auditevent SET subject_id = 99 WHERE id = %s", [events[2].pk])
    result = audit.verify()
    assert not result.ok
    assert str(result.finding) == f"audit row {events[2].pk}: its content was altered"


def test_an_edited_unsealed_row_is_named():
    events = write(2)
    raw("UPDATE privacy_auditevent SET action = 'x' WHERE id = %s", [events[1].pk])
    assert audit.verify().finding.where == f"audit row {events[1].pk}"


def test_a_deleted_sealed_row_breaks_its_seal():
    events = write(4)
    seal = seal_all()
    raw("DELETE FROM privacy_auditevent WHERE id = %s", [events[1].pk])
    finding = audit.verify().finding
    assert finding.where.startswith(f"seal {seal.pk}")
    assert "sealed 4 rows, 3 are there" in finding.problem


def test_swapped_rows_break_their_seal():
    events = write(2)
    seal_all()
    a, b = (AuditEvent.objects.get(pk=e.pk) for e in events)
    # Swap every column but the id: each row's own MAC still checks out.
    columns = [
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
    assignments = ", ".join(f"{c} = %s" for c in columns)
    raw(
        f"UPDATE privacy_auditevent SET {assignments} WHERE id = %s",
        [getattr(b, c) for c in columns] + [a.pk],
    )
    raw(
        f"UPDATE privacy_auditevent SET {assignments} WHERE id = %s",
        [getattr(a, c) for c in columns] + [b.pk],
    )
    finding = audit.verify().finding
    assert finding.problem == "rows were reordered, replaced or the seal forged"


def test_a_row_forged_without_the_key_fails():
    events = write(1)
    raw("UPDATE privacy_auditevent SET mac = %s WHERE id = %s", ["0" * 64, events[0].pk])
    assert not audit.verify().ok


def test_a_different_key_fails_every_row(settings):
    write(1)
    settings.HOMEGROUP_AUDIT_KEY = "another key entirely, never the one used"
    assert not audit.verify().ok


def test_the_orm_refuses_to_update_or_delete_audit_rows():
    write(1)
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditSeal.objects.all().delete()


def test_the_database_refuses_update_of_audit_rows():
    events = write(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE privacy_auditevent SET action = 'x' WHERE id = %s", [events[0].pk])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the DELETE trigger is PostgreSQL's")
def test_postgresql_refuses_delete_of_audit_rows():
    events = write(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM privacy_auditevent WHERE id = %s", [events[0].pk])


def test_audit_verify_command_passes_then_fails_naming_the_row(capsys):
    events = write(3)
    call_command("audit-verify")
    assert "Audit log OK: 3 events" in capsys.readouterr().out
    raw("UPDATE privacy_auditevent SET actor_id = 5 WHERE id = %s", [events[0].pk])
    with pytest.raises(CommandError, match=f"audit row {events[0].pk}: its content was altered"):
        call_command("audit-verify")


def test_writers_seal_on_their_own_every_few_hundred_events(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        write(audit.SEAL_EVERY + 1)
    # The opportunistic seal ran (it found only rows younger than the grace period).
    assert AuditEvent.objects.count() == audit.SEAL_EVERY + 1
    assert audit.verify().ok

"""H-05: one function writes the audit log; each row's MAC covers its id, taken before the insert
with one cheap query, so writers never wait on one another or on the chain."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from homegroup.audit import actions as audit
from homegroup.audit import ledgers, macs, verification
from homegroup.audit.models import AuditEvent, AuditSeal, Outcome
from homegroup.lib import request_ids
from tests.audit import tampering
from tests.audit.tampering import EVENTS, write

pytestmark = pytest.mark.django_db


def test_a_row_keeps_plain_ids_and_a_mac_but_no_content():
    event = audit.record(
        action="journal.read", actor_id=7, subject_id=9, object_type="checkin", object_id=42
    )
    event.refresh_from_db()
    assert (event.actor_id, event.subject_id, event.object_id) == (7, 9, "42")
    assert event.outcome == Outcome.SUCCESS
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


def test_the_mac_covers_the_rows_id():
    event = audit.record(action="journal.read", actor_id=7, subject_id=9)
    ledger = ledgers.get("audit")
    values = ledger.values(event)
    assert event.mac == macs.row_mac(ledgers.key(), ledger="audit", row_id=event.pk, values=values)
    assert event.mac != macs.row_mac(
        ledgers.key(), ledger="audit", row_id=event.pk + 1, values=values
    )


def test_an_id_given_as_text_makes_the_same_mac_as_the_stored_number():
    event = audit.record(action="journal.read", actor_id="7", subject_id=9)  # type: ignore[arg-type]
    event.refresh_from_db()
    assert event.actor_id == 7
    [checked] = AuditEvent.objects.filter(pk=event.pk).values_list("mac", flat=True)
    ledger = ledgers.get("audit")
    assert checked == ledger.mac(event.pk, ledger.values(event))


def test_a_long_object_id_is_cut_to_the_column(settings):
    event = audit.record(action="access.refused", actor_id=1, object_id="9" * 80)
    event.refresh_from_db()
    assert event.object_id == "9" * 64


def test_the_request_id_comes_from_the_request_being_served():
    token = request_ids.bind("req-0123456789")
    try:
        event = audit.record(action="journal.read", actor_id=1)
    finally:
        request_ids.unbind(token)
    assert event.request_id == "req-0123456789"
    assert audit.record(action="journal.read", actor_id=1).request_id == "-"


def test_one_event_is_one_id_query_and_one_insert(django_assert_num_queries):
    audit.record(action="journal.read", actor_id=1)
    with django_assert_num_queries(2) as captured:
        audit.record(action="journal.read", actor_id=1)
    first, second = (q["sql"] for q in captured.captured_queries)
    assert first.startswith("SELECT")
    assert second.startswith("INSERT")


def test_ids_follow_the_sequence_and_are_never_reused_after_a_deletion():
    events = write(3)
    assert [e.pk for e in events] == list(range(events[0].pk, events[0].pk + 3))
    # An administrator deletes the newest row: its id is not handed out again (PostgreSQL's
    # sequence; SQLite's AUTOINCREMENT, whose sqlite_sequence remembers the largest id given).
    tampering.sql(f"DELETE FROM {EVENTS} WHERE id = %s", [events[-1].pk])
    [after] = write(1)
    assert after.pk > events[-1].pk


def _failing_action():
    with transaction.atomic():
        write(1)
        raise RuntimeError("the action failed")


def test_an_event_rolled_back_with_its_transaction_leaves_a_sound_log():
    write(1)
    with pytest.raises(RuntimeError):
        _failing_action()
    write(1)
    assert verification.verify().ok


def test_the_orm_refuses_to_update_or_delete_sealed_rows():
    write(1)
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditSeal.objects.all().delete()


@pytest.mark.parametrize("table", ["audit_auditevent", "audit_auditseal"])
def test_the_database_refuses_update_of_sealed_tables(table):
    write(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET mac = 'x'")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the DELETE trigger is PostgreSQL's")
@pytest.mark.parametrize("table", ["audit_auditevent", "audit_auditseal"])
def test_postgresql_refuses_delete_from_sealed_tables(table):
    write(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")


def test_writers_seal_on_their_own_every_few_hundred_events(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        write(audit.SEAL_EVERY + 1)
    # The opportunistic seal ran at least once (it found only rows younger than the settle time).
    assert callbacks
    assert AuditEvent.objects.count() == audit.SEAL_EVERY + 1


def test_a_failing_opportunistic_seal_never_fails_the_request(monkeypatch, caplog):
    def refused(**kwargs):
        raise audit.SealRefused("the audit ledger holds rows but no genesis seal")

    monkeypatch.setattr(audit, "seal_pending", refused)
    audit._seal_quietly("audit", "default")
    assert "opportunistic sealing of the audit ledger failed" in caplog.text

"""H-06 and issue 8's "Done when": `audit-verify` walks every sealed ledger from its genesis and
fails after each kind of tampering a database administrator without the key can do, on SQLite
and on PostgreSQL alike; it passes on an untouched chain."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from homegroup.audit import actions as audit
from homegroup.audit import verification
from homegroup.audit.models import AuditEvent, AuditSeal
from homegroup.privacy import gate, rules
from homegroup.privacy.models import Channel, DisclosureRecord
from tests.audit import tampering
from tests.audit.tampering import EVENT_COLUMNS, EVENTS, SEALS, seal_all, write
from tests.people import share_as_in_the_story

pytestmark = pytest.mark.django_db


def verify_fails(match: str, **options) -> None:
    with pytest.raises(CommandError, match=match):
        call_command("audit-verify", **options)


def test_an_untouched_chain_verifies_sealed_and_unsealed(capsys):
    write(5)
    seal_all()
    write(3)
    result = verification.verify()
    assert result.ok
    assert (result.events, result.seals, result.unsealed) == (8, 2, 3)  # genesis + one seal
    call_command("audit-verify")
    assert (
        "Audit log OK: audit: 8 rows, 2 seals, 3 awaiting the next seal" in capsys.readouterr().out
    )


def test_every_ledger_starts_at_its_genesis_seal():
    genesis = AuditSeal.objects.filter(ledger="audit").order_by("last_event_id", "id").first()
    assert genesis.is_genesis
    write(2)
    seal = seal_all()
    assert (seal.after_event_id, seal.previous_mac) == (0, genesis.mac)
    assert AuditSeal.objects.filter(ledger="disclosures", last_event_id=0).exists()


def test_truncating_both_tables_and_putting_back_a_subset_fails():
    # The review's attack: keep every event but one clinician's, empty the tables, put back.
    write(3)
    audit.record(action="journal.read", actor_id=4, subject_id=2)
    write(2)
    seal_all()
    kept = list(
        AuditEvent.objects.exclude(actor_id=4).order_by("id").values_list("id", *EVENT_COLUMNS)
    )
    tampering.truncate(EVENTS, SEALS)
    columns = ", ".join(["id", *EVENT_COLUMNS])
    marks = ", ".join(["%s"] * (len(EVENT_COLUMNS) + 1))
    for row in kept:
        tampering.sql(f"INSERT INTO {EVENTS} ({columns}) VALUES ({marks})", row)
    verify_fails("the audit ledger: it holds rows but no genesis seal")
    # Nor will the sealer start a new chain over what is left.
    with pytest.raises(audit.SealRefused, match="no genesis seal"):
        seal_all()


def test_deleting_the_seals_fails():
    write(4)
    seal_all()
    tampering.sql(f"DELETE FROM {SEALS} WHERE ledger = 'audit'")
    verify_fails("it holds rows but no genesis seal")


def test_deleting_the_newest_seal_fails_once_its_rows_are_overdue():
    with time_machine.travel(timezone.now() - timedelta(hours=1), tick=False):
        write(3)
        seal = seal_all()
    tampering.sql(f"DELETE FROM {SEALS} WHERE id = %s", [seal.pk])
    verify_fails(r"audit row \d+: it is still unsealed 60 min after it was written")


def test_deleting_one_sealed_event_fails():
    events = write(4)
    seal = seal_all()
    tampering.sql(f"DELETE FROM {EVENTS} WHERE id = %s", [events[1].pk])
    verify_fails(f"audit seal {seal.pk} .*: it sealed 4 rows, 3 are there")


def test_editing_one_event_fails_naming_it():
    events = write(4)
    seal_all()
    tampering.sql(f"UPDATE {EVENTS} SET subject_id = 99 WHERE id = %s", [events[2].pk])
    verify_fails(f"audit row {events[2].pk}: its MAC does not match")


def test_editing_one_unsealed_event_fails_naming_it():
    events = write(2)
    tampering.sql(f"UPDATE {EVENTS} SET action = 'x' WHERE id = %s", [events[1].pk])
    verify_fails(f"audit row {events[1].pk}: its MAC does not match")


def test_reordering_two_events_fails():
    events = write(2)
    seal_all()
    a, b = (AuditEvent.objects.get(pk=e.pk) for e in events)
    # Swap every column but the id: each row's old MAC travels with it, but the MAC covers the id.
    assignments = ", ".join(f"{c} = %s" for c in EVENT_COLUMNS)
    update = f"UPDATE {EVENTS} SET {assignments} WHERE id = %s"
    tampering.sql(update, [getattr(b, c) for c in EVENT_COLUMNS] + [a.pk])
    tampering.sql(update, [getattr(a, c) for c in EVENT_COLUMNS] + [b.pk])
    verify_fails(f"audit row {a.pk}: its MAC does not match")


def test_copying_one_event_to_a_new_id_fails_even_once_sealed():
    [event] = write(1)
    seal_all()
    copy_id = tampering.next_free_id(EVENTS)
    columns = ", ".join(EVENT_COLUMNS)
    tampering.sql(
        f"INSERT INTO {EVENTS} (id, {columns}) SELECT %s, {columns} FROM {EVENTS} WHERE id = %s",
        [copy_id, event.pk],
    )
    verify_fails(f"audit row {copy_id}: its MAC does not match")
    seal_all()  # the sealer does not launder it: the copy's MAC still names the old id
    verify_fails(f"audit row {copy_id}: its MAC does not match")


def test_an_event_forged_without_the_key_fails():
    events = write(1)
    tampering.sql(f"UPDATE {EVENTS} SET mac = %s WHERE id = %s", ["0" * 64, events[0].pk])
    assert not verification.verify().ok


def test_a_different_key_fails(settings):
    write(1)
    settings.HOMEGROUP_AUDIT_KEY = "another key entirely, never the one used"
    assert not verification.verify().ok


def test_an_edited_seal_breaks_the_chain():
    write(2)
    first = seal_all()
    write(2)
    seal_all()
    tampering.sql(f"UPDATE {SEALS} SET event_count = 3 WHERE id = %s", [first.pk])
    verify_fails(f"audit seal {first.pk} .*: it sealed 3 rows, 2 are there")


def _disclosures(people, n):
    share_as_in_the_story(people)
    for _ in range(n):
        gate.disclose(
            viewer=people.cora,
            person=people.ana,
            categories_requested={"medication"},
            channel=Channel.PAGE,
            purpose=rules.TREATMENT,
        )
    return list(DisclosureRecord.objects.order_by("id"))


def test_disclosure_records_are_sealed_and_verified_by_the_same_command(people, capsys):
    records = _disclosures(people, 2)
    assert all(len(r.mac) == 64 for r in records)
    seal = seal_all("disclosures")
    assert (seal.ledger, seal.event_count) == ("disclosures", 2)
    call_command("audit-verify")
    assert "disclosures: 2 rows, 2 seals, 0 awaiting" in capsys.readouterr().out


def test_editing_one_disclosure_record_fails(people):
    records = _disclosures(people, 2)
    seal_all("disclosures")
    tampering.sql(
        f"UPDATE {tampering.DISCLOSURES} SET recipient_user_id = %s WHERE id = %s",
        [people.dev.pk, records[0].pk],
    )
    verify_fails(f"disclosure record {records[0].pk}: its MAC does not match")


def test_deleting_one_disclosure_record_fails(people):
    records = _disclosures(people, 2)
    seal = seal_all("disclosures")
    tampering.sql(f"DELETE FROM {tampering.DISCLOSURES} WHERE id = %s", [records[1].pk])
    verify_fails(f"disclosures seal {seal.pk} .*: it sealed 2 rows, 1 are there")


def test_a_change_behind_the_newest_anchored_head_fails_with_the_anchor(tmp_path):
    anchor = tmp_path / "anchor.jsonl"
    events = write(4)
    run = audit.seal_and_anchor(anchor_path=str(anchor), now=timezone.now() + audit.SEAL_SETTLE * 2)
    assert [h.ledger for h in run.anchored] == ["audit", "disclosures"]
    call_command("audit-verify", anchor=str(anchor))
    # Remove one sealed event and every seal after the genesis, then let the sealer re-seal what
    # is left: inside the database the chain adds up again; only the anchor still knows.
    tampering.sql(f"DELETE FROM {EVENTS} WHERE id = %s", [events[1].pk])
    tampering.sql(f"DELETE FROM {SEALS} WHERE ledger = 'audit' AND last_event_id > 0")
    seal_all()
    assert verification.verify().ok
    verify_fails(
        r"anchored audit seal \d+ .*: the database's chain does not hold it unchanged",
        anchor=str(anchor),
    )


def test_the_configured_anchor_is_checked_by_default(tmp_path, settings, capsys):
    anchor = tmp_path / "anchor.jsonl"
    settings.HOMEGROUP_AUDIT_ANCHOR = str(anchor)
    write(2)
    call_command("audit-seal")  # nothing settled yet: the genesis heads are anchored
    call_command("audit-verify")
    assert "2 anchored heads found unchanged" in capsys.readouterr().out
    tampering.sql(f"DELETE FROM {SEALS} WHERE ledger = 'disclosures'")
    verify_fails("the disclosures ledger: it has no seal at all, yet the anchor holds its heads")


def test_an_unreadable_or_garbled_anchor_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read the anchor"):
        call_command("audit-verify", anchor=str(tmp_path / "missing.jsonl"))
    garbled = tmp_path / "garbled.jsonl"
    garbled.write_text('{"seal_id": 1}\n')
    with pytest.raises(CommandError, match=r"garbled.jsonl, line 1: not an anchor line"):
        call_command("audit-verify", anchor=str(garbled))


def test_a_late_seal_passes_with_a_note(capsys):
    with time_machine.travel(timezone.now() - timedelta(hours=3), tick=False):
        write(2)
    seal_all()  # sealing had stopped for three hours
    call_command("audit-verify")
    output = capsys.readouterr().out
    assert "Audit log OK" in output
    assert "Note: audit seal" in output
    assert "3 h after the oldest was written" in output

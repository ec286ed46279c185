"""`homegroup audit-seal`: seal every ledger in batches (no global lock for writers), append each
new head to the anchor, and refuse to extend a chain that lost its start or its anchored head."""

import json
import os
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from homegroup.audit import actions as audit
from homegroup.audit import anchor
from homegroup.audit.models import AuditSeal
from tests.audit import tampering
from tests.audit.tampering import SEALS, seal_all, write

pytestmark = pytest.mark.django_db

LATER = timedelta(minutes=2)


def test_sealing_leaves_rows_younger_than_the_settle_time_for_later():
    write(3)
    assert audit.seal_pending() is None  # all written just now
    seal = seal_all()
    assert seal.event_count == 3
    assert seal_all() is None  # nothing new


def test_each_seal_covers_the_previous_one_without_a_gap():
    write(2)
    first = seal_all()
    write(2)
    second = seal_all()
    assert second.previous_mac == first.mac
    assert second.after_event_id == first.last_event_id


def test_the_command_seals_every_ledger_and_anchors_the_new_heads(tmp_path, settings, capsys):
    path = tmp_path / "anchor.jsonl"
    settings.HOMEGROUP_AUDIT_ANCHOR = str(path)
    write(3)
    call_command("audit-seal")  # the genesis heads: the file's first lines
    audit.seal_and_anchor(anchor_path=str(path), now=timezone.now() + LATER)
    capsys.readouterr()
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line["ledger"] for line in lines] == ["audit", "disclosures", "audit"]
    newest = audit.head("audit")
    assert lines[-1] == {
        "ledger": "audit",
        "seal_id": newest.pk,
        "last_event_id": newest.last_event_id,
        "event_count": 3,
        "mac": newest.mac,
        "sealed_at": anchor.Head.of(newest).sealed_at,
    }
    call_command("audit-seal")  # nothing new: nothing appended
    assert "Nothing to seal yet." in capsys.readouterr().out
    assert len(path.read_text().splitlines()) == 3


def test_the_command_says_what_it_sealed(capsys):
    write(2)
    run = audit.seal_and_anchor(now=timezone.now() + LATER)
    assert [(s.ledger, s.event_count) for s in run.sealed] == [("audit", 2)]
    assert run.anchored == []  # no anchor configured


def test_a_chain_without_its_genesis_is_not_sealed_again(capsys):
    write(2)
    tampering.sql(f"DELETE FROM {SEALS} WHERE ledger = 'audit'")
    with pytest.raises(CommandError, match="the audit ledger holds rows but no genesis seal"):
        call_command("audit-seal")
    assert not AuditSeal.objects.filter(ledger="audit").exists()


def test_a_chain_that_lost_its_anchored_head_is_not_sealed_again(tmp_path, settings):
    path = tmp_path / "anchor.jsonl"
    settings.HOMEGROUP_AUDIT_ANCHOR = str(path)
    write(2)
    audit.seal_and_anchor(anchor_path=str(path), now=timezone.now() + LATER)
    head = audit.head("audit")
    tampering.sql(f"DELETE FROM {SEALS} WHERE id = %s", [head.pk])
    write(1)
    with pytest.raises(CommandError, match=f"no longer holds its anchored seal {head.pk}"):
        call_command("audit-seal")
    assert audit.head("audit").last_event_id == 0  # only the genesis: nothing re-sealed


def test_a_pipe_gets_the_heads_this_run_sealed(tmp_path):
    fifo = tmp_path / "anchor.fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a syslog forwarder, reading
    try:
        write(2)
        run = audit.seal_and_anchor(anchor_path=str(fifo), now=timezone.now() + LATER)
        received = os.read(reader, 65536).decode()
    finally:
        os.close(reader)
    assert [h.ledger for h in run.anchored] == ["audit"]
    assert json.loads(received)["last_event_id"] == run.sealed[0].last_event_id


def test_an_anchor_that_cannot_be_written_fails_the_command(tmp_path, settings):
    settings.HOMEGROUP_AUDIT_ANCHOR = str(tmp_path / "no-such-volume" / "anchor.jsonl")
    with pytest.raises(CommandError, match="cannot append to the anchor"):
        call_command("audit-seal")


def test_the_newest_heads_are_read_from_the_end_of_a_long_anchor(tmp_path):
    path = tmp_path / "anchor.jsonl"
    head = anchor.Head("audit", 1, 0, 0, "a" * 64, "2026-01-01T00:00:00.000000Z")
    lines = [anchor.Head("disclosures", 2, 0, 0, "b" * 64, head.sealed_at)]
    lines += [anchor.Head("audit", n, n, 1, "c" * 64, head.sealed_at) for n in range(3, 3000)]
    anchor.append(path, lines)
    assert path.stat().st_size > 3 * 64 * 1024
    found = anchor.last_heads(path, ["audit", "disclosures"])
    assert found["audit"].seal_id == 2999
    assert found["disclosures"].seal_id == 2

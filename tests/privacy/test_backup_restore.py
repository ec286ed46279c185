"""R-01, R-02: an encrypted backup, and a restore drill into an empty database.

On SQLite the drill restores into a fresh file; when the suite runs on PostgreSQL it restores
into a scratch database next to the test database (pg_dump / pg_restore).
"""

import errno
import json
import sqlite3
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from homegroup.accounts.models import User
from homegroup.audit import actions as audit
from homegroup.audit import verification
from homegroup.audit.models import AuditEvent
from homegroup.privacy import backup, gate, rules
from homegroup.privacy.models import Channel, Consent
from tests.people import make_people, share_as_in_the_story

# The backup reads the database from outside the test's transaction on PostgreSQL (pg_dump).
pytestmark = pytest.mark.django_db(transaction=True)


def populate(anchor_path=""):
    people = make_people()
    story = share_as_in_the_story(people)
    gate.disclose(
        viewer=people.cora,
        person=people.ana,
        categories_requested={"medication"},
        channel=Channel.PAGE,
        purpose=rules.TREATMENT,
    )
    audit.seal_and_anchor(
        anchor_path=anchor_path,
        now=AuditEvent.objects.latest("id").occurred_at + audit.SEAL_SETTLE * 2,
    )
    return people, story


@pytest.fixture
def scratch_url(tmp_path):
    """An empty database to restore into, of the same kind as the test database."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'drill.sqlite3'}"
        return
    import psycopg

    settings = connection.settings_dict
    name = f"{settings['NAME']}_drill_{uuid.uuid4().hex[:8]}"
    params = {
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    host = f"{settings['HOST'] or 'localhost'}:{settings['PORT'] or 5432}"
    yield f"postgres://{auth}@{host}/{name}"
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_R_01_the_backup_is_encrypted_and_names_nothing_of_the_records(tmp_path):
    people, _story = populate()
    target = tmp_path / "homegroup.hgb"
    call_command("backup", output=str(target))
    raw = target.read_bytes()
    assert raw.startswith(backup.MAGIC)
    for plain in (b"SQLite format 3", b"PGDMP", people.ana.email.encode(), b"Eastside", b"Sam, my"):
        assert plain not in raw
    assert oct(target.stat().st_mode & 0o777) == "0o600"


def test_R_01_a_backup_with_the_wrong_key_or_altered_bytes_is_refused(
    tmp_path, settings, scratch_url
):
    populate()
    target = tmp_path / "homegroup.hgb"
    call_command("backup", output=str(target))
    good = target.read_bytes()
    altered = tmp_path / "altered.hgb"
    altered.write_bytes(good[:-40] + bytes(b ^ 1 for b in good[-40:]))
    with pytest.raises(CommandError, match="does not decrypt"):
        call_command("restore", input=str(altered), into=scratch_url)
    truncated = tmp_path / "truncated.hgb"
    truncated.write_bytes(good[: len(good) // 2])
    with pytest.raises(CommandError, match=r"truncated|does not decrypt"):
        call_command("restore", input=str(truncated), into=scratch_url)
    settings.HOMEGROUP_BACKUP_KEY = "UHJvZHVjdGlvbkJhY2t1cEtleVByb2R1Y3Rpb25CYWM="
    with pytest.raises(CommandError, match="wrong HOMEGROUP_BACKUP_KEY"):
        call_command("restore", input=str(target), into=scratch_url)


def test_R_02_the_restore_drill_gets_back_every_row_the_audit_chain_and_the_records(
    tmp_path, scratch_url, capsys
):
    people, story = populate()
    target = tmp_path / "homegroup.hgb"
    call_command("backup", output=str(target))
    counts = {
        "users": User.objects.count(),
        "consents": Consent.objects.count(),
        "audit": AuditEvent.objects.count(),
    }
    call_command("restore", input=str(target), into=scratch_url)
    output = capsys.readouterr().out
    assert "Restore OK" in output
    assert f"audit log verified ({counts['audit']} events, 2 seals; 1 disclosure records)" in output
    with backup._target(scratch_url) as alias:
        assert User.objects.using(alias).count() == counts["users"]
        assert Consent.objects.using(alias).count() == counts["consents"]
        assert AuditEvent.objects.using(alias).count() == counts["audit"]
        assert verification.verify(using=alias).ok
        restored = Consent.objects.using(alias).get(pk=story.sam_consent.pk)
        # Encrypted fields come back readable with the same key ring, byte for byte.
        assert restored.text == story.sam_consent.text
        assert restored.text_hash_matches()
        assert restored.recipient_label == "Sam, my sponsor"
        ana = User.objects.using(alias).get(pk=people.ana.pk)
        assert ana.check_password("correct horse battery staple 42")


def test_R_02_the_drill_checks_the_restored_chains_against_the_anchor(
    tmp_path, scratch_url, settings, capsys
):
    anchor = tmp_path / "anchor.jsonl"
    settings.HOMEGROUP_AUDIT_ANCHOR = str(anchor)
    populate(anchor_path=str(anchor))
    target = tmp_path / "homegroup.hgb"
    call_command("backup", output=str(target))
    # Heads anchored after the backup was taken are not expected in the restored copy.
    audit.record(action="journal.read", actor_id=None)
    audit.seal_and_anchor(anchor_path=str(anchor), now=timezone.now() + audit.SEAL_SETTLE * 2)
    assert len(anchor.read_text().splitlines()) == 3
    call_command("restore", input=str(target), into=scratch_url)
    assert "Restore OK" in capsys.readouterr().out


def test_R_02_a_restored_copy_that_lost_an_anchored_head_fails(tmp_path, scratch_url, settings):
    populate()
    target = tmp_path / "homegroup.hgb"
    call_command("backup", output=str(target))
    # An anchor from another history: its audit head names this seal id with another MAC.
    newest = audit.head("audit")
    anchor = tmp_path / "anchor.jsonl"
    anchor.write_text(
        json.dumps(
            {
                "ledger": "audit",
                "seal_id": newest.pk,
                "last_event_id": newest.last_event_id,
                "event_count": newest.event_count,
                "mac": "f" * 64,
                "sealed_at": "2026-01-01T00:00:00.000000Z",
            }
        )
        + "\n"
    )
    settings.HOMEGROUP_AUDIT_ANCHOR = str(anchor)
    with pytest.raises(CommandError, match=f"anchored audit seal {newest.pk}"):
        call_command("restore", input=str(target), into=scratch_url)


def test_R_02_restore_refuses_a_database_that_is_not_empty(tmp_path, scratch_url):
    populate()
    target = tmp_path / "homegroup.hgb"
    call_command("backup", output=str(target))
    call_command("restore", input=str(target), into=scratch_url)
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", input=str(target), into=scratch_url)


def test_R_02_a_drill_that_finds_a_missing_row_fails_loudly(tmp_path, scratch_url):
    populate()
    target = tmp_path / "homegroup.hgb"
    call_command("backup", output=str(target))
    with open(target, "rb") as stream:
        header, chunks = backup.decrypted_chunks(stream, backup.backup_key())
        contents = backup._spool(chunks, tmp_path / "payload")
    contents["tables"]["privacy_consent"]["rows"] += 1
    call_command("restore", input=str(target), into=scratch_url)
    with backup._target(scratch_url) as alias:
        report = backup.check(contents, alias=alias, vendor=header["vendor"])
    assert not report.ok
    assert report.problems == ["privacy_consent: 2 rows, expected 3"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite copy is SQLite's")
def test_R_01_the_sqlite_payload_is_a_consistent_database_file(tmp_path):
    populate()
    target = tmp_path / "homegroup.hgb"
    call_command("backup", output=str(target))
    payload = tmp_path / "payload.sqlite3"
    with open(target, "rb") as stream:
        _header, chunks = backup.decrypted_chunks(stream, backup.backup_key())
        backup._spool(chunks, payload)
    check = sqlite3.connect(Path(payload))
    try:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        check.close()


def test_R_01_a_backup_onto_a_full_disk_fails_loudly_and_leaves_no_partial_file(
    tmp_path, monkeypatch
):
    populate()
    target = tmp_path / "homegroup.hgb"
    written = 0
    real_write = backup.EncryptedWriter.write

    def fill_up(self, data):
        nonlocal written
        written += len(data)
        if written > 4096:  # the disk fills up part of the way through
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(self, data)

    monkeypatch.setattr(backup.EncryptedWriter, "write", fill_up)
    with pytest.raises(CommandError, match="No space left on device; no backup was written"):
        call_command("backup", output=str(target))
    assert list(tmp_path.iterdir()) == []

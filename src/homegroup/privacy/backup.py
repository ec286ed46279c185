"""Encrypted backups and restore drills (R-01, R-02).

A backup file is `MAGIC`, a plaintext JSON header (authenticated, never secret), then the
plaintext stream — a manifest (row counts and sample digests per table) followed by the
database itself (a SQLite online-backup copy, or a PostgreSQL `pg_dump --format=custom`) —
encrypted with AES-256-GCM in 1 MiB chunks under HOMEGROUP_BACKUP_KEY. Each chunk's nonce counts
up and its associated data carries the header, the chunk number and a last-chunk flag, so a
reordered, truncated or edited file fails to decrypt instead of restoring something else.

A restore goes only into an empty database and then checks itself against the manifest: every
table's row count, every sealed ledger's chain (`verification.verify`: the audit log and the
disclosure records, against the anchor's heads as far as the copy reaches when the anchor is a
readable file), and sample rows read back through the ORM (which also proves the
field-encryption key ring still opens the restored values). Restoring into the configured
database runs as its owner (`homegroup restore` connects with DATABASE_OWNER_URL) and then gives
the application's role its grants again, since pg_restore restores no privileges.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import dj_database_url
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import load_backend

from homegroup.audit import anchor, roles, verification
from homegroup.privacy.apps import DISCLOSURES

MAGIC = b"HGBACKUP1\n"
CHUNK = 1 << 20
SAMPLES = 3
SCRATCH_ALIAS = "homegroup_backup_scratch"


class BackupError(Exception):
    """A backup cannot be written, read or restored; the message says why."""


def backup_key() -> bytes:
    try:
        key = base64.b64decode(settings.HOMEGROUP_BACKUP_KEY, validate=True)
    except (binascii.Error, ValueError):
        raise BackupError("HOMEGROUP_BACKUP_KEY is not base64") from None
    if len(key) != 32:
        raise BackupError(f"HOMEGROUP_BACKUP_KEY must be 32 bytes, got {len(key)}")
    return key


# --- Chunked AES-GCM ------------------------------------------------------------------------------


def _nonce(prefix: bytes, counter: int) -> bytes:
    return prefix + struct.pack(">I", counter)


def _aad(header: bytes, counter: int, last: bool) -> bytes:
    return header + struct.pack(">IB", counter, 1 if last else 0)


class EncryptedWriter:
    def __init__(self, out: IO[bytes], key: bytes, header: dict[str, Any]) -> None:
        self.out, self.aead = out, AESGCM(key)
        self.prefix = os.urandom(8)
        self.header = json.dumps(
            {**header, "nonce_prefix": base64.b64encode(self.prefix).decode()}, sort_keys=True
        ).encode()
        self.counter, self.buffer = 0, bytearray()
        out.write(MAGIC + struct.pack(">I", len(self.header)) + self.header)

    def write(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) > CHUNK:
            self._emit(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]

    def close(self) -> None:
        self._emit(bytes(self.buffer), last=True)
        self.buffer.clear()

    def _emit(self, chunk: bytes, *, last: bool) -> None:
        sealed = self.aead.encrypt(
            _nonce(self.prefix, self.counter), chunk, _aad(self.header, self.counter, last)
        )
        self.out.write(struct.pack(">IB", len(sealed), 1 if last else 0) + sealed)
        self.counter += 1


def _read_exact(stream: IO[bytes], size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise BackupError("the backup file is truncated")
    return data


def read_header(stream: IO[bytes]) -> tuple[dict[str, Any], bytes]:
    if stream.read(len(MAGIC)) != MAGIC:
        raise BackupError("this is not a Homegroup backup file")
    (length,) = struct.unpack(">I", _read_exact(stream, 4))
    raw = _read_exact(stream, length)
    return json.loads(raw), raw


def decrypted_chunks(stream: IO[bytes], key: bytes) -> tuple[dict[str, Any], Iterator[bytes]]:
    header, raw = read_header(stream)
    prefix = base64.b64decode(header["nonce_prefix"])
    aead = AESGCM(key)

    def chunks() -> Iterator[bytes]:
        counter = 0
        while True:
            length, last = struct.unpack(">IB", _read_exact(stream, 5))
            sealed = _read_exact(stream, length)
            try:
                yield aead.decrypt(_nonce(prefix, counter), sealed, _aad(raw, counter, bool(last)))
            except InvalidTag:
                raise BackupError(
                    "the backup does not decrypt: wrong HOMEGROUP_BACKUP_KEY, or the file was "
                    "altered"
                ) from None
            counter += 1
            if last:
                if stream.read(1):
                    raise BackupError("the backup file has data after its last chunk")
                return

    return header, chunks()


# --- Manifest: what a restore must find again -----------------------------------------------------


def _tables(using: str) -> list[tuple[str, Any]]:
    """Every table the database has that a model describes (a model without a table, such as a
    test's, is not part of the data)."""
    present = set(connections[using].introspection.table_names())
    models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.db_table in present
    ]
    found = {model._meta.db_table: model for model in models}
    found[MigrationRecorder.Migration._meta.db_table] = MigrationRecorder.Migration
    return sorted(found.items())


def _sample_digest(model: Any, using: str) -> list[list[str]]:
    names = [f.attname for f in model._meta.concrete_fields]
    rows = model._base_manager.using(using).order_by("pk").values_list(*names)[:SAMPLES]
    return [
        [
            str(row[names.index(model._meta.pk.attname)]),
            hashlib.sha256(repr(row).encode()).hexdigest(),
        ]
        for row in rows
    ]


def manifest(using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    tables = {}
    for table, model in _tables(using):
        tables[table] = {
            "rows": model._base_manager.using(using).count(),
            "samples": _sample_digest(model, using),
        }
    return {"tables": tables}


# --- Backup ---------------------------------------------------------------------------------------


@dataclass
class BackupReport:
    path: Path
    vendor: str
    tables: int
    rows: int
    size: int


def _pg_env_and_args(settings_dict: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args += [flag, str(settings_dict[key])]
    args += ["--dbname", str(settings_dict["NAME"])]
    return env, args


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed; it is needed for PostgreSQL backups")
    return found


def backup(*, output: Path, using: str = DEFAULT_DB_ALIAS) -> BackupReport:
    """Write an encrypted, restorable copy of the database to `output` (R-01).

    The manifest describes exactly the copied state: on SQLite it is read from the copy; on
    PostgreSQL from the same exported snapshot pg_dump reads, while the app keeps writing.
    """
    key = backup_key()
    connection = connections[using]
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    header = {
        "format": 1,
        "vendor": vendor,
        "created_at": datetime.now(UTC).isoformat(),
        "cipher": "AES-256-GCM",
        "chunk": CHUNK,
    }
    output = Path(output)
    partial = output.with_name(output.name + ".partial")
    try:
        contents = _write_backup(partial, key, header, connection, using)
    except OSError as error:
        # A full disk or a vanished mount: say so plainly, and leave no partial file to fill
        # the disk further or be mistaken for a backup.
        partial.unlink(missing_ok=True)
        raise BackupError(
            f"could not write {partial}: {error.strerror or error}; no backup was written"
        ) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(output)
    return BackupReport(
        path=output,
        vendor=vendor,
        tables=len(contents["tables"]),
        rows=sum(table["rows"] for table in contents["tables"].values()),
        size=output.stat().st_size,
    )


def _write_backup(
    partial: Path, key: bytes, header: dict[str, Any], connection: Any, using: str
) -> dict[str, Any]:
    vendor = connection.vendor
    with tempfile.TemporaryDirectory() as scratch, open(partial, "wb") as out:
        os.chmod(partial, 0o600)
        writer = EncryptedWriter(out, key, header)
        if vendor == "sqlite":
            copy_path = Path(scratch) / "copy.sqlite3"
            _sqlite_copy(connection, copy_path)
            with _target(f"sqlite:///{copy_path}") as alias:
                contents = manifest(alias)
            _write_manifest(writer, contents)
            with open(copy_path, "rb") as copy:
                while chunk := copy.read(CHUNK):
                    writer.write(chunk)
        else:
            with transaction.atomic(using=using), connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("SELECT pg_export_snapshot()")
                (snapshot,) = cursor.fetchone()
                contents = manifest(using)
                _write_manifest(writer, contents)
                _pg_dump_into(writer, connection.settings_dict, snapshot)
        writer.close()
    return contents


def _write_manifest(writer: EncryptedWriter, contents: dict[str, Any]) -> None:
    body = json.dumps(contents, sort_keys=True).encode()
    writer.write(struct.pack(">Q", len(body)) + body)


def _sqlite_copy(connection: Any, copy_path: Path) -> None:
    connection.ensure_connection()
    target = sqlite3.connect(copy_path)
    try:
        # The online backup API: a consistent copy while the app keeps writing.
        connection.connection.backup(target)
    finally:
        target.close()


def _pg_dump_into(writer: EncryptedWriter, settings_dict: dict[str, Any], snapshot: str) -> None:
    env, args = _pg_env_and_args(settings_dict)
    command = [
        _tool("pg_dump"),
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        f"--snapshot={snapshot}",
        *args,
    ]
    with subprocess.Popen(  # noqa: S603 - fixed tool and arguments, no shell
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        while chunk := process.stdout.read(CHUNK):
            writer.write(chunk)
        errors = process.stderr.read().decode(errors="replace")
    if process.returncode != 0:
        raise BackupError(f"pg_dump failed: {errors.strip()[:500]}")


# --- Restore --------------------------------------------------------------------------------------


@dataclass
class RestoreReport:
    vendor: str
    tables_checked: int = 0
    rows: int = 0
    problems: list[str] = field(default_factory=list)
    audit_events: int = 0
    audit_seals: int = 0
    disclosures: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


@contextmanager
def _target(database_url: str | None) -> Iterator[str]:
    """A database other than the configured one (a copy, a drill's target) as an ORM alias.

    The connection is made for this use only and is not added to settings.DATABASES: it is
    placed directly in the connection handler (its documented-private `_connections`), which is
    also what keeps Django's test isolation from mistaking it for a configured database.
    """
    if database_url is None:
        yield DEFAULT_DB_ALIAS
        return
    parsed = dict(dj_database_url.parse(database_url))
    configured = connections.configure_settings({DEFAULT_DB_ALIAS: parsed})[DEFAULT_DB_ALIAS]
    wrapper = load_backend(configured["ENGINE"]).DatabaseWrapper(configured, SCRATCH_ALIAS)
    setattr(connections._connections, SCRATCH_ALIAS, wrapper)  # type: ignore[attr-defined]
    try:
        yield SCRATCH_ALIAS
    finally:
        wrapper.close()
        delattr(connections._connections, SCRATCH_ALIAS)  # type: ignore[attr-defined]


def restore(*, input_path: Path, database_url: str | None = None) -> RestoreReport:
    """Restore a backup into an empty database, then check it against its manifest (R-02)."""
    key = backup_key()
    with tempfile.TemporaryDirectory() as scratch:
        payload = Path(scratch) / "payload"
        with open(input_path, "rb") as stream:
            header, chunks = decrypted_chunks(stream, key)
            contents = _spool(chunks, payload)
        with _target(database_url) as alias:
            connection = connections[alias]
            if connection.vendor != header["vendor"]:
                raise BackupError(
                    f"this is a {header['vendor']} backup; the target is {connection.vendor}"
                )
            existing = connection.introspection.table_names()
            if existing:
                raise BackupError(
                    f"refusing to restore into a database that is not empty "
                    f"({len(existing)} tables): restore into an empty database"
                )
            if connection.vendor == "sqlite":
                _sqlite_restore(payload, connection)
            else:
                _pg_restore(payload, connection.settings_dict)
                if database_url is None:
                    # pg_restore restores no privileges: the application's role needs its own.
                    roles.grant_configured_role(using=alias)
            return check(contents, alias=alias, vendor=header["vendor"])


def _spool(chunks: Iterator[bytes], payload: Path) -> dict[str, Any]:
    pending = b""
    body_length: int | None = None
    contents: dict[str, Any] | None = None
    with open(payload, "wb") as out:
        for chunk in chunks:
            if contents is not None:
                out.write(chunk)
                continue
            pending += chunk
            if body_length is None and len(pending) >= 8:
                (body_length,) = struct.unpack(">Q", pending[:8])
            if body_length is not None and len(pending) >= 8 + body_length:
                contents = json.loads(pending[8 : 8 + body_length])
                out.write(pending[8 + body_length :])
                pending = b""
    if contents is None:
        raise BackupError("the backup holds no manifest")
    return contents


def _sqlite_restore(payload: Path, connection: Any) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(payload)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _pg_restore(payload: Path, settings_dict: dict[str, Any]) -> None:
    env, args = _pg_env_and_args(settings_dict)
    command = [
        _tool("pg_restore"),
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        *args,
        str(payload),
    ]
    result = subprocess.run(  # noqa: S603 - fixed tool and arguments, no shell
        command, capture_output=True, env=env, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.decode(errors='replace')[:500]}")


def check(contents: dict[str, Any], *, alias: str, vendor: str) -> RestoreReport:
    """Compare a restored database with the manifest taken at backup time."""
    report = RestoreReport(vendor=vendor)
    restored = manifest(alias)["tables"]
    for table, expected in contents["tables"].items():
        found = restored.get(table)
        if found is None:
            report.problems.append(f"{table}: missing")
            continue
        report.tables_checked += 1
        report.rows += found["rows"]
        if found["rows"] != expected["rows"]:
            report.problems.append(f"{table}: {found['rows']} rows, expected {expected['rows']}")
        elif found["samples"] != expected["samples"]:
            report.problems.append(f"{table}: sample rows differ")
    path = settings.HOMEGROUP_AUDIT_ANCHOR
    try:
        heads = anchor.read(path) if anchor.readable(path) else None
    except anchor.AnchorError as error:
        report.problems.append(f"audit anchor: {error}")
        heads = None
    result = verification.verify(using=alias, anchor=heads, anchor_beyond_chain_ok=True)
    report.audit_events, report.audit_seals = result.events, result.seals
    report.disclosures = result.of(DISCLOSURES).rows
    for ledger in result.ledgers:
        if ledger.finding is not None:
            report.problems.append(f"{ledger.ledger} ledger: {ledger.finding}")
    return report

"""Throwaway PostgreSQL clusters for tests: a primary made with initdb and a streaming replica
made from it with pg_basebackup, each on its own loopback port with its socket in its own
directory. Never the shared server: nothing here connects to a port it did not start."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import suppress
from pathlib import Path

PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
MISSING = (
    "PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) not found under "
    "/usr/lib/postgresql: the streaming-replica test cannot run here"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    """One cluster in ``root/name``, run by the ``postgres`` OS user when we are root."""

    def __init__(self, root: Path, name: str) -> None:
        self.bin = PG_BIN_DIRS[-1]
        self.port = free_port()
        self.root = root
        self.data = root / name
        self.log = root / f"{name}.log"
        self.as_postgres = os.geteuid() == 0

    def run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / tool), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=180)

    def _configure(self) -> None:
        # Appended last, so these win over what pg_basebackup copied from the primary.
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.root}'\nmax_connections = 30\n"
                "fsync = off\nhot_standby = on\n"
            )

    def init(self) -> None:
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self._configure()

    def copy_of(self, primary: Cluster) -> None:
        """A streaming replica of ``primary`` (``-R`` writes standby.signal and the
        primary_conninfo; ``-X stream`` brings the WAL of the copy along)."""
        self.run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
            "-D", str(self.data), "-R", "-X", "stream", "-c", "fast",
        )  # fmt: skip
        self._configure()

    def start(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def running(self) -> bool:
        if not self.data.exists():
            return False
        return self.run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def stop_command(self) -> list[str]:
        command = [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"]
        return ["runuser", "-u", "postgres", "--", *command] if self.as_postgres else command

    def url(self, user: str, database: str) -> str:
        return f"postgres://{user}@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str, *, database: str = "postgres") -> list[tuple[object, ...]]:
        import psycopg

        with psycopg.connect(
            self.url("postgres", database), autocommit=True, connect_timeout=10
        ) as connection:
            cursor = connection.execute(statement)
            return cursor.fetchall() if cursor.description else []


def make_root() -> Path:
    root = Path(tempfile.mkdtemp(prefix="homegroup-replica-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    root.chmod(0o700)
    return root


def remove(root: Path, *clusters: Cluster) -> None:
    """Stop every cluster still running, then delete them: runs even when the test failed."""
    for cluster in clusters:
        with suppress(Exception):
            if cluster.running():
                cluster.stop()
    shutil.rmtree(root, ignore_errors=True)


def wait_until(check, *, seconds: float = 60, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting {seconds:g} s for {what}")
        time.sleep(0.2)

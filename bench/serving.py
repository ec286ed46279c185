"""What `make load` and `make fault` share: the server's environment, starting and stopping
`make serve`, preparing a load database, running wrk and reading what it says, CPU accounting.

No Django here: the server and bench/load_data.py run in their own processes with the load
environment (throwaway keys, DEBUG=0 on loopback).
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VAR = ROOT / "var" / "load"
PYTHON = ROOT / ".venv" / "bin" / "python"
HOMEGROUP = ROOT / ".venv" / "bin" / "homegroup"
CHECKINS_LUA = BENCH / "load" / "checkins.lua"
TICKS = os.sysconf("SC_CLK_TCK")


def log(message: str) -> None:
    print(f"[load {datetime.now():%H:%M:%S}] {message}", flush=True)


def env_seconds(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    try:
        value = int(raw) if raw.strip() else default
    except ValueError:
        raise SystemExit(f"{name} must be a whole number of seconds; got {raw!r}") from None
    if value < 1:
        raise SystemExit(f"{name} must be at least 1")
    return value


def server_environment(database_url: str, *, port: int, var: Path) -> dict[str, str]:
    """Production settings (DEBUG=0, throwaway keys) for a server on loopback over plain HTTP."""

    def key() -> str:
        return base64.b64encode(secrets.token_bytes(32)).decode()

    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "HOMEGROUP_AUDIT_KEY": secrets.token_urlsafe(32),
        "HOMEGROUP_FIELD_KEYS": f"load:{key()}",
        "HOMEGROUP_BACKUP_KEY": key(),
        # Loopback, no TLS proxy in front: no redirect to https. Everything else as deployed.
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HOMEGROUP_VAR_DIR": str(var / "site"),
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "PYTHONWARNINGS": "ignore",
    }


# --- PostgreSQL --------------------------------------------------------------------------------


def admin_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def recreate_database(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise SystemExit(f"database name {name!r}: letters, digits and _ only")
    with psycopg.connect(admin_url(url), autocommit=True, connect_timeout=10) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def backend_pids(url: str) -> list[int]:
    """The server processes of PostgreSQL serving the load database (for their CPU time)."""
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(admin_url(url), autocommit=True, connect_timeout=10) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        ).fetchall()
    return [row[0] for row in rows]


def prepare(env: dict[str, str], *, people: int, meetings: int, var: Path) -> Path:
    """Migrate, fill the directory, create the people; returns the people file for wrk."""
    run = {"env": env, "cwd": ROOT, "check": True}
    subprocess.run([str(HOMEGROUP), "migrate", "--noinput", "--verbosity", "0"], **run)
    subprocess.run(
        [str(HOMEGROUP), "generate-directory", "--meetings", str(meetings), "--seed", "1"],
        stdout=subprocess.DEVNULL,
        **run,
    )
    people_file = var / "people.tsv"
    subprocess.run(
        [PYTHON, BENCH / "load_data.py", "people", "--people", str(people), "--out", people_file],
        **run,
    )
    return people_file


def verify(env: dict[str, str], acked_glob: str, out: Path) -> dict[str, Any]:
    subprocess.run(
        [PYTHON, BENCH / "load_data.py", "verify", "--acked", acked_glob, "--out", out],
        env=env,
        cwd=ROOT,
        check=True,
    )
    result: dict[str, Any] = json.loads(out.read_text())
    audit = subprocess.run(
        [str(HOMEGROUP), "audit-verify"], env=env, cwd=ROOT, capture_output=True, text=True
    )
    result["audit_ok"] = audit.returncode == 0
    result["audit"] = (audit.stdout + audit.stderr).strip().splitlines()[-1:]
    return result


# --- The server --------------------------------------------------------------------------------


@dataclass
class Server:
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    started_at: float = field(default=0.0)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.env['PORT']}"

    def start(self, *, timeout: float = 180) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.log_path.open("ab")
        # Its own process group, so that stop() reaches make and gunicorn alike.
        self.process = subprocess.Popen(
            ["make", "--no-print-directory", "serve"],
            cwd=ROOT,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                code = self.process.returncode
                raise SystemExit(f"make serve exited with {code}: see {self.log_path}")
            if self.get("/readyz")[0] == 200:
                self.started_at = time.monotonic()
                return
            time.sleep(0.5)
        self.stop()
        raise SystemExit(f"make serve did not become ready in {timeout:.0f} s: see {self.log_path}")

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, Any]:
        request = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read(), error.headers
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return 0, b"", {}

    def pids(self) -> list[int]:
        """gunicorn's master and workers (the processes whose CPU a request costs)."""
        if self.process is None:
            return []
        found = subprocess.run(
            ["pgrep", "-g", str(self.process.pid)], capture_output=True, text=True
        ).stdout.split()
        return [int(pid) for pid in found]

    def stop(self) -> None:
        """SIGTERM, as a deployment would: gunicorn finishes the requests in flight, then exits."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (0 for a process that has gone)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / TICKS


def load_average() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


# --- wrk ---------------------------------------------------------------------------------------


def wrk_command(
    url: str, *, script: Path, seconds: int, threads: int, connections: int, args: list[str]
) -> list[str]:
    return [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url,
        "--",
        *args,
    ]


def parse_wrk(output: str) -> dict[str, Any]:
    for line in output.splitlines():
        if line.startswith("WRK_JSON "):
            result: dict[str, Any] = json.loads(line.removeprefix("WRK_JSON "))
            return result
    raise SystemExit("wrk printed no result line:\n" + output[-2000:])


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return f"{model}, {os.cpu_count()} cores; Python {sys.version.split()[0]}"


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def replace_section(path: Path, name: str, body: str) -> None:
    """Put `body` between this section's markers in a generated document, keeping the rest."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    text = path.read_text() if path.exists() else ""
    block = f"{begin}\n{body.rstrip()}\n{end}"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)

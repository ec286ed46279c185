"""deploy/systemd/: the units pass `systemd-analyze verify`, every scheduled job has a timer,
and the non-container path runs for real: homegroup.service's command lines (migrate,
collectstatic, gunicorn) and the jobs' own, from this checkout, with an environment file made
from deploy/.env.example."""

from __future__ import annotations

import base64
import os
import secrets
import shlex
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.deploy import clusters, files

UNITS = files.DEPLOY / "systemd"
JOBS = ["audit-seal", "audit-verify", "backup", "purge-deleted-accounts", "refresh-sources"]


def unit(name: str) -> dict[str, list[str]]:
    """A unit file's settings, each with every value it was given (ExecStartPre repeats)."""
    values: dict[str, list[str]] = {}
    for line in (UNITS / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


def command_line(value: str, root: Path) -> list[str]:
    """An Exec*= line as systemd runs it: $$ and %% unescaped, the checkout in /opt/homegroup."""
    value = value.replace("$$", "$").replace("%%", "%").replace("/opt/homegroup", str(root))
    return shlex.split(value)


def test_every_scheduled_job_has_a_service_and_a_timer():
    for job in JOBS:
        service = unit(f"homegroup-{job}.service")
        assert service["Type"] == ["oneshot"]
        assert service["User"] == ["homegroup"]
        assert service["EnvironmentFile"] == ["/etc/homegroup/homegroup.env"]
        assert f"homegroup {job}" in service["ExecStart"][0]
        timer = unit(f"homegroup-{job}.timer")
        assert timer["Persistent"] == ["true"]
        assert timer["WantedBy"] == ["timers.target"]
    assert unit("homegroup-audit-seal.timer")["OnCalendar"] == ["*-*-* *:*:00"]
    assert unit("homegroup-refresh-sources.timer")["OnCalendar"] == ["*-*-* *:00/15:00"]
    assert unit("homegroup-backup.timer")["OnCalendar"] == ["*-*-* 03:00:00"]


def test_the_server_runs_make_serves_server_as_a_non_root_user():
    service = unit("homegroup.service")
    assert service["ExecStart"] == [
        "/opt/homegroup/.venv/bin/gunicorn -c python:homegroup.gunicorn_conf homegroup.wsgi"
    ]
    assert service["User"] == ["homegroup"]
    assert service["Type"] == ["notify"]  # gunicorn says READY=1 once it listens
    assert service["KillSignal"] == ["SIGTERM"]
    assert service["ProtectSystem"] == ["strict"]
    assert service["NoNewPrivileges"] == ["yes"]


def test_only_audit_seal_may_write_the_anchor():
    writers = [
        name
        for name in sorted(os.listdir(UNITS))
        if "/var/lib/homegroup-anchor" in "".join(unit(name).get("ReadWritePaths", []))
    ]
    assert writers == ["homegroup-audit-seal.service"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not found")
def test_systemd_analyze_verify_passes(tmp_path):
    # verify checks that each command exists: point the units at this checkout.
    root = files.ROOT
    for path in UNITS.iterdir():
        (tmp_path / path.name).write_text(path.read_text().replace("/opt/homegroup", str(root)))
    result = subprocess.run(
        ["systemd-analyze", "verify", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr


def _environment_file(tmp_path: Path) -> dict[str, str]:
    """deploy/.env.example filled in as an operator would (SQLite standing in for PostgreSQL)."""
    values = {name: value for name, value, commented, _ in files.env_example() if not commented}

    def key() -> str:
        return base64.b64encode(secrets.token_bytes(32)).decode()

    values.update(
        SECRET_KEY=secrets.token_urlsafe(48),
        HOMEGROUP_AUDIT_KEY=secrets.token_urlsafe(48),
        HOMEGROUP_FIELD_KEYS=f"k1:{key()}",
        HOMEGROUP_BACKUP_KEY=key(),
        HOMEGROUP_DOMAIN="homegroup.example.org",
        ALLOWED_HOSTS="homegroup.example.org,127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'homegroup.sqlite3'}",
        HOMEGROUP_ALLOW_SQLITE="1",
        HOMEGROUP_AUDIT_ANCHOR=str(tmp_path / "anchor" / "homegroup.jsonl"),
        PORT=str(clusters.free_port()),
        WEB_CONCURRENCY="1",
    )
    (tmp_path / "anchor").mkdir()
    return values


def _unit_environment(service: dict[str, list[str]], tmp_path: Path) -> dict[str, str]:
    environment = dict(item.split("=", 1) for item in service["Environment"][0].split())
    environment["HOMEGROUP_VAR_DIR"] = str(tmp_path / "state")  # StateDirectory=homegroup
    return environment


def _ready(port: str) -> bool:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/readyz", headers={"X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def test_the_units_command_lines_run(tmp_path):
    service = unit("homegroup.service")
    env = {
        "PATH": "/usr/bin:/bin",
        **_environment_file(tmp_path),
        **_unit_environment(service, tmp_path),
    }
    assert env["DEBUG"] == "0"
    for line in service["ExecStartPre"]:
        result = subprocess.run(
            command_line(line, files.ROOT), env=env, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, f"{line}\n{result.stderr[-2000:]}"
    server = subprocess.Popen(
        command_line(service["ExecStart"][0], files.ROOT),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        clusters.wait_until(lambda: _ready(env["PORT"]), seconds=120, what="gunicorn's /readyz")
        # The jobs run against the same database while the server serves.
        for job in ("audit-seal", "audit-verify", "purge-deleted-accounts", "refresh-sources"):
            job_service = unit(f"homegroup-{job}.service")
            result = subprocess.run(
                command_line(job_service["ExecStart"][0], files.ROOT),
                env={**env, **_unit_environment(job_service, tmp_path)},
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert result.returncode == 0, f"{job}\n{result.stdout}\n{result.stderr[-2000:]}"
        assert (tmp_path / "anchor" / "homegroup.jsonl").exists()
    finally:
        # What `systemctl stop` sends (KillSignal=SIGTERM); gunicorn exits cleanly within the
        # unit's TimeoutStopSec.
        server.send_signal(signal.SIGTERM)
        stop_timeout = int(service["TimeoutStopSec"][0])
        try:
            code = server.wait(timeout=stop_timeout)
        except subprocess.TimeoutExpired:
            server.kill()
            raise
        log = server.stderr.read()
    assert code == 0, log[-2000:]
    assert "Shutting down: Master" in log


def test_the_backup_units_command_line_names_a_dated_file():
    (line,) = unit("homegroup-backup.service")["ExecStart"]
    argv = command_line(line, files.ROOT)
    assert argv[:2] == ["/bin/sh", "-c"]
    shell = argv[2]
    assert '--output "/var/backups/homegroup/homegroup-$(date -u +%Y%m%dT%H%M).hgb"' in shell
    assert subprocess.run(["sh", "-n", "-c", shell], check=False).returncode == 0
    started = time.strftime("%Y%m%d", time.gmtime())
    expanded = subprocess.run(
        ["sh", "-c", shell.replace("exec ", "echo ", 1)], capture_output=True, text=True
    ).stdout
    assert f"/var/backups/homegroup/homegroup-{started}T" in expanded

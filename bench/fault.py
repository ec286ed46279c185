"""`make fault`: database faults during a load run, and backup faults (docs/operations.md).

Never touches the shared PostgreSQL on 5432: it creates its own throwaway cluster (initdb +
pg_ctl, as the `postgres` OS user when run as root) on FAULT_PG_PORT (default 5499) in a
temporary directory, and always starts it again and removes it at the end, even on failure.

The app connects as an ordinary role (`homegroup`), as in production, so that the cluster's
superuser slots stay free for this script. `make serve` (gunicorn, DEBUG=0) runs against it while
wrk sends check-in PUTs (each a unique person-day with a marker); FAULT_AT seconds in (default
10), one fault, and the run goes on FAULT_AFTER seconds (default 10) after the fault is over:

- stop: PostgreSQL stopped (immediate: no clean shutdown) for FAULT_DOWN seconds (default 8),
  then started again;
- restart: PostgreSQL restarted (fast: connections cut, clean shutdown, start);
- exhaust: every connection slot an ordinary role may use is taken for FAULT_DOWN seconds, and
  the app's own connections are cut (as a crashed pooler or a runaway job would leave things).

For each: every answer during the fault is a 200 or a 503 with Retry-After (never a 500, never a
503 without Retry-After); the app answers 200s again by itself afterwards. After all three, every
acknowledged check-in must be in the database as acknowledged, none half-written, and
`homegroup audit-verify` must pass. Then the backup faults, with the server still up: a backup
onto a full file system (a 1 MiB tmpfs; a nearly full directory when tmpfs cannot be mounted)
must fail loudly while the app keeps answering; a corrupt backup file must be refused by
`homegroup restore`. Results go into docs/operations.md between the "fault" markers.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from serving import (
    CHECKINS_LUA,
    HOMEGROUP,
    ROOT,
    VAR,
    Server,
    env_seconds,
    load_average,
    log,
    machine,
    now,
    parse_wrk,
    prepare,
    replace_section,
    server_environment,
    verify,
    wrk_command,
)

PG_VERSION_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
FAULT_VAR = VAR.parent / "fault"
MAX_CONNECTIONS = 20
RESERVED = 3  # superuser_reserved_connections: this script's own way in during "exhaust"
CONNECTIONS = 8  # wrk's


class Cluster:
    """A throwaway PostgreSQL cluster owned by the `postgres` OS user (when we are root)."""

    def __init__(self, port: int) -> None:
        if not PG_VERSION_DIRS:
            raise SystemExit("PostgreSQL server binaries not found under /usr/lib/postgresql")
        self.bin = PG_VERSION_DIRS[-1]
        self.port = port
        self.root = Path(tempfile.mkdtemp(prefix="homegroup-fault-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self.root.chmod(0o700)

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / tool), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.root}'\nmax_connections = {MAX_CONNECTIONS}\n"
                f"superuser_reserved_connections = {RESERVED}\nfsync = on\n"
            )

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self, mode: str) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self, mode: str) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", mode, "-w", "restart")

    def running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def url(self, user: str, database: str) -> str:
        return f"postgres://{user}@127.0.0.1:{self.port}/{database}"

    def remove(self) -> None:
        """Start it again if a fault left it down (as the issue asks), then stop and delete it."""
        if self.data.exists():
            if not self.running():
                with suppress(subprocess.CalledProcessError):
                    self.start()
            with suppress(subprocess.CalledProcessError):
                self.stop("fast")
        shutil.rmtree(self.root, ignore_errors=True)


def admin(cluster: Cluster) -> Any:
    import psycopg

    return psycopg.connect(cluster.url("postgres", "postgres"), autocommit=True, connect_timeout=5)


def create_app_database(cluster: Cluster) -> str:
    with admin(cluster) as connection:
        connection.execute("CREATE ROLE homegroup LOGIN")
        connection.execute("CREATE DATABASE homegroup_fault OWNER homegroup")
    return cluster.url("homegroup", "homegroup_fault")


# --- The faults --------------------------------------------------------------------------------


def fault_stop(cluster: Cluster, down: int) -> None:
    cluster.stop("immediate")
    time.sleep(down)
    cluster.start()


def fault_restart(cluster: Cluster, down: int) -> None:
    cluster.restart("fast")


def fault_exhaust(cluster: Cluster, down: int) -> None:
    """Take every ordinary slot and keep cutting the app's connections until `down` is over."""
    import psycopg

    holders: list[Any] = []
    url = cluster.url("homegroup", "homegroup_fault") + "?application_name=fault-holder"
    deadline = time.monotonic() + down
    with admin(cluster) as superuser:
        while time.monotonic() < deadline:
            superuser.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE usename = 'homegroup' AND application_name <> 'fault-holder'"
            )
            while True:  # take every slot freed, before the app's reconnects do
                try:
                    holders.append(psycopg.connect(url, connect_timeout=2))
                except psycopg.OperationalError:
                    break
            time.sleep(0.25)
        taken = len(holders)
        for holder in holders:
            holder.close()
    log(f"  held {taken} connections (all an ordinary role may open)")


FAULTS: dict[str, tuple[str, Callable[[Cluster, int], None]]] = {
    "stop": ("PostgreSQL stopped (immediate), started again after {down} s", fault_stop),
    "restart": ("PostgreSQL restarted (fast)", fault_restart),
    "exhaust": ("connections exhausted for {down} s, the app's own cut", fault_exhaust),
}


def run_fault(
    name: str,
    cluster: Cluster,
    server: Server,
    people: Path,
    *,
    at: int,
    down: int,
    after: int,
    start: int,
) -> dict[str, Any]:
    title, action = FAULTS[name]
    acked = FAULT_VAR / f"acked-{name}"
    command = wrk_command(
        server.base,
        script=CHECKINS_LUA,
        seconds=at + down + after + 600,  # an upper bound: SIGINT ends the run
        threads=1,
        connections=CONNECTIONS,
        args=[str(people), str(acked), "1", str(start)],
    )
    log(f"{name}: {title.format(down=down)}, {at} s in, then {after} s more")
    wrk = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    began = time.time()
    time.sleep(at)
    fault_started = time.time()
    error: BaseException | None = None
    try:
        action(cluster, down)
    except BaseException as failure:  # still collect wrk's answers, then re-raise
        error = failure
    fault_ended = time.time()
    # However long the fault took (a crash recovery on a busy machine takes a while), watch
    # `after` seconds more; SIGINT makes wrk stop and report, as Ctrl-C would.
    time.sleep(after)
    wrk.send_signal(signal.SIGINT)
    output, _ = wrk.communicate()
    if error is not None:
        raise error
    result = parse_wrk(output)
    timeline = {int(second): counts for second, counts in result.pop("timeline").items()}
    first_503 = min((s for s, c in timeline.items() if "503" in c), default=None)
    last_bad = max((s for s, c in timeline.items() if set(c) - {"200"}), default=None)
    last_second = max(timeline, default=int(began))
    # Recovered: after the last non-200 second, the run goes on answering 200s only.
    recovered_after = (last_bad + 1 - fault_ended) if last_bad is not None else 0.0
    tail_ok = last_bad is None or last_bad < last_second
    statuses = result["statuses"]
    return {
        "name": name,
        "title": title.format(down=down),
        "seconds": round(time.time() - began),
        "fault_seconds": round(fault_ended - fault_started, 1),
        "requests": result["requests"],
        "statuses": statuses,
        "socket_errors": result["errors"],
        "no_retry_after": result["no_retry_after"],
        "first_503_after": (first_503 - fault_started) if first_503 is not None else None,
        "recovered_after": max(recovered_after, 0.0),
        "recovered": tail_ok and server.get("/readyz")[0] == 200,
        "five_hundreds": sum(c for s, c in statuses.items() if s.startswith("5") and s != "503"),
        "other": {s: c for s, c in statuses.items() if s not in ("200", "503")},
    }


# --- Backup faults -----------------------------------------------------------------------------


class _Skip(Exception):
    pass


def mount_full_disk(place: Path) -> str | None:
    """A file system too small for any backup: a 128 KiB tmpfs. None (and why) when we may not
    mount one (mounting needs root, or CAP_SYS_ADMIN in a container)."""
    place.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", str(place)],
        capture_output=True,
        text=True,
    )
    return None if mounted.returncode == 0 else (mounted.stderr.strip() or "mount failed")


def backup_faults(env: dict[str, str], server: Server, cluster: Cluster) -> dict[str, Any]:
    results: dict[str, Any] = {}
    full = FAULT_VAR / "full"
    refused = mount_full_disk(full)
    if refused:
        results["full_disk"] = {"skipped": f"could not mount a small tmpfs: {refused}"}
    try:
        if refused:
            raise _Skip
        probes: list[int] = []
        stop = threading.Event()

        def probe() -> None:
            while not stop.is_set():
                probes.append(server.get("/api/v1/meetings?near=10001")[0])
                time.sleep(0.1)

        prober = threading.Thread(target=probe)
        prober.start()
        time.sleep(1)
        backup = subprocess.run(
            [str(HOMEGROUP), "backup", "--output", str(full / "homegroup.hgb")],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        time.sleep(1)
        stop.set()
        prober.join()
        message = (backup.stderr.strip().splitlines() or [""])[-1].replace(f"{ROOT}/", "")
        results["full_disk"] = {
            "how": "a 128 KiB tmpfs mounted for the run",
            "exit": backup.returncode,
            "message": message,
            "left_behind": sorted(p.name for p in full.iterdir()),
            "probes": len(probes),
            "probes_ok": sum(1 for status in probes if status == 200),
        }
    except _Skip:
        pass
    finally:
        if not refused:
            subprocess.run(["umount", str(full)], capture_output=True)
    good = FAULT_VAR / "good.hgb"
    made = subprocess.run(
        [str(HOMEGROUP), "backup", "--output", str(good)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        raise SystemExit(f"the good backup failed: {made.stderr.strip()[-500:]}")
    data = bytearray(good.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 16] = bytes(b ^ 0xFF for b in data[middle : middle + 16])
    corrupt = FAULT_VAR / "corrupt.hgb"
    corrupt.write_bytes(bytes(data))
    with admin(cluster) as connection:
        connection.execute("DROP DATABASE IF EXISTS homegroup_restore WITH (FORCE)")
        connection.execute("CREATE DATABASE homegroup_restore OWNER homegroup")
    into = cluster.url("homegroup", "homegroup_restore")
    restore = subprocess.run(
        [str(HOMEGROUP), "restore", "--input", str(corrupt), "--into", into],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    with admin(cluster) as connection:
        tables = connection.execute(
            "SELECT count(*) FROM pg_database WHERE datname = 'homegroup_restore'"
        ).fetchone()
    results["corrupt"] = {
        "size": len(data),
        "exit": restore.returncode,
        "message": (restore.stderr.strip().splitlines() or [""])[-1],
        "database_left": bool(tables and tables[0]),
    }
    return results


# --- Report ------------------------------------------------------------------------------------


def render(results: dict[str, Any]) -> str:
    lines = [
        "## Faults under load (`make fault`)",
        "",
        f"Written by `make fault` (`bench/fault.py`) on {results['date']}; {results['machine']}. "
        f"Load average at the start / end: {results['load_before']} · {results['load_after']} "
        "(a shared machine: the request counts are small because other work ran too; what is "
        "checked here is what each answer was, not how many).",
        "",
        f"A throwaway PostgreSQL {results['postgres']} cluster (max_connections "
        f"{MAX_CONNECTIONS}, {RESERVED} reserved for superusers; the app connects as an ordinary "
        f"role), `make serve` against it, wrk sending check-in PUTs on {CONNECTIONS} connections, "
        "each a unique person-day with a marker in its note. The fault starts "
        f"{results['at']} s into each run, which goes on {results['after']} s after the fault "
        "ends (however long it took).",
        "",
        "| Fault | Answers | 503 + Retry-After | 500s | Socket errors | Back to 200s | |",
        "|---|---|---|---|---|---|---|",
    ]
    for fault in results["faults"]:
        statuses = ", ".join(f"{s}: {c:,}" for s, c in sorted(fault["statuses"].items()))
        # wrk counts every non-2xx answer as a "status" error: those are the 503s above.
        sockets = sum(n for kind, n in fault["socket_errors"].items() if kind != "status")
        ok = (
            fault["five_hundreds"] == 0
            and fault["no_retry_after"] == 0
            and not set(fault["other"]) - {"503"}
            and fault["recovered"]
        )
        lines.append(
            f"| {fault['title']} (took {fault['fault_seconds']} s) | {statuses} | "
            f"{fault['statuses'].get('503', 0):,} (without Retry-After: {fault['no_retry_after']})"
            f" | {fault['five_hundreds']} | {sockets} | "
            + (
                f"{fault['recovered_after']:.0f} s after the fault ended"
                if fault["recovered"]
                else "**no**"
            )
            + f" | {'**ok**' if ok else '**failed**'} |"
        )
    check = results["verify"]
    lines += [
        "",
        f"After the three runs: **{check['acknowledged']:,} acknowledged check-ins, {check['lost']}"
        f" lost, {check['different']} different from what was acknowledged, "
        f"{check['half_written']} half-written** (every request carries exactly one meeting; a "
        "check-in row without exactly one meeting row would be half-written); "
        f"{check['stored_not_acknowledged']} stored but never acknowledged: wrk stops without "
        f"reading the answers in flight ({CONNECTIONS} connections × {len(results['faults'])} "
        "runs), and an answer can be lost to a fault after its commit (the client repeats its "
        "idempotent PUT). Audit chain: "
        f"{'; '.join(check['audit'])}",
        "",
    ]
    backups = results.get("backups")
    if backups:
        full, corrupt = backups["full_disk"], backups["corrupt"]
        if "skipped" in full:
            full_row = f"| `homegroup backup` onto a full file system | {full['skipped']} | SKIP |"
        else:
            full_ok = full["exit"] != 0 and full["probes_ok"] == full["probes"]
            full_row = (
                f"| `homegroup backup` onto a full file system ({full['how']}) | exit "
                f"{full['exit']}: `{full['message']}`; left behind: "
                f"{full['left_behind'] or 'nothing'}; the app answered {full['probes_ok']} of "
                f"{full['probes']} searches meanwhile | {'**ok**' if full_ok else '**failed**'} |"
            )
        lines += [
            "| Backup fault | Result | |",
            "|---|---|---|",
            full_row,
            f"| `homegroup restore` of a backup with 16 bytes flipped in the middle "
            f"({corrupt['size']:,} bytes) | exit {corrupt['exit']}: `{corrupt['message']}` | "
            f"{'**ok**' if corrupt['exit'] != 0 else '**failed**'} |",
            "",
        ]
    return "\n".join(lines)


def failures(results: dict[str, Any]) -> list[str]:
    found = []
    for fault in results["faults"]:
        if fault["five_hundreds"] or fault["no_retry_after"] or set(fault["other"]) - {"503"}:
            found.append(f"{fault['name']}: answers other than 200 and 503 + Retry-After")
        if not fault["recovered"]:
            found.append(f"{fault['name']}: did not recover by itself")
    check = results["verify"]
    if check["lost"] or check["different"] or check["half_written"]:
        found.append("acknowledged check-ins lost, different or half-written")
    if not check["audit_ok"]:
        found.append("the audit chain does not verify")
    backups = results.get("backups", {})
    full = backups.get("full_disk", {"skipped": True})
    if "skipped" not in full and full["exit"] == 0:
        found.append("a backup onto a full disk did not fail")
    if "skipped" not in full and full["probes_ok"] != full["probes"]:
        found.append("the app stopped answering during the failed backup")
    if backups and backups["corrupt"]["exit"] == 0:
        found.append("a corrupt backup was restored")
    return found


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: `make wrk` installs Debian's")
    port = int(os.environ.get("FAULT_PG_PORT", "5499"))
    at = env_seconds("FAULT_AT", 10)
    down = env_seconds("FAULT_DOWN", 8)
    after = env_seconds("FAULT_AFTER", 10)
    shutil.rmtree(FAULT_VAR, ignore_errors=True)
    FAULT_VAR.mkdir(parents=True)
    cluster = Cluster(port)
    server: Server | None = None
    results: dict[str, Any] = {"date": now(), "machine": machine(), "at": at, "after": after}
    try:
        log(f"throwaway PostgreSQL cluster on port {port} in {cluster.root}")
        cluster.init()
        cluster.start()
        url = create_app_database(cluster)
        with admin(cluster) as connection:
            results["postgres"] = connection.execute("SHOW server_version").fetchone()[0]
        env = server_environment(url, port=int(os.environ.get("LOAD_PORT", "8401")), var=FAULT_VAR)
        people = prepare(env, people=100, meetings=500, var=FAULT_VAR)
        server = Server(env, FAULT_VAR / "server.log")
        server.start()
        results["load_before"] = load_average()
        results["faults"] = []
        start = 0
        for name in FAULTS:
            fault = run_fault(
                name, cluster, server, people, at=at, down=down, after=after, start=start
            )
            results["faults"].append(fault)
            log(f"  {fault['statuses']}, recovered: {fault['recovered']}")
            start += fault["requests"] + 1000
        results["backups"] = backup_faults(env, server, cluster)
        results["load_after"] = load_average()
        server.stop()
        log("verifying every acknowledged check-in")
        results["verify"] = verify(env, str(FAULT_VAR / "acked-*.*"), FAULT_VAR / "verify.json")
    finally:
        if server is not None:
            server.stop()
        cluster.remove()
        log("throwaway cluster stopped and removed")
    (FAULT_VAR / "results.json").write_text(json.dumps(results, indent=1))
    text = render(results)
    if os.environ.get("LOAD_WRITE_DOCS", "1") != "0":
        replace_section(ROOT / "docs" / "operations.md", "fault", text)
    print(text)
    problems = failures(results)
    if problems:
        raise SystemExit("make fault found: " + "; ".join(problems))


if __name__ == "__main__":
    main()

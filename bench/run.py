"""`make bench`: measure the performance budgets of DESIGN.md and write docs/benchmarks.md.

For SQLite and then PostgreSQL, three legs, each a fresh database in its own process
(bench/backend.py) with production-like settings (DEBUG=0, throwaway keys):

- 1,000 meetings: the query count of each page;
- 10,000 meetings: the query count of each page; the Meeting Guide feed, built and served;
- 100,000 meetings: the query count of each page; search latency; what a visitor pays with
  TSML UI's whole-feed-then-filter approach against one search answer; import rates.

Then, on fresh databases, the journal's leg (bench/journal.py) and the clinician's caseload
(bench/caseload.py: 200 people with a year of daily check-ins each).

Every directory is `homegroup generate-directory`'s synthetic one (same seed: the 1,000 and
10,000 meetings are the first ones of the 100,000). Then the peer, wagtail-meeting-guide, serves
the same 10,000 meetings from its own virtual environment (var/bench/peer-venv, created here on
the first run) — or the report says SKIP and why.

    .venv/bin/python bench/run.py [--quick] [--meetings N] [--no-postgres] [--no-peer]

PostgreSQL: BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/homegroup_bench);
the bench creates and drops its own databases (that name, and the name + "_peer").
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VAR = ROOT / "var" / "bench"
PEER_VENV = VAR / "peer-venv"
PEER_REQUIREMENTS = [
    "wagtail-meeting-guide==1.5.0",
    "wagtail>=4.1,<5",  # 1.5.0 imports wagtail.core, gone in Wagtail 5
    "django<4.3",
    "wagtailgeowidget>6,<8",
    "django-mptt<0.17",
    "psycopg2-binary<2.10",  # Django 4.1 has no psycopg 3 support
]
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/homegroup_bench"
LEG_TIMEOUT = 1200

sys.path.insert(0, str(BENCH))
import report  # noqa: E402


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", flush=True)


def bench_environment(database_url: str) -> dict[str, str]:
    """Production-like settings with throwaway keys; the bench's own var directory."""

    def key() -> str:
        return base64.b64encode(secrets.token_bytes(32)).decode()

    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "HOMEGROUP_AUDIT_KEY": secrets.token_urlsafe(32),
        "HOMEGROUP_FIELD_KEYS": f"bench:{key()}",
        "HOMEGROUP_BACKUP_KEY": key(),
        "HOMEGROUP_ALLOW_SQLITE": "1",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "testserver,localhost",
        "HOMEGROUP_VAR_DIR": str(VAR / "site"),
        "LOG_LEVEL": "WARNING",
        # The index is made where the bench says (search_bench.build), never in a thread
        # running beside a measurement.
        "HOMEGROUP_SEARCH_INDEX": "inline",
        "PYTHONWARNINGS": "ignore",
    }


# --- PostgreSQL --------------------------------------------------------------------------------


def _admin_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres"))


def postgres_ready(url: str) -> str | None:
    """None when PostgreSQL answers (starting the local cluster if it is down), else why not."""
    import psycopg

    try:
        psycopg.connect(_admin_url(url), connect_timeout=5).close()
        return None
    except psycopg.Error:
        pass
    versions = sorted(Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").exists() else []
    if versions and shutil.which("pg_ctlcluster"):
        log("PostgreSQL is down: starting the local cluster")
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1].name, "main", "start"],
            check=False,
            capture_output=True,
        )
        time.sleep(2)
    try:
        psycopg.connect(_admin_url(url), connect_timeout=5).close()
        return None
    except psycopg.Error as error:
        return f"PostgreSQL does not answer at {urlsplit(url).hostname}: {error}".strip()


def recreate_database(url: str, *, drop_only: bool = False) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(_admin_url(url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{name}"')


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


# --- Legs --------------------------------------------------------------------------------------


def run_leg(
    *, engine: str, url: str, meetings: int, measure: str, seed: int, quick: bool,
    export_feed: Path | None = None,
) -> dict[str, Any]:  # fmt: skip
    out = VAR / f"{engine}-{meetings}.json"
    out.unlink(missing_ok=True)
    command = [
        sys.executable, str(BENCH / "backend.py"), "--meetings", str(meetings),
        "--seed", str(seed), "--measure", measure, "--out", str(out),
    ]  # fmt: skip
    if quick:
        command.append("--quick")
    if export_feed is not None:
        command += ["--export-feed", str(export_feed)]
    log(f"{engine}: {meetings:,} meetings: {measure}")
    started = time.perf_counter()
    completed = subprocess.run(
        command, env=bench_environment(url), cwd=ROOT, timeout=LEG_TIMEOUT, check=False
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{engine} leg with {meetings} meetings failed")
    result: dict[str, Any] = json.loads(out.read_text())
    result["leg_seconds"] = time.perf_counter() - started
    return result


def run_journal_leg(
    *, engine: str, url: str, quick: bool, script: str = "journal"
) -> dict[str, Any]:
    """bench/journal.py on a fresh database: check-in save and progress with 3 years of data
    (or, with script="caseload", bench/caseload.py: the caseload of 200 people)."""
    if engine == "postgresql":
        recreate_database(url)
    else:
        _remove_sqlite(url)
    out = VAR / f"{script}-{engine}.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, str(BENCH / f"{script}.py"), "--out", str(out)]
    if quick:
        command.append("--quick")
    log(f"{engine}: {script}")
    try:
        subprocess.run(
            command, env=bench_environment(url), cwd=ROOT, timeout=LEG_TIMEOUT, check=True
        )
        result: dict[str, Any] = json.loads(out.read_text())
    finally:
        if engine == "postgresql":
            recreate_database(url, drop_only=True)
        else:
            _remove_sqlite(url)
    return result


def run_outcomes_leg(*, engine: str, url: str, people: int, days: int) -> dict[str, Any]:
    """bench/outcomes.py on a fresh database: generate the cohort, then measure in a new process."""
    if engine == "postgresql":
        recreate_database(url)
    else:
        _remove_sqlite(url)
    found: dict[str, Any] = {}
    try:
        for phase in ("generate", "measure"):
            out = VAR / f"outcomes-{engine}-{phase}.json"
            out.unlink(missing_ok=True)
            log(f"{engine}: outcome report, {people:,} people x {days} days: {phase}")
            command = [sys.executable, str(BENCH / "outcomes.py"), "--phase", phase,
                       "--people", str(people), "--days", str(days), "--out", str(out)]  # fmt: skip
            subprocess.run(
                command, env=bench_environment(url), cwd=ROOT, timeout=3 * LEG_TIMEOUT, check=True
            )
            found[phase] = json.loads(out.read_text())
    finally:
        if engine == "postgresql":
            recreate_database(url, drop_only=True)
        else:
            _remove_sqlite(url)
    return found


def run_engine(
    engine: str, url: str, *, sizes: list[tuple[int, str]], seed: int, quick: bool
) -> dict[str, Any]:
    legs: dict[str, Any] = {}
    for meetings, measure in sizes:
        if engine == "postgresql":
            recreate_database(url)
        else:
            _remove_sqlite(url)
        try:
            legs[str(meetings)] = run_leg(
                engine=engine, url=url, meetings=meetings, measure=measure, seed=seed,
                quick=quick, export_feed=VAR / f"feed-{meetings}.json" if "feed" in measure
                else None,
            )  # fmt: skip
        finally:
            if engine == "postgresql":
                recreate_database(url, drop_only=True)
            else:
                _remove_sqlite(url)
    return legs


def _remove_sqlite(url: str) -> None:
    """The database file and its WAL companions."""
    path = Path(urlsplit(url).path)
    for found in path.parent.glob(path.name + "*"):
        found.unlink()


# --- The peer ----------------------------------------------------------------------------------


def peer_python() -> tuple[Path | None, str]:
    """The peer's interpreter, installing it on the first run; (None, why) when impossible."""
    python = PEER_VENV / "bin" / "python"
    stamp = PEER_VENV / ".installed"
    wanted = "\n".join(PEER_REQUIREMENTS)
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python, ""
    log("creating the peer's virtual environment under var/bench/ (first run only)")
    try:
        subprocess.run(
            [sys.executable, "-m", "venv", "--clear", str(PEER_VENV)],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", *PEER_REQUIREMENTS],
            check=True,
            capture_output=True,
            timeout=900,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        output = getattr(error, "stderr", b"") or b""
        last = output.decode(errors="replace").strip().splitlines()[-1:] or [str(error)]
        return None, f"could not install {', '.join(PEER_REQUIREMENTS)}: {last[0]}"
    stamp.write_text(wanted)
    return python, ""


def run_peer(
    python: Path, *, engine: str, url: str, feed: Path, sizes: str, runs: int
) -> dict[str, Any]:
    out = VAR / f"peer-{engine}.json"
    out.unlink(missing_ok=True)
    if engine == "postgresql":
        recreate_database(url)
    else:
        _remove_sqlite(url)
    log(f"peer wagtail-meeting-guide on {engine}: {sizes} meetings")
    try:
        command = [
            str(python), str(BENCH / "peers" / "wagtail_meeting_guide.py"),
            "--feed", str(feed), "--database", url, "--sizes", sizes,
            "--runs", str(runs), "--out", str(out),
        ]  # fmt: skip
        completed = subprocess.run(
            command,
            cwd=ROOT,
            timeout=LEG_TIMEOUT,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
    finally:
        if engine == "postgresql":
            recreate_database(url, drop_only=True)
        else:
            _remove_sqlite(url)
    if completed.returncode != 0:
        last = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        return {"skip": f"the peer failed on {engine}: {last}"}
    return dict(json.loads(out.read_text()))


# --- Machine -----------------------------------------------------------------------------------


def write_report(path: Path, text: str) -> None:
    """Write the bench's report, keeping the sections other runs own (`make load`'s)."""
    old = path.read_text() if path.exists() else ""
    blocks = re.findall(r"(<!-- (\w+):begin -->.*?<!-- \2:end -->)", old, flags=re.DOTALL)
    path.write_text(text.rstrip() + "".join(f"\n\n{block}" for block, _name in blocks) + "\n")


def machine() -> dict[str, Any]:
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total_kb = int(meminfo.read_text().split()[1])
        memory = f"{total_kb / 1024 / 1024:.1f} GiB"
    return {
        "cpu": cpu or platform.processor(),
        "cores": os.cpu_count(),
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "load": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def run_outcomes_only(options: argparse.Namespace) -> None:
    """The outcome report's legs alone; its section of the written report is replaced."""
    engines = {"sqlite": f"sqlite:///{VAR / 'bench-sqlite.sqlite3'}"}
    postgres = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
    skips = []
    if options.no_sqlite:
        engines.clear()
        skips.append("SQLite: not asked for (--no-sqlite).")
    if options.no_postgres:
        skips.append("PostgreSQL: not asked for (--no-postgres).")
    elif why := postgres_ready(postgres):
        skips.append(f"PostgreSQL: {why}")
    else:
        engines["postgresql"] = postgres
    results = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "outcomes": {
            engine: run_outcomes_leg(
                engine=engine, url=url, people=options.outcome_people, days=365
            )
            for engine, url in engines.items()
        },
        "skips": skips,
    }
    results["load_after"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    (VAR / f"outcomes-results-{'-'.join(engines) or 'none'}.json").write_text(
        json.dumps(results, indent=1)
    )
    text = options.out.read_text() if options.out.exists() else "# Benchmarks\n"
    write_report(options.out, report.replace_outcomes_section(text, results))
    log(f"wrote the outcome report's section of {options.out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meetings", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="few repetitions: a smoke run")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true", help="with --outcomes-only")
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument(
        "--outcome-people", type=int, default=10_000, help="the outcome report's cohort size"
    )
    parser.add_argument(
        "--outcomes-only",
        action="store_true",
        help="run only the outcome report's legs and replace that section of the report",
    )
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="write the report again from the last run's var/bench/results.json",
    )
    options = parser.parse_args()
    if options.render_only:
        write_report(options.out, report.render(json.loads((VAR / "results.json").read_text())))
        log(f"wrote {options.out}")
        return
    VAR.mkdir(parents=True, exist_ok=True)
    if options.outcomes_only:
        run_outcomes_only(options)
        return
    started = time.perf_counter()
    results: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "options": {"meetings": options.meetings, "seed": options.seed, "quick": options.quick},
        "engines": {},
        "skips": [],
    }
    import feed_profile

    results["profile"] = feed_profile.comparison(seed=options.seed)
    medium = min(10_000, options.meetings)
    small = min(1_000, medium)
    sizes = [
        (small, "pages"),
        (medium, "pages,feed"),
        (options.meetings, "pages,search,visitor,imports"),
    ]
    engines = {"sqlite": f"sqlite:///{VAR / 'bench-sqlite.sqlite3'}"}
    postgres = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
    if options.no_postgres:
        results["skips"].append("PostgreSQL: not asked for (--no-postgres).")
    elif why := postgres_ready(postgres):
        results["skips"].append(f"PostgreSQL: {why}")
    else:
        engines["postgresql"] = postgres
    for engine, url in engines.items():
        results["engines"][engine] = run_engine(
            engine, url, sizes=sizes, seed=options.seed, quick=options.quick
        )
    results["journal"] = {
        engine: run_journal_leg(engine=engine, url=url, quick=options.quick)
        for engine, url in engines.items()
    }
    results["outcomes"] = {
        engine: run_outcomes_leg(engine=engine, url=url, people=options.outcome_people, days=365)
        for engine, url in engines.items()
    }
    results["caseload"] = {
        engine: run_journal_leg(engine=engine, url=url, quick=options.quick, script="caseload")
        for engine, url in engines.items()
    }
    results["peer"] = {}
    if options.no_peer:
        results["skips"].append("wagtail-meeting-guide: not asked for (--no-peer).")
    else:
        python, why = peer_python()
        if python is None:
            results["skips"].append(f"wagtail-meeting-guide: {why}")
        else:
            feed = VAR / f"feed-{medium}.json"
            peer_sizes = f"{small},{medium}"
            for engine in engines:
                url = (
                    f"sqlite:///{VAR / 'peer.sqlite3'}"
                    if engine == "sqlite"
                    else with_database(postgres, urlsplit(postgres).path.lstrip("/") + "_peer")
                )
                found = run_peer(
                    python, engine=engine, url=url, feed=feed, sizes=peer_sizes,
                    runs=1 if options.quick else 3,
                )  # fmt: skip
                if "skip" in found:
                    results["skips"].append(f"wagtail-meeting-guide: {found['skip']}")
                else:
                    results["peer"][engine] = found
    results["machine"]["load_after"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    results["total_seconds"] = time.perf_counter() - started
    (VAR / "results.json").write_text(json.dumps(results, indent=1))
    write_report(options.out, report.render(results))
    log(f"wrote {options.out} in {results['total_seconds'] / 60:.1f} minutes")
    for line in report.summary(results):
        print(line)


if __name__ == "__main__":
    main()

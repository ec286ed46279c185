"""`make load`: check-ins under load on the production server, then a mixed run.

1. A fresh PostgreSQL database (LOAD_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/homegroup_load — dropped and created here), migrated, a
   synthetic directory of 2,000 meetings, LOAD_PEOPLE people in recovery (default 200) signed in.
2. `make serve` (gunicorn, DEBUG=0, throwaway keys) on 127.0.0.1:LOAD_PORT (default 8400).
3. After a 5 s warm-up, check-in PUTs alone for LOAD_SECONDS (default 60) with wrk
   (LOAD_CONNECTIONS, default 16; closed loop): every request a unique person-and-day with a
   unique marker in its note. Then every acknowledged check-in is looked up in the database
   with the body acknowledged, no check-in may be half-written, and `homegroup audit-verify`
   must pass.
4. A mixed run (LOAD_MIXED_SECONDS, default 30): public searches, meeting pages, Meeting Guide
   feed downloads (conditional when the feed sends an ETag), journal pages and check-ins, each
   kind its own wrk at once; each kind's throughput and p50/p95/p99, without a target.

CPU time per request is the server's (gunicorn master + workers) and PostgreSQL's backends for
the load database, read from /proc: on a shared machine it is the quieter number. Results go into
docs/benchmarks.md between the "load" markers and var/load/results.json.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import homegroup.gunicorn_conf as conf  # the server's settings, read from the same environment
from serving import (
    BENCH,
    CHECKINS_LUA,
    PYTHON,
    ROOT,
    VAR,
    Server,
    backend_pids,
    cpu_seconds,
    env_seconds,
    load_average,
    log,
    machine,
    now,
    parse_wrk,
    prepare,
    recreate_database,
    replace_section,
    server_environment,
    verify,
    wrk_command,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/homegroup_load"
PAGES_LUA = BENCH / "load" / "pages.lua"
TARGET_RATE = 500
TARGET_P99_MS = 100
SEARCHES = ["10001", "60601", "87101", "98101", "30301", "02108"]
FEED = "/api/v1/feeds/meeting-guide.json"


def checkin_run(
    server: Server, url: str, people: Path, *, seconds: int, start: int, name: str
) -> dict[str, Any]:
    threads = int(os.environ.get("LOAD_THREADS", "2"))
    connections = int(os.environ.get("LOAD_CONNECTIONS", "16"))
    acked = VAR / f"acked-{name}"
    for old in VAR.glob(f"acked-{name}.*"):
        old.unlink()
    command = wrk_command(
        server.base,
        script=CHECKINS_LUA,
        seconds=seconds,
        threads=threads,
        connections=connections,
        args=[str(people), str(acked), str(threads), str(start)],
    )
    app_pids, db_pids = server.pids(), backend_pids(url)
    app_before, db_before = cpu_seconds(app_pids), cpu_seconds(db_pids)
    load_before = load_average()
    log(f"check-in PUTs: {seconds} s, {connections} connections, {threads} wrk threads")
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = parse_wrk(output)
    requests = max(result["requests"], 1)
    result.update(
        seconds=seconds,
        connections=connections,
        threads=threads,
        acked_glob=f"{acked}.*",
        app_cpu_ms_per_request=(cpu_seconds(app_pids) - app_before) * 1000 / requests,
        db_cpu_ms_per_request=(cpu_seconds(db_pids) - db_before) * 1000 / requests,
        load_before=load_before,
        load_after=load_average(),
        rate=result["requests"] / (result["duration_us"] / 1e6),
    )
    return result


def mixed_files(server: Server, people: Path) -> dict[str, Path]:
    """One request file per kind of the mixed run (bench/load/pages.lua reads them)."""
    lines = people.read_text().splitlines()
    header = dict(part.split("=", 1) for part in lines[0].lstrip("#").split("\t"))
    cookies = [
        f"Cookie: {header['session_cookie']}={session}"
        for _id, session, _csrf in (line.split("\t") for line in lines[1:])
    ]
    status, body, _ = server.get("/api/v1/meetings?near=10001&radius_km=50")
    slugs = [item["slug"] for item in json.loads(body)["results"]] if status == 200 else []
    status, _, headers = server.get(FEED)
    if not slugs or status != 200:
        raise SystemExit(f"the mixed run needs meetings and the feed (got {status})")
    # A conditional download when the feed says how (an ETag); the whole feed otherwise.
    etag = headers.get("ETag")
    feed = (
        {"feed, conditional (304)": [f"{FEED}\tIf-None-Match: {etag}"]}
        if etag
        else {"feed, whole (no ETag to ask with)": [FEED]}
    )
    kinds = {
        "search page": [f"/meetings/?near={zip_code}" for zip_code in SEARCHES],
        "search API": [f"/api/v1/meetings?near={zip_code}" for zip_code in SEARCHES],
        "meeting page": [f"/meetings/{slug}/" for slug in slugs],
        **feed,
        "journal page": [f"/journal/\t{cookie}" for cookie in cookies]
        + [f"/journal/progress/\t{cookie}" for cookie in cookies],
    }
    files = {}
    for number, (kind, requests) in enumerate(kinds.items()):
        path = VAR / f"mixed-{number}.tsv"
        path.write_text("\n".join(requests) + "\n")
        files[kind] = path
    return files


def mixed_run(
    server: Server, url: str, people: Path, *, seconds: int, start: int
) -> dict[str, Any]:
    files = mixed_files(server, people)
    log(f"mixed run: {seconds} s, {len(files) + 1} kinds at once")
    running = {
        kind: subprocess.Popen(
            wrk_command(
                server.base,
                script=PAGES_LUA,
                seconds=seconds,
                threads=1,
                connections=2,
                args=[str(path)],
            ),
            stdout=subprocess.PIPE,
            text=True,
        )
        for kind, path in files.items()
    }
    acked = VAR / "acked-mixed"
    for old in VAR.glob("acked-mixed.*"):
        old.unlink()
    running["check-in PUT"] = subprocess.Popen(
        wrk_command(
            server.base,
            script=CHECKINS_LUA,
            seconds=seconds,
            threads=1,
            connections=4,
            args=[str(people), str(acked), "1", str(start)],
        ),
        stdout=subprocess.PIPE,
        text=True,
    )
    results = {}
    for kind, process in running.items():
        output, _ = process.communicate()
        result = parse_wrk(output)
        result["rate"] = result["requests"] / (result["duration_us"] / 1e6)
        results[kind] = result
    return {"seconds": seconds, "kinds": results, "acked_glob": f"{acked}.*"}


def checkin_profile(env: dict[str, str], people: Path, *, start: int) -> dict[str, Any]:
    """bench/checkin_profile.py, and under callgrind when valgrind is installed."""
    quiet = {**env, "ACCESS_LOG_LEVEL": "WARNING"}
    script = [str(PYTHON), str(BENCH / "checkin_profile.py"), "--people", str(people)]
    out = VAR / "profile.json"
    subprocess.run([*script, "--start", str(start), "--out", str(out)], env=quiet, check=True)
    result: dict[str, Any] = json.loads(out.read_text())
    if shutil.which("valgrind") and shutil.which("callgrind_control"):
        count = 40
        trace = VAR / "callgrind.out"
        valgrind = ["valgrind", "--tool=callgrind", "--instr-atstart=no"]
        measured = ["--start", str(start + 1000), "--count", str(count), "--callgrind"]
        subprocess.run(
            [*valgrind, f"--callgrind-out-file={trace}", *script, *measured],
            env=quiet,
            check=True,
            capture_output=True,
        )
        totals = [line for line in trace.read_text().splitlines() if line.startswith("totals:")]
        result["instructions"] = int(totals[0].split()[1]) / count if totals else None
    return result


def ms(microseconds: float) -> str:
    return f"{microseconds / 1000:.1f} ms"


def render(results: dict[str, Any]) -> str:
    run, check = results["checkins"], results["verify"]
    errors = sum(run["errors"].values()) + sum(
        count for status, count in run["statuses"].items() if status != "200"
    )
    p99_ms = run["latency_us"]["p99"] / 1000
    held = (
        run["rate"] >= TARGET_RATE
        and p99_ms <= TARGET_P99_MS
        and errors == 0
        and check["lost"] == 0
        and check["different"] == 0
    )
    lines = [
        "## Check-ins under load (`make load`)",
        "",
        f"Written by `make load` (`bench/load.py`) on {results['date']}; {results['machine']}. "
        f"Load average before / after the check-in run: {run['load_before']} · {run['load_after']}"
        " (the machine is shared: other work running at the same time lowers the throughput and "
        "raises the latencies below; CPU time per request is the steadier number).",
        "",
        f"`make serve` (gunicorn, {results['server']}) on loopback, PostgreSQL "
        f"{results['postgres']} on the same machine, wrk on the same machine (closed loop, "
        f"{run['connections']} connections): every request a check-in `PUT` of a unique person "
        f"and day ({results['people']} people in recovery) with a meeting, an activity, a mood and "
        "a note carrying a unique marker.",
        "",
        "| Budget | Measured | |",
        "|---|---|---|",
        f"| 500 check-ins/s sustained for {run['seconds']} s | {run['rate']:,.0f}/s "
        f"({run['requests']:,} in {run['duration_us'] / 1e6:.0f} s) | "
        f"{'**met**' if run['rate'] >= TARGET_RATE else '**missed**'} |",
        f"| p99 ≤ 100 ms | p50 {ms(run['latency_us']['p50'])}, p95 {ms(run['latency_us']['p95'])},"
        f" p99 {ms(run['latency_us']['p99'])}, max {ms(run['latency_us']['max'])} | "
        f"{'**met**' if p99_ms <= TARGET_P99_MS else '**missed**'} |",
        f"| 0 errors | {errors} (statuses: "
        + ", ".join(f"{status}: {count:,}" for status, count in sorted(run["statuses"].items()))
        + f"; socket errors: {sum(run['errors'].values())}) | "
        f"{'**met**' if errors == 0 else '**missed**'} |",
        f"| 0 acknowledged writes lost | {check['acknowledged']:,} acknowledged, {check['lost']} "
        f"missing, {check['different']} different from what was acknowledged, "
        f"{check['half_written']} half-written; {check['stored']:,} stored | "
        f"{'**met**' if check['lost'] == check['different'] == 0 else '**missed**'} |",
        f"| audit chain verifies | {'; '.join(check['audit'])} | "
        f"{'**met**' if check['audit_ok'] else '**missed**'} |",
        "",
        f"CPU per check-in: server {run['app_cpu_ms_per_request']:.2f} ms, PostgreSQL "
        f"{run['db_cpu_ms_per_request']:.2f} ms (user + system, from /proc). On 2 cores, 500/s "
        "leaves 4 ms of CPU per check-in for everything on the machine, wrk included.",
        "",
        f"Target {'held' if held else 'not held'} in this run.",
        "",
    ]
    profile = results.get("profile")
    if profile:
        statements = ", ".join(profile["statements"])
        lines += [
            "### Where a check-in's CPU goes (in-process, the same database)",
            "",
            f"`bench/checkin_profile.py`: check-in PUTs through the whole handler and middleware "
            f"stack with Django's test client. **{profile['statement_count']} SQL statements** "
            f"per new day ({statements}), plus the connection health check's `SELECT 1`. CPU "
            f"per check-in {profile['cpu_ms_min']:.2f} ms (the quietest batch; median "
            f"{profile['cpu_ms_median']:.2f} ms)"
            + (
                f"; **{profile['instructions'] / 1e6:.1f} million instructions per check-in** "
                "(callgrind: unaffected by other work on the machine)"
                if profile.get("instructions")
                else ""
            )
            + ".",
            "",
            "| Part (cProfile, CPU clock; parts nest) | Share |",
            "|---|---|",
            *(f"| {part} | {share:.0%} |" for part, share in profile["shares"].items()),
            "",
        ]
    mixed = results.get("mixed")
    if mixed:
        lines += [
            f"### Mixed run ({mixed['seconds']} s, every kind at once, no target)",
            "",
            "| Kind | Requests/s | p50 | p95 | p99 | Statuses |",
            "|---|---|---|---|---|---|",
        ]
        for kind, result in mixed["kinds"].items():
            latency = result["latency_us"]
            statuses = ", ".join(f"{s}: {c:,}" for s, c in sorted(result["statuses"].items()))
            lines.append(
                f"| {kind} | {result['rate']:,.0f} | {ms(latency['p50'])} | {ms(latency['p95'])} "
                f"| {ms(latency['p99'])} | {statuses} |"
            )
        lines += [
            "",
            "The check-ins of both runs are verified together (the numbers in the table above).",
            "",
        ]
    return "\n".join(lines)


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: `make wrk` installs Debian's")
    url = os.environ.get("LOAD_DATABASE_URL", DEFAULT_URL)
    seconds = env_seconds("LOAD_SECONDS", 60)
    mixed_seconds = env_seconds("LOAD_MIXED_SECONDS", 30)
    people = int(os.environ.get("LOAD_PEOPLE", "200"))
    port = int(os.environ.get("LOAD_PORT", "8400"))
    VAR.mkdir(parents=True, exist_ok=True)
    env = server_environment(url, port=port, var=VAR)
    log(f"fresh database {url.rsplit('/', 1)[1]}: migrate, 2,000 meetings, {people} people")
    recreate_database(url)
    people_file = prepare(env, people=people, meetings=2000, var=VAR)
    server = Server(env, VAR / "server.log")
    server.start()
    try:
        results: dict[str, Any] = {
            "date": now(),
            "machine": machine(),
            "people": people,
            "server": f"{conf.workers} workers × {conf.threads} threads ({conf.worker_class})",
            "postgres": subprocess.run(
                ["psql", url, "-tAc", "SHOW server_version"], capture_output=True, text=True
            ).stdout.strip(),
        }
        # Each worker's first requests fill its caches (URL patterns, templates, schemas):
        # warm them, so that the measured run is the steady state a long-running server has.
        warm = checkin_run(server, url, people_file, seconds=5, start=0, name="warmup")
        run = checkin_run(
            server, url, people_file, seconds=seconds, start=warm["requests"] + 100, name="checkins"
        )
        results["checkins"] = run
        log(f"{run['rate']:,.0f}/s, p99 {run['latency_us']['p99'] / 1000:.1f} ms")
        if os.environ.get("LOAD_MIXED", "1") != "0":
            time.sleep(2)
            results["mixed"] = mixed_run(
                server,
                url,
                people_file,
                seconds=mixed_seconds,
                start=warm["requests"] + run["requests"] + 10_000,
            )
    finally:
        server.stop()
    log("verifying every acknowledged check-in")
    results["verify"] = verify(env, str(VAR / "acked-*.*"), VAR / "verify.json")
    if os.environ.get("LOAD_PROFILE", "1") != "0":
        log("profiling a check-in in-process")
        sent = (
            warm["requests"]
            + 100
            + run["requests"]
            + sum(kind["requests"] for kind in results.get("mixed", {}).get("kinds", {}).values())
        )
        results["profile"] = checkin_profile(env, people_file, start=sent + 20_000)
    (VAR / "results.json").write_text(json.dumps(results, indent=1))
    text = render(results)
    if os.environ.get("LOAD_WRITE_DOCS", "1") != "0":
        replace_section(ROOT / "docs" / "benchmarks.md", "load", text)
    print(text)
    check = results["verify"]
    if check["lost"] or check["different"] or check["half_written"] or not check["audit_ok"]:
        raise SystemExit("acknowledged check-ins are missing or differ: see var/load/verify.json")


if __name__ == "__main__":
    main()

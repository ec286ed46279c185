"""The public directory reads a real PostgreSQL streaming replica, and falls back to the primary
when the replica lags beyond DATABASE_REPLICA_MAX_LAG_SECONDS or goes down (issue 19).

Both servers are throwaway clusters on loopback ports made here (initdb, then pg_basebackup of it
for the replica) and stopped and deleted at the end, even when a step fails. The witness: with
the replica's replay paused, a meeting imported on the primary is on the primary only, so
whether an answer shows it says which server answered; the queries each server answered on the
directory's tables are counted too. On the same primary, the compose file's jobs (backup,
audit-seal, audit-verify) then run as the application's least-privileged role.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.deploy import clusters, files

pytestmark = pytest.mark.skipif(not clusters.PG_BIN_DIRS, reason=clusters.MISSING)

DRIVER = Path(__file__).with_name("replica_driver.py")
ANCHOR = [
    {
        "name": "Tweed Group",
        "slug": "tweed",
        "day": 2,
        "time": "19:30",
        "location": "St Andrews Church",
        "types": ["C"],
        "address": "55 Victoria St N",
        "city": "Tweed",
        "country": "CA",
        "latitude": 44.4759824,
        "longitude": -77.3114402,
    }
]
WITNESS = [
    {
        **ANCHOR[0],
        "name": "Replica Witness Group",
        "slug": "witness",
        "address": "224 Mill St",
        "city": "Consecon",
    }
]
PATHS = [
    "get:/api/v1/meetings?q=Witness",
    "get:/meetings/?q=Witness",
    "get:/meetings/<witness>/",
    "get:/api/v1/feeds/meeting-guide.json",
]


@pytest.fixture(scope="module")
def pair():
    root = clusters.make_root()
    primary = clusters.Cluster(root, "primary")
    replica = clusters.Cluster(root, "replica")
    try:
        primary.init()
        primary.start()
        # The roles and the database as compose.yaml's PostgreSQL makes them on its first start.
        subprocess.run(
            ["sh", str(files.DEPLOY / "postgres-init" / "10-homegroup-roles.sh")],
            env={
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "PGHOST": "127.0.0.1",
                "PGPORT": str(primary.port),
                "POSTGRES_USER": "postgres",
                "HOMEGROUP_OWNER_DB_PASSWORD": "owner-password",
                "HOMEGROUP_APP_DB_PASSWORD": "app-password",
            },
            check=True,
            capture_output=True,
            timeout=60,
        )
        # Copied before the schema exists: everything after arrives by streaming.
        replica.copy_of(primary)
        replica.start()
        yield primary, replica
    finally:
        clusters.remove(root, replica, primary)
        assert not primary.data.exists()


def environment(primary, replica, tmp_path, **extra):
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DEBUG": "1",
        "ALLOWED_HOSTS": "testserver",
        "HOMEGROUP_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": primary.url("homegroup_app", "homegroup"),
        "DATABASE_OWNER_URL": primary.url("homegroup_owner", "homegroup"),
        "DATABASE_REPLICA_URL": replica.url("homegroup_app", "homegroup"),
        "HOMEGROUP_SEARCH_INDEX": "inline",
        **extra,
    }


def homegroup(env, *args):
    result = subprocess.run(
        [sys.executable, "-m", "homegroup", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def drive(env, *steps):
    result = subprocess.run(
        [sys.executable, str(DRIVER), *steps], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    answers = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return [answer for answer in answers if "status" in answer], result.stderr


def caught_up(primary, replica):
    (position,) = primary.sql("SELECT pg_current_wal_lsn()::text")[0]
    (replayed,) = replica.sql(f"SELECT pg_last_wal_replay_lsn() >= '{position}'::pg_lsn")[0]
    return bool(replayed)


def on_replica_only(answer):
    return answer["reads"].get("replica", 0) > 0 and answer["reads"].get("default", 0) == 0


def on_primary_only(answer):
    return answer["reads"].get("default", 0) > 0 and answer["reads"].get("replica", 0) == 0


def test_the_public_directory_reads_the_replica_and_falls_back_to_the_primary(pair, tmp_path):
    primary, replica = pair
    env = environment(primary, replica, tmp_path)
    homegroup(env, "migrate", "--noinput", "--verbosity", "0")
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "anchor.json").write_text(json.dumps(ANCHOR))
    (feeds / "witness.json").write_text(json.dumps(WITNESS))
    common = ["--fellowship", "AA", "--timezone", "America/Toronto"]
    homegroup(env, "import-feed", "anchor", str(feeds / "anchor.json"), *common)
    clusters.wait_until(lambda: caught_up(primary, replica), what="the replica to catch up")

    # The replica stops replaying; the witness meeting is imported on the primary only.
    replica.sql("SELECT pg_wal_replay_pause()")
    clusters.wait_until(
        lambda: replica.sql("SELECT pg_get_wal_replay_pause_state()")[0][0] == "paused",
        what="the replay to pause",
    )
    homegroup(env, "import-feed", "witness", str(feeds / "witness.json"), *common)
    assert primary.sql(
        "SELECT count(*) FROM directory_meeting WHERE slug = 'witness'", database="homegroup"
    ) == [(1,)]

    # 1. Within the bound: every public read is the replica's, which has no witness yet.
    patient = {"DATABASE_REPLICA_MAX_LAG_SECONDS": "3600", "DATABASE_REPLICA_CHECK_SECONDS": "0"}
    answers, _ = drive(environment(primary, replica, tmp_path, **patient), *PATHS)
    assert [a["witness"] for a in answers] == [False] * len(PATHS), answers
    assert [a["status"] for a in answers] == [200, 200, 404, 200], answers
    assert all(on_replica_only(a) for a in answers), answers
    # ... while the anchor it does have is found there.
    answers, _ = drive(environment(primary, replica, tmp_path, **patient), "get:/meetings/tweed/")
    assert answers[0]["status"] == 200
    assert on_replica_only(answers[0]), answers

    # 2. Beyond the bound (its last replayed commit is older than a second, and it is behind):
    # the primary answers, witness included.
    time.sleep(1.5)
    strict = {"DATABASE_REPLICA_MAX_LAG_SECONDS": "1", "DATABASE_REPLICA_CHECK_SECONDS": "0"}
    answers, log = drive(environment(primary, replica, tmp_path, **strict), *PATHS)
    assert [a["witness"] for a in answers] == [True] * len(PATHS), answers
    assert [a["status"] for a in answers] == [200] * len(PATHS), answers
    assert all(on_primary_only(a) for a in answers), answers
    assert "Directory reads go to the primary: the replica it lags" in log

    # 3. Replaying again and caught up: the replica answers, now with the witness.
    replica.sql("SELECT pg_wal_replay_resume()")
    clusters.wait_until(lambda: caught_up(primary, replica), what="the replica to catch up")
    answers, _ = drive(environment(primary, replica, tmp_path, **strict), *PATHS)
    assert [a["witness"] for a in answers] == [True] * len(PATHS), answers
    assert all(on_replica_only(a) for a in answers), answers

    # 4. The replica goes down between two requests, while the process still trusts its last
    # measurement and holds a connection to it: the read fails there and runs again on the
    # primary; the next goes straight to the primary. Then a fresh measurement finds it down.
    trusting = {
        "DATABASE_REPLICA_MAX_LAG_SECONDS": "3600",
        "DATABASE_REPLICA_CHECK_SECONDS": "3600",
        "REPLICA_STOP_COMMAND": json.dumps(replica.stop_command()),
    }
    first, during, after = PATHS[0], PATHS[1], PATHS[3]
    answers, log = drive(
        environment(primary, replica, tmp_path, **trusting), first, "stop-replica", during, after
    )
    assert not replica.running()
    assert on_replica_only(answers[0]), answers
    assert [a["status"] for a in answers] == [200, 200, 200], answers
    assert [a["witness"] for a in answers] == [True, True, True], answers
    # The failed attempt is counted on the replica (the kept connection's first query failed),
    # then the whole read ran on the primary.
    assert answers[1]["reads"].get("default", 0) > 0, answers
    assert on_primary_only(answers[2]), answers
    assert "Directory reads go to the primary: the replica failed during a read" in log

    answers, log = drive(environment(primary, replica, tmp_path, **patient), *PATHS)
    assert [a["status"] for a in answers] == [200] * len(PATHS), answers
    assert all(a["witness"] and on_primary_only(a) for a in answers), answers
    assert "Directory reads go to the primary: the replica it did not answer" in log

    # 5. The compose file's jobs as the application's role (homegroup_app, which owns no table):
    # the backup's pg_dump reads every table, audit-seal seals, audit-verify walks the chains.
    anchor = tmp_path / "anchor.jsonl"
    jobs_env = environment(primary, replica, tmp_path, HOMEGROUP_AUDIT_ANCHOR=str(anchor))
    del jobs_env["DATABASE_REPLICA_URL"]  # stopped above; the jobs never read it anyway
    backup = tmp_path / "homegroup.hgb"
    homegroup(jobs_env, "backup", "--output", str(backup))
    assert backup.stat().st_size > 0
    homegroup(jobs_env, "audit-seal")
    verified = homegroup(jobs_env, "audit-verify")
    assert "Audit log OK" in verified.stdout

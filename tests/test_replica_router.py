"""homegroup/replica.py without a replica server: the router, and when public_read uses the
replica, falls back or retries on the primary (measurements and connections stand-ins; the real
streaming replica is tests/deploy/test_streaming_replica.py)."""

import logging

import pytest
from django.db import OperationalError, connections
from django.test import override_settings

from homegroup import replica
from homegroup.accounts.models import User
from homegroup.directory.models import Meeting
from homegroup.lib.replication import Verdict


class FakeReplicaConnection:
    def __init__(self):
        self.errors_occurred = False
        self.closed = 0

    def close(self):
        self.closed += 1


class FakeConnections:
    """The primary as it is; a stand-in for the replica's connection."""

    def __init__(self):
        self.replica = FakeReplicaConnection()

    def __getitem__(self, alias):
        return self.replica if alias == replica.REPLICA else connections[alias]


@pytest.fixture
def with_replica(monkeypatch):
    """A configured replica whose measured fitness the test decides."""
    measured = {"verdict": Verdict(True, 0.0, ""), "count": 0}

    def measure():
        measured["count"] += 1
        return measured["verdict"]

    fake = FakeConnections()
    monkeypatch.setattr(replica, "configured", lambda: True)
    monkeypatch.setattr(replica, "measure", measure)
    monkeypatch.setattr(replica, "connections", fake)
    replica.forget()
    yield measured, fake.replica
    replica.forget()


def test_the_router_sends_the_directorys_reads_to_the_replica_only_inside_public_read():
    router = replica.PublicDirectoryRouter()
    assert router.db_for_read(Meeting) is None
    token = replica._reading_from.set(replica.REPLICA)
    try:
        assert router.db_for_read(Meeting) == replica.REPLICA
        # Accounts, sessions and the audit log stay on the primary even there.
        assert router.db_for_read(User) is None
        assert router.db_for_write(Meeting) == "default"
    finally:
        replica._reading_from.reset(token)


def test_the_replica_is_never_migrated():
    router = replica.PublicDirectoryRouter()
    assert router.allow_migrate(replica.REPLICA, "directory") is False
    assert router.allow_migrate("default", "directory") is None


def test_without_a_replica_every_read_is_the_primarys():
    assert not replica.configured()
    assert replica.state() is None
    assert replica.public_read(replica.reading_from) == "default"


def test_a_fit_replica_answers_the_public_read(with_replica):
    assert replica.public_read(replica.reading_from) == replica.REPLICA
    # The alias is the replica's only during the read.
    assert replica.reading_from() == "default"


def test_a_lagging_or_silent_replica_leaves_the_read_to_the_primary(with_replica, caplog):
    measured, _ = with_replica
    measured["verdict"] = Verdict(False, 42.0, "it lags 42.0 s (bound 10 s)")
    with caplog.at_level(logging.WARNING, logger="homegroup.replica"):
        assert replica.public_read(replica.reading_from) == "default"
    assert "Directory reads go to the primary: the replica it lags 42.0 s" in caplog.text


@override_settings(DATABASE_REPLICA_CHECK_SECONDS=3600)
def test_a_process_measures_once_per_check_interval(with_replica):
    measured, _ = with_replica
    for _ in range(3):
        replica.public_read(replica.reading_from)
    assert measured["count"] == 1


@override_settings(DATABASE_REPLICA_CHECK_SECONDS=0)
def test_with_no_interval_every_read_measures_again(with_replica):
    measured, _ = with_replica
    for _ in range(3):
        replica.public_read(replica.reading_from)
    assert measured["count"] == 3


@override_settings(DATABASE_REPLICA_CHECK_SECONDS=3600)
def test_a_replica_failing_during_a_read_is_marked_unfit_and_the_read_runs_on_the_primary(
    with_replica,
):
    _, connection = with_replica
    tried = []

    def read():
        tried.append(replica.reading_from())
        if replica.reading_from() == replica.REPLICA:
            connection.errors_occurred = True  # what Django's error wrapper does
            raise OperationalError("server closed the connection unexpectedly")
        return "answer"

    assert replica.public_read(read) == "answer"
    assert tried == [replica.REPLICA, "default"]
    assert connection.closed == 1
    # Unfit until the next measurement: the next read goes straight to the primary.
    assert not replica.state().usable
    assert replica.public_read(replica.reading_from) == "default"


def test_the_primarys_error_inside_a_public_read_is_not_blamed_on_the_replica(with_replica):
    def read():
        raise OperationalError("the primary went away")

    with pytest.raises(OperationalError, match="the primary went away"):
        replica.public_read(read)
    assert replica.state().usable


def test_a_public_read_inside_another_does_not_measure_again(with_replica):
    measured, _ = with_replica
    assert replica.public_read(lambda: replica.public_read(replica.reading_from)) == "replica"
    assert measured["count"] == 1


def test_a_replica_url_needs_postgresql(monkeypatch):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import homegroup.settings"],
        env={
            "PATH": "/usr/bin:/bin",
            "DATABASE_URL": "sqlite:///var/x.sqlite3",
            "DATABASE_REPLICA_URL": "postgres://app@replica:5432/homegroup",
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL needs PostgreSQL" in result.stderr


@pytest.mark.django_db
def test_readyz_says_whether_the_replica_is_used_without_failing_for_it(client, with_replica):
    measured, _ = with_replica
    measured["verdict"] = Verdict(False, 42.0, 'it did not answer: server at "10.0.0.5" refused')
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.json()["replica"] == "not used"
    assert answer.json()["replica_lag_seconds"] == 42.0
    assert "10.0.0.5" not in answer.content.decode()
    measured["verdict"] = Verdict(True, 0.0, "")
    assert client.get("/readyz").json()["replica"] == "ok"

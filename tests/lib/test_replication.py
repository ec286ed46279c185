"""lib/replication.py: how far a streaming replica is behind, from what the two servers say."""

from datetime import UTC, datetime, timedelta

import pytest

from homegroup.lib.replication import ReplicaReading, judge, parse_lsn

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


def reading(**changes):
    values = {
        "primary_lsn": "0/3000148",
        "primary_now": NOW,
        "in_recovery": True,
        "replay_lsn": "0/3000148",
        "replay_timestamp": NOW - timedelta(hours=1),
    }
    return ReplicaReading(**{**values, **changes})


def test_a_wal_position_is_its_two_hex_halves():
    assert parse_lsn("0/0") == 0
    assert parse_lsn("16/B374D848") == (0x16 << 32) | 0xB374D848
    # Comparing the halves as text would get this wrong: 0/FFFFFFFF comes before 1/0.
    assert parse_lsn("0/FFFFFFFF") < parse_lsn("1/0")


@pytest.mark.parametrize("text", ["", "0", "/1", "1/", "G/1", "1/2/3"])
def test_a_malformed_wal_position_is_refused(text):
    with pytest.raises(ValueError):
        parse_lsn(text)


def test_a_replica_that_replayed_the_primarys_position_lags_by_nothing_however_old_its_commit():
    verdict = judge(reading(), max_lag_seconds=1)
    assert verdict.usable
    assert verdict.lag_seconds == 0.0


def test_a_replica_ahead_of_the_position_read_earlier_lags_by_nothing():
    assert judge(reading(replay_lsn="0/3000200"), max_lag_seconds=0).usable


def test_a_replica_behind_lags_by_the_age_of_its_last_replayed_commit():
    verdict = judge(
        reading(replay_lsn="0/3000100", replay_timestamp=NOW - timedelta(seconds=4)),
        max_lag_seconds=10,
    )
    assert verdict.usable
    assert verdict.lag_seconds == 4.0


def test_a_replica_behind_by_more_than_the_bound_is_not_used_and_says_by_how_much():
    verdict = judge(
        reading(replay_lsn="0/3000100", replay_timestamp=NOW - timedelta(seconds=42)),
        max_lag_seconds=10,
    )
    assert not verdict.usable
    assert verdict.lag_seconds == 42.0
    assert verdict.reason == "it lags 42.0 s (bound 10 s)"


def test_a_server_that_is_not_a_standby_is_not_used():
    verdict = judge(reading(in_recovery=False), max_lag_seconds=10)
    assert not verdict.usable
    assert "not a standby" in verdict.reason


def test_a_replica_behind_that_never_replayed_a_transaction_is_not_used():
    verdict = judge(reading(replay_lsn="0/3000100", replay_timestamp=None), max_lag_seconds=3600)
    assert not verdict.usable
    assert verdict.lag_seconds is None


def test_a_replica_that_replayed_nothing_is_not_used():
    assert not judge(reading(replay_lsn=None), max_lag_seconds=3600).usable

"""A meeting's time zone: from the feed, else the coordinates, else the source default."""

import pytest

from homegroup.lib.timezones import check_timezone, resolve_timezone


def test_the_feeds_zone_wins():
    assert resolve_timezone(tz="America/Denver", latitude=40.7, longitude=-74.0, default="UTC") == (
        "America/Denver",
        "feed",
    )


def test_without_a_feed_zone_the_coordinates_decide():
    assert resolve_timezone(tz=None, latitude=39.29, longitude=-76.61, default="UTC") == (
        "America/New_York",
        "coordinates",
    )


def test_coordinates_at_sea_fall_back_to_the_source_default():
    # Mid-Atlantic: timezonefinder would say "Etc/GMT+2", which has no daylight saving time.
    assert resolve_timezone(tz="", latitude=35.0, longitude=-40.0, default="America/New_York") == (
        "America/New_York",
        "source_default",
    )


def test_nothing_to_go_on_is_unresolved_not_guessed():
    assert resolve_timezone(tz=None, latitude=None, longitude=None, default=None) == (
        None,
        "unresolved",
    )


def test_a_zone_that_does_not_exist_is_an_error():
    with pytest.raises(ValueError, match="not an IANA time zone: 'Eastern'"):
        resolve_timezone(tz="Eastern", latitude=None, longitude=None, default=None)
    with pytest.raises(ValueError, match="not an IANA time zone"):
        check_timezone("GMT-5")

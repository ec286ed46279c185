"""The geocoder seam: a pluggable suggestion that can never block a save."""

import math

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from homegroup.directory.geocoding import (
    Geocoder,
    NullGeocoder,
    get_geocoder,
    suggest_coordinates,
)
from tests.directory.maintain_data import MANHATTAN, BrokenGeocoder, FixedGeocoder


class Answers:
    def __init__(self, answer):
        self.answer = answer

    def geocode(self, address):
        return self.answer


def test_by_default_no_address_is_known_and_the_pin_is_placed_by_hand():
    assert isinstance(get_geocoder(), NullGeocoder)
    assert suggest_coordinates("1 Park Ave, New York, NY") is None


def test_the_setting_plugs_in_another_geocoder(settings):
    settings.HOMEGROUP_GEOCODER = "tests.directory.maintain_data.FixedGeocoder"
    assert isinstance(get_geocoder(), FixedGeocoder)
    assert suggest_coordinates("1 Park Ave, New York, NY") == MANHATTAN


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("tests.directory.maintain_data.NoSuchGeocoder", "cannot import"),
        ("tests.directory.maintain_data.MANHATTAN", "has no geocode"),
    ],
)
def test_a_wrong_setting_fails_loudly(settings, path, why):
    settings.HOMEGROUP_GEOCODER = path
    with pytest.raises(ImproperlyConfigured, match=why):
        get_geocoder()


def test_a_geocoder_that_raises_is_taken_as_not_knowing():
    assert suggest_coordinates("1 Park Ave", geocoder=BrokenGeocoder()) is None


def test_an_empty_address_is_not_asked_about():
    assert suggest_coordinates("   ", geocoder=FixedGeocoder()) is None


def test_the_null_geocoder_is_a_geocoder():
    assert isinstance(NullGeocoder(), Geocoder)


@given(
    st.one_of(
        st.none(),
        st.tuples(st.floats(allow_nan=True), st.floats(allow_nan=True)),
        st.tuples(st.text(), st.text()),
        st.lists(st.integers(), max_size=3),
    )
)
def test_whatever_a_geocoder_answers_the_suggestion_is_a_point_on_the_globe_or_none(answer):
    point = suggest_coordinates("1 Park Ave", geocoder=Answers(answer))
    if point is not None:
        latitude, longitude = point
        assert math.isfinite(latitude)
        assert math.isfinite(longitude)
        assert -90 <= latitude <= 90
        assert -180 <= longitude <= 180

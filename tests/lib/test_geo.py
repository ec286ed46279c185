"""Distances, bounding boxes and coordinates."""

import math

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from homegroup.lib.geo import (
    EARTH_RADIUS_KM,
    bounding_box,
    haversine_km,
    parse_coordinates,
)

lats = st.floats(min_value=-89.9, max_value=89.9)
lngs = st.floats(min_value=-180, max_value=180)
radii = st.floats(min_value=0, max_value=3000)


def _destination(lat, lng, bearing, distance_km):
    """The point ``distance_km`` from (lat, lng) on ``bearing`` (radians), on the sphere."""
    delta = distance_km / EARTH_RADIUS_KM
    phi1, lambda1 = math.radians(lat), math.radians(lng)
    phi2 = math.asin(
        math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(bearing)
    )
    lambda2 = lambda1 + math.atan2(
        math.sin(bearing) * math.sin(delta) * math.cos(phi1),
        math.cos(delta) - math.sin(phi1) * math.sin(phi2),
    )
    return math.degrees(phi2), (math.degrees(lambda2) + 540) % 360 - 180


def test_new_york_to_london_is_about_5570_km():
    distance = haversine_km(lat1=40.7128, lng1=-74.0060, lat2=51.5074, lng2=-0.1278)
    assert distance == pytest.approx(5570, abs=10)


def test_a_point_is_zero_km_from_itself():
    assert haversine_km(lat1=39.29, lng1=-76.61, lat2=39.29, lng2=-76.61) == 0


def test_across_the_antimeridian_is_short():
    assert haversine_km(lat1=0, lng1=179.9, lat2=0, lng2=-179.9) == pytest.approx(22.24, abs=0.05)


def test_a_box_across_the_antimeridian_wraps():
    box = bounding_box(lat=-17.7, lng=179.5, radius_km=100)  # Fiji
    assert box.crosses_antimeridian
    assert box.min_lng > 178
    assert box.max_lng < -179
    assert box.contains(lat=-17.7, lng=-179.9)
    assert not box.contains(lat=-17.7, lng=0)


def test_a_box_around_a_pole_spans_every_longitude():
    box = bounding_box(lat=89.5, lng=10, radius_km=100)
    assert (box.min_lng, box.max_lng, box.max_lat) == (-180, 180, 90)


def test_a_radius_bigger_than_the_earth_is_the_whole_world():
    assert bounding_box(lat=0, lng=0, radius_km=30000) == (-90, 90, -180, 180)


@pytest.mark.parametrize(("lat", "lng", "radius"), [(91, 0, 1), (0, 181, 1), (0, 0, -1)])
def test_a_box_refuses_impossible_input(lat, lng, radius):
    with pytest.raises(ValueError, match="must be"):
        bounding_box(lat=lat, lng=lng, radius_km=radius)


@given(lats, lngs, radii, st.floats(min_value=0, max_value=2 * math.pi), st.floats(0, 1))
@example(0.0, 179.99999999999997, 0.0, 0.0, 0.0)  # the helper wraps it to -180
def test_the_box_contains_every_point_within_the_radius(lat, lng, radius, bearing, fraction):
    box = bounding_box(lat=lat, lng=lng, radius_km=radius)
    point_lat, point_lng = _destination(lat, lng, bearing, radius * fraction)
    # Rounding in the helper's trigonometry moves a point by ~1e-12 degrees.
    slack = 1e-9
    assert box.min_lat - slack <= point_lat <= box.max_lat + slack
    # -180 and 180 are one meridian: the helper may wrap a point a hair east of 180 to -180.
    candidates = {point_lng, 180.0} if point_lng == -180.0 else {point_lng}
    if box.crosses_antimeridian:
        assert any(c >= box.min_lng - slack or c <= box.max_lng + slack for c in candidates)
    else:
        assert any(box.min_lng - slack <= c <= box.max_lng + slack for c in candidates)


@given(lats, lngs, lats, lngs)
def test_distance_is_symmetric_and_bounded(lat1, lng1, lat2, lng2):
    there = haversine_km(lat1=lat1, lng1=lng1, lat2=lat2, lng2=lng2)
    back = haversine_km(lat1=lat2, lng1=lng2, lat2=lat1, lng2=lng1)
    assert there == pytest.approx(back, abs=1e-6)
    assert 0 <= there <= math.pi * EARTH_RADIUS_KM + 1e-6


@given(lats, lngs, radii, st.floats(min_value=0, max_value=2 * math.pi))
def test_destination_helper_agrees_with_haversine(lat, lng, radius, bearing):
    assume(radius > 1)
    point = _destination(lat, lng, bearing, radius)
    distance = haversine_km(lat1=lat, lng1=lng, lat2=point[0], lng2=point[1])
    assert distance == pytest.approx(radius, rel=1e-6)


@pytest.mark.parametrize(
    "text",
    [
        "32.898914,-105.958332",
        "32.898914, -105.958332",
        "(32.898914, -105.958332)",
        " 32.898914 -105.958332 ",
    ],
)
def test_coordinates_are_read_with_or_without_parentheses(text):
    assert parse_coordinates(text) == (32.898914, -105.958332)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "not a coordinate pair"),
        ("32.9", "not a coordinate pair"),
        ("95,10", "latitude must be between -90 and 90"),
        ("10,190", "longitude must be between -180 and 180"),
        ("north,west", "latitude must be a number"),
        ("nan,1", "latitude must be between"),
    ],
)
def test_bad_coordinates_are_refused_with_a_clear_message(text, message):
    with pytest.raises(ValueError, match=message):
        parse_coordinates(text)

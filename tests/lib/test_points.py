"""lib.points: the points in a box by latitude bands, and array distances near haversine_km's."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from homegroup.lib.geo import bounding_box, haversine_km
from homegroup.lib.points import PointIndex, sort_keys, tolerance_km

latitudes = st.floats(min_value=-89.9, max_value=89.9)
longitudes = st.floats(min_value=-180.0, max_value=180.0)


def _index(points):
    lats = np.array([lat for lat, _lng in points], dtype=np.float64)
    lngs = np.array([lng for _lat, lng in points], dtype=np.float64)
    order = np.argsort(sort_keys(lats, lngs), kind="stable")
    return PointIndex(lats[order], lngs[order]), lats[order], lngs[order]


@settings(max_examples=200, deadline=None)
@given(
    points=st.lists(st.tuples(latitudes, longitudes), max_size=60),
    centre=st.tuples(latitudes, longitudes),
    radius=st.sampled_from([1.0, 25.0, 500.0, 3000.0]),
)
def test_the_box_holds_every_point_within_the_radius(points, centre, radius):
    index, lats, lngs = _index(points)
    box = bounding_box(lat=centre[0], lng=centre[1], radius_km=radius)
    found = set(index.in_box(box).tolist())
    for position, (lat, lng) in enumerate(zip(lats, lngs, strict=True)):
        if haversine_km(lat1=centre[0], lng1=centre[1], lat2=lat, lng2=lng) <= radius:
            assert position in found


def test_a_box_across_the_antimeridian_finds_both_sides():
    index, _lats, lngs = _index([(-16.5, 179.95), (-16.5, -179.95), (-16.5, 170.0)])
    box = bounding_box(lat=-16.5, lng=180.0, radius_km=30)
    assert sorted(lngs[index.in_box(box)].tolist()) == [-179.95, 179.95]


@settings(max_examples=200, deadline=None)
@given(points=st.lists(st.tuples(latitudes, longitudes), min_size=1, max_size=40),
       centre=st.tuples(latitudes, longitudes))  # fmt: skip
def test_array_distances_are_haversine_km_to_the_tolerance(points, centre):
    index, lats, lngs = _index(points)
    found = index.distances_km(np.arange(len(points)), latitude=centre[0], longitude=centre[1])
    for distance, lat, lng in zip(found.tolist(), lats, lngs, strict=True):
        exact = haversine_km(lat1=centre[0], lng1=centre[1], lat2=lat, lng2=lng)
        if exact < 19_500:
            assert math.isclose(distance, exact, rel_tol=0, abs_tol=tolerance_km(exact))


def test_points_without_coordinates_come_last_and_are_never_in_a_box():
    index, _lats, _lngs = _index([(math.nan, math.nan), (42.44, -76.5)])
    assert index.in_box(bounding_box(lat=42.44, lng=-76.5, radius_km=5)).tolist() == [0]

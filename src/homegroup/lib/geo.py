"""Distances and boxes on the Earth's surface, and coordinates as feeds write them.

A spherical Earth (mean radius 6,371.0088 km) is exact enough for "meetings within 25 km": the
error against the ellipsoid is under 0.5 %.
"""

from __future__ import annotations

import math
import re
from typing import Final, NamedTuple

EARTH_RADIUS_KM: Final = 6371.0088
_PAIR = re.compile(r"\s*\(?\s*([^,;\s()]+)\s*[,;\s]\s*([^,;\s()]+)\s*\)?\s*")


class BoundingBox(NamedTuple):
    """A latitude/longitude box that contains a circle.

    When the circle crosses the antimeridian, ``min_lng > max_lng`` and the box is the two
    ranges ``[min_lng, 180]`` and ``[-180, max_lng]``: a query must OR them (see ``contains``).
    """

    min_lat: float
    max_lat: float
    min_lng: float
    max_lng: float

    @property
    def crosses_antimeridian(self) -> bool:
        return self.min_lng > self.max_lng

    def contains(self, *, lat: float, lng: float) -> bool:
        if not self.min_lat <= lat <= self.max_lat:
            return False
        if self.crosses_antimeridian:
            return lng >= self.min_lng or lng <= self.max_lng
        return self.min_lng <= lng <= self.max_lng


def haversine_km(*, lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in kilometres between two points given in degrees."""
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(lng2 - lng1) / 2
    a = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    # min() guards against a > 1 from rounding for antipodal points.
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(*, lat: float, lng: float, radius_km: float) -> BoundingBox:
    """The smallest latitude/longitude box holding every point within ``radius_km`` of a point.

    Near a pole the circle contains the pole, so the box spans every longitude. Across the
    antimeridian, longitudes wrap (``min_lng > max_lng``). The longitude half-width is the
    tangent-meridian formula asin(sin(r)/cos(lat)), not r/cos(lat), which is too narrow at high
    latitudes.
    """
    check_coordinates(latitude=lat, longitude=lng)
    if not radius_km >= 0 or math.isinf(radius_km):
        raise ValueError(f"radius must be a non-negative number of kilometres, not {radius_km!r}")
    angular = radius_km / EARTH_RADIUS_KM
    if angular >= math.pi:
        return BoundingBox(-90.0, 90.0, -180.0, 180.0)
    dlat = math.degrees(angular)
    min_lat = lat - dlat
    max_lat = lat + dlat
    if min_lat <= -90.0 or max_lat >= 90.0:
        return BoundingBox(max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0)
    ratio = math.sin(angular) / math.cos(math.radians(lat))
    if ratio >= 1.0:
        return BoundingBox(min_lat, max_lat, -180.0, 180.0)
    dlng = math.degrees(math.asin(ratio))
    if dlng >= 180.0:
        return BoundingBox(min_lat, max_lat, -180.0, 180.0)
    min_lng = lng - dlng
    max_lng = lng + dlng
    # Touching the antimeridian counts as crossing it: -180 and 180 are one meridian, and a
    # stored longitude may use either.
    if min_lng <= -180.0:
        min_lng += 360.0
    if max_lng >= 180.0:
        max_lng -= 360.0
    return BoundingBox(min_lat, max_lat, min_lng, max_lng)


def check_coordinates(*, latitude: float, longitude: float) -> tuple[float, float]:
    """The pair unchanged, or ValueError if either is out of range or not finite."""
    if not (isinstance(latitude, float | int) and isinstance(longitude, float | int)):
        raise ValueError(f"coordinates must be numbers, not {latitude!r}, {longitude!r}")
    if not (math.isfinite(latitude) and -90.0 <= latitude <= 90.0):
        raise ValueError(f"latitude must be between -90 and 90, not {latitude!r}")
    if not (math.isfinite(longitude) and -180.0 <= longitude <= 180.0):
        raise ValueError(f"longitude must be between -180 and 180, not {longitude!r}")
    return float(latitude), float(longitude)


def parse_coordinate(value: object, *, axis: str) -> float:
    """One coordinate given as a number or numeric text (feeds send both), range-checked;
    ``axis`` is "latitude" or "longitude" and names the error."""
    if isinstance(value, bool):
        raise ValueError(f"{axis} must be a number, not {value!r}")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise ValueError(f"{axis} must be a number, not {value!r}") from None
    else:
        raise ValueError(f"{axis} must be a number, not {value!r}")
    limit = 90.0 if axis == "latitude" else 180.0
    if not (math.isfinite(number) and -limit <= number <= limit):
        raise ValueError(f"{axis} must be between -{limit:g} and {limit:g}, not {value!r}")
    return number


def parse_coordinates(value: str) -> tuple[float, float]:
    """``"lat,lon"``, ``"lat, lon"`` or ``"(lat, lon)"`` to a (latitude, longitude) pair."""
    match = _PAIR.fullmatch(value)
    if not match:
        raise ValueError(f"not a coordinate pair: {value!r} (expected 'latitude,longitude')")
    return (
        parse_coordinate(match.group(1), axis="latitude"),
        parse_coordinate(match.group(2), axis="longitude"),
    )

"""Many points on the Earth as arrays: which lie within a box, how far they are from a point.

The search index keeps its meetings sorted by ``sort_keys``: latitude bands of
``BAND_DEGREES``, by longitude within a band. The points in a latitude/longitude box are then a
few contiguous runs, one per band, found by binary search — no tree, nothing to rebalance, and
for a city's 25 km about as fast as a k-d tree (``make bench`` measures both).

Distances are ``lib.geo.haversine_km``'s formula on arrays. numpy's vectorised sine, cosine and
arcsine may differ from the C library's ``math`` functions in the last bits, so an array
distance can be a few ulps off the one ``haversine_km`` gives; ``tolerance_km`` bounds that
difference (with a wide margin: measured below 1e-11 km up to 19,500 km), and a caller that
needs ``haversine_km``'s exact answer (a point on the edge of the circle, two distances that
close) asks it for those few points.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from homegroup.lib.geo import EARTH_RADIUS_KM, BoundingBox

Floats = npt.NDArray[np.float64]
Int64s = npt.NDArray[np.int64]

BAND_DEGREES = 0.25  # about 28 km: a 25 km circle spans two or three bands
_BAND_SPAN = 400.0  # a band's keys are band * 400 + (longitude + 180): bands never overlap
# Close to the antipode, arcsine is ill-conditioned and the array distance drifts further.
EXACT_BEYOND_KM = 19_500.0


def tolerance_km(distance_km: float | Floats) -> float | Floats:
    """How far an array distance may be from ``haversine_km``'s (below EXACT_BEYOND_KM)."""
    return 1e-9 + 1e-12 * distance_km


def sort_keys(latitudes: Floats, longitudes: Floats) -> Floats:
    """The order ``PointIndex`` needs; NaN for a missing point (sorted last by numpy)."""
    bands = np.floor((latitudes + 90.0) / BAND_DEGREES)
    return bands * _BAND_SPAN + (longitudes + 180.0)


class PointIndex:
    """Points already in ``sort_keys`` order (the ones without coordinates after them)."""

    def __init__(self, latitudes: Floats, longitudes: Floats) -> None:
        keys = sort_keys(latitudes, longitudes)
        located = int(np.count_nonzero(~np.isnan(keys)))
        if located and not (np.all(keys[1:located] >= keys[: located - 1])):
            raise ValueError("points must come in sort_keys order")
        self._keys = keys[:located]
        self._phis = np.radians(latitudes)
        self._cos_phis = np.cos(self._phis)
        self._longitudes = longitudes

    @property
    def nbytes(self) -> int:
        return (
            self._keys.nbytes + self._phis.nbytes + self._cos_phis.nbytes + self._longitudes.nbytes
        )

    def in_box(self, box: BoundingBox) -> Int64s:
        """Positions of the points inside ``box`` (and a few more of the same bands), sorted."""
        first = math.floor((box.min_lat + 90.0) / BAND_DEGREES)
        last = math.floor((box.max_lat + 90.0) / BAND_DEGREES)
        bands = np.arange(first, last + 1, dtype=np.float64) * _BAND_SPAN
        if box.crosses_antimeridian:
            ranges = [(box.min_lng, 180.0), (-180.0, box.max_lng)]
        else:
            ranges = [(box.min_lng, box.max_lng)]
        lows = np.concatenate(
            [np.searchsorted(self._keys, bands + (west + 180.0), "left") for west, _ in ranges]
        )
        highs = np.concatenate(
            [np.searchsorted(self._keys, bands + (east + 180.0), "right") for _, east in ranges]
        )
        counts = highs - lows
        total = int(counts.sum())
        if total == 0:
            return np.zeros(0, dtype=np.int64)
        # The runs [low, high) laid end to end: each position is its run's low plus its rank.
        run_starts = np.cumsum(counts) - counts
        positions = np.repeat(lows - run_starts, counts) + np.arange(total, dtype=np.int64)
        return np.sort(positions) if box.crosses_antimeridian else positions.astype(np.int64)

    def distances_km(self, positions: Int64s, *, latitude: float, longitude: float) -> Floats:
        """``haversine_km`` from the point to each position's, to ``tolerance_km`` (NaN where a
        position has no point)."""
        phi1 = math.radians(latitude)
        half_dphi = (self._phis[positions] - phi1) / 2
        half_dlambda = np.radians(self._longitudes[positions] - longitude) / 2
        a = (
            np.sin(half_dphi) ** 2
            + math.cos(phi1) * self._cos_phis[positions] * np.sin(half_dlambda) ** 2
        )
        result: Floats = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
        return result

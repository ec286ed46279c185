"""The seam for turning an address into coordinates.

No geocoding service is reachable from a self-hosted directory by default, and one that is slow
or down must never block a maintainer's edit or wipe an import (TSML's refresh once dropped 1,160
meetings on a geocoder failure). So a geocoder is only ever a suggestion: the maintainer form asks
it for coordinates when none were given, and saves the meeting whatever it answers. The default,
`NullGeocoder`, always answers "don't know"; the maintainer places the pin by hand.

A deployment with a service plugs one in with the setting ``HOMEGROUP_GEOCODER``, the dotted path
of a class that takes no arguments and has ``geocode(address) -> (lat, lng) | None``.
"""

from __future__ import annotations

import logging
import math
from functools import cache
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DEFAULT_GEOCODER = "homegroup.directory.geocoding.NullGeocoder"


@runtime_checkable
class Geocoder(Protocol):
    def geocode(self, address: str) -> tuple[float, float] | None:
        """(latitude, longitude) of the address, or None when unknown. May raise: callers
        treat an exception as "don't know"."""
        ...


class NullGeocoder:
    """Knows no address: the maintainer places the pin on the map by hand."""

    def geocode(self, address: str) -> tuple[float, float] | None:
        return None


@cache
def _geocoder_for(path: str) -> Geocoder:
    try:
        factory = import_string(path)
    except ImportError as error:
        raise ImproperlyConfigured(f"HOMEGROUP_GEOCODER: cannot import {path!r}: {error}") from None
    geocoder = factory() if callable(factory) else factory
    if not isinstance(geocoder, Geocoder):
        raise ImproperlyConfigured(
            f"HOMEGROUP_GEOCODER: {path!r} has no geocode(address) -> (lat, lng) | None method"
        )
    return geocoder


def get_geocoder() -> Geocoder:
    """The configured geocoder (one instance per process and setting)."""
    return _geocoder_for(getattr(settings, "HOMEGROUP_GEOCODER", DEFAULT_GEOCODER))


def suggest_coordinates(
    address: str, *, geocoder: Geocoder | None = None
) -> tuple[float, float] | None:
    """Ask the geocoder, never fail: an error, a timeout the geocoder raises, or an answer off
    the globe all come back as None, so saving a meeting never depends on a service."""
    if not address.strip():
        return None
    geocoder = geocoder or get_geocoder()
    try:
        answer = geocoder.geocode(address)
    except Exception:  # any failure of a plug-in service is "don't know"
        logger.warning("geocoder %s failed; the meeting is saved without it", type(geocoder))
        return None
    if answer is None:
        return None
    try:
        latitude, longitude = float(answer[0]), float(answer[1])
    except (TypeError, ValueError, IndexError):
        return None
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return latitude, longitude

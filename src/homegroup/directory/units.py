"""Distances as people read them where they are: miles first in the United States (kilometres in
parentheses), kilometres elsewhere.

Where a search is: a place typed ("14850 (Ithaca, NY)", "Ithaca, NY") says its country in its
label; a point from "use my location" is in the United States when it falls in one of the
boxes below (the lower 48 states, Alaska, Hawaii, Puerto Rico). A point near a border may be
read wrong: the distance is still right, only its unit is the neighbour's.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from homegroup.directory.places import Place

MILES_PER_KM = 0.621371
_US_LABEL = re.compile(r"(?:^\d{5}\b)|(?:, [A-Z]{2}\)?$)|(?:, United States$)")
# (south, north, west, east)
_US_BOXES = (
    (24.4, 49.4, -125.0, -66.9),  # the lower 48
    (51.2, 71.5, -180.0, -129.9),  # Alaska
    (18.9, 22.3, -160.3, -154.8),  # Hawaii
    (17.8, 18.6, -67.3, -65.2),  # Puerto Rico
)
_CANADIAN_PROVINCE = re.compile(r", (?:AB|BC|MB|NB|NL|NS|ON|PE|QC|SK|YT|NT|NU), Canada$")


def uses_miles(point: Place | None) -> bool:
    """Whether distances around ``point`` are shown in miles first (the United States)."""
    if point is None:
        return False
    if _CANADIAN_PROVINCE.search(point.label):
        return False
    if _US_LABEL.search(point.label):
        return True
    return any(
        south <= point.latitude <= north and west <= point.longitude <= east
        for south, north, west, east in _US_BOXES
    )


def distance_text(km: float, point: Place | None, *, whole: bool = False) -> str:
    """ "9.3 mi (15.0 km)" in the US, "15.0 km" elsewhere; ``whole`` rounds to whole numbers
    (a radius: "31 mi (50 km)")."""
    miles = km * MILES_PER_KM
    if whole:
        if uses_miles(point):
            return _("%(miles)d mi (%(km)d km)") % {"miles": round(miles), "km": round(km)}
        return _("%(km)d km") % {"km": round(km)}
    if uses_miles(point):
        return _("%(miles).1f mi (%(km).1f km)") % {"miles": miles, "km": km}
    return _("%(km).1f km") % {"km": km}

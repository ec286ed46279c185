"""search() against a brute-force reference: plain Python over every meeting, on random
directories and random queries, answered from the in-memory index and from SQL. The reference
shares nothing with search() but the distance formula: no SQL narrowing, no bounding box, no
wall-clock window, no arrays, and its own way of finding the next occurrence."""

import random
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homegroup.directory import actions
from homegroup.directory.models import EvidenceKind, Meeting, Stance
from homegroup.directory.search import MeetingQuery, search
from homegroup.lib.geo import haversine_km
from tests.directory.search_data import meeting

pytestmark = pytest.mark.django_db

# (latitude, longitude, zone): Ithaca, Sydney, Fiji on the antimeridian, London.
CENTRES = [
    (42.44, -76.50, "America/New_York"),
    (-33.87, 151.21, "Australia/Sydney"),
    (-16.5, 179.9, "Pacific/Fiji"),
    (51.5, -0.12, "Europe/London"),
]
ATTENDANCE = ["in_person", "hybrid", "online", "temporarily_closed", "inactive"]
TYPES = ["O", "C", "W", "12x12"]
WORDS = ["hope", "serenity", "step", "dawn"]
MAT_LEVELS = ["confirmed_welcoming", "reported_welcoming", "unknown", "reported_unwelcoming"]
PARTS = ["morning", "midday", "evening", "night"]


def _part_of_day(start):
    # Written out again here, not read from the query module: 4-12 morning, 12-17 midday,
    # 17-21 evening, the rest night.
    hour = start.hour
    if 4 <= hour < 12:
        return "morning"
    if 12 <= hour < 17:
        return "midday"
    if 17 <= hour < 21:
        return "evening"
    return "night"


PYTHON_TO_SUNDAY_FIRST = {0: 1, 1: 2, 2: 3, 3: 4, 4: 5, 5: 6, 6: 0}

quarter_times = st.builds(
    time, st.integers(min_value=0, max_value=23), st.sampled_from([0, 15, 30, 45])
)
offsets = st.floats(min_value=-0.6, max_value=0.6, allow_nan=False)


# Most meetings and searches around Ithaca, so that a search's circle often holds meetings of
# every kind (near and far, in person and online, on the day asked and on others).
AROUND = st.sampled_from([CENTRES[0], CENTRES[0], CENTRES[0], *CENTRES])


@st.composite
def meetings(draw):
    lat, lng, zone = draw(AROUND)
    point = (
        (lat + draw(offsets), max(-180.0, min(180.0, lng + draw(offsets))))
        if draw(st.integers(min_value=0, max_value=5))
        else None
    )
    return {
        "day": draw(st.integers(min_value=0, max_value=6)),
        "start": draw(quarter_times),
        "end": draw(quarter_times),
        "timezone": zone,
        "latitude": None if point is None else point[0],
        "longitude": None if point is None else point[1],
        "attendance": draw(st.sampled_from(ATTENDANCE)),
        "types": tuple(draw(st.sets(st.sampled_from(TYPES), max_size=3))),
        "fellowship": draw(st.sampled_from(["AA", "NA", "MARA"])),
        "name": " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=2))),
        "notes": draw(st.sampled_from(["", "Coffee", "Step study"])),
        "mat": draw(st.sampled_from([None, None, Stance.WELCOMING, Stance.UNWELCOMING])),
        "removed": draw(st.integers(min_value=0, max_value=9)) == 0,
    }


@st.composite
def queries(draw):
    values = {}
    if draw(st.booleans()):
        lat, lng, _zone = draw(AROUND)
        values["lat"] = lat + draw(offsets)
        values["lng"] = max(-180.0, min(180.0, lng + draw(offsets)))
        values["radius_km"] = draw(st.sampled_from([1, 10, 25, 60, 500]))
        values["include_online"] = draw(st.booleans())
    if draw(st.booleans()):
        values["days"] = sorted(draw(st.sets(st.integers(min_value=0, max_value=6), min_size=1)))
    if draw(st.booleans()):
        values["types"] = sorted(draw(st.sets(st.sampled_from([*TYPES, "o", "12X12"]), max_size=2)))
    if draw(st.booleans()):
        values["starts_within_hours"] = draw(
            st.one_of(st.sampled_from([0, 1, 2, 24, 168]), st.floats(min_value=0, max_value=168))
        )
    if draw(st.integers(min_value=0, max_value=3)) == 0:
        values["fellowship"] = sorted(draw(st.sets(st.sampled_from(["AA", "na", "MARA"]))))
    if draw(st.integers(min_value=0, max_value=3)) == 0:
        values["attendance"] = sorted(draw(st.sets(st.sampled_from(ATTENDANCE), min_size=1)))
    values["mat_friendly"] = draw(st.integers(min_value=0, max_value=3)) == 0
    if draw(st.integers(min_value=0, max_value=3)) == 0:
        values["mat_level"] = sorted(draw(st.sets(st.sampled_from(MAT_LEVELS), min_size=1)))
    if draw(st.integers(min_value=0, max_value=3)) == 0:
        values["time_of_day"] = sorted(draw(st.sets(st.sampled_from(PARTS), min_size=1)))
    if draw(st.integers(min_value=0, max_value=3)) == 0:
        values["q"] = draw(st.sampled_from([*WORDS, "STEP", "coffee"]))
    values["limit"] = draw(st.integers(min_value=1, max_value=12))
    values["offset"] = draw(st.integers(min_value=0, max_value=6))
    return MeetingQuery(**values)


def _instant(on, at, zone):
    # fold=0: a repeated wall time is its first occurrence; a missing one uses the offset before.
    return datetime.combine(on, at).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _reference_next_start(m, now):
    local_today = now.astimezone(ZoneInfo(m.timezone)).date()
    best = None
    for delta in range(-3, 10):
        on = local_today + timedelta(days=delta)
        if PYTHON_TO_SUNDAY_FIRST[on.weekday()] != m.day:
            continue
        start = _instant(on, m.start_time, m.timezone)
        end_day = on + timedelta(days=1) if m.end_time < m.start_time else on
        end = max(start, _instant(end_day, m.end_time, m.timezone))
        if (start >= now or end > now) and (best is None or start < best):
            best = start
    return best


def reference(query, now):
    """(count, [(pk, next start UTC, distance)]) by brute force over every meeting."""
    now = now.astimezone(UTC)
    point = query.point
    attendance = query.attendance or ["in_person", "hybrid", "online"]
    found = []
    for m in Meeting.objects.select_related("fellowship"):
        if m.removed_at is not None or m.attendance not in attendance:
            continue
        if query.days and m.day not in query.days:
            continue
        if query.fellowship and m.fellowship.code not in query.fellowship:
            continue
        if query.mat_friendly and m.mat_level not in ("confirmed_welcoming", "reported_welcoming"):
            continue
        if query.mat_level and m.mat_level not in query.mat_level:
            continue
        if query.time_of_day and _part_of_day(m.start_time) not in query.time_of_day:
            continue
        codes = {code.upper() for code in m.types}
        if any(code.upper() not in codes for code in query.types):
            continue
        if query.q and not any(
            query.q.lower() in text.lower() for text in (m.name, m.location, m.notes, m.group)
        ):
            continue
        distance = None
        if point is not None:
            if m.latitude is not None:
                distance = haversine_km(
                    lat1=point.latitude, lng1=point.longitude, lat2=m.latitude, lng2=m.longitude
                )
            near = distance is not None and distance <= query.radius_km
            if not near and not (query.include_online and m.attendance in ("online", "hybrid")):
                continue
        starts = _reference_next_start(m, now)
        if query.starts_within_hours is not None and starts > now + timedelta(
            hours=query.starts_within_hours
        ):
            continue
        found.append((starts, float("inf") if distance is None else distance, m.pk, distance))
    found.sort()
    page = found[query.offset : query.offset + query.limit]
    return len(found), [(pk, starts, distance) for starts, _key, pk, distance in page]


def _list(spec, people):
    mat = spec.pop("mat")
    removed = spec.pop("removed")
    created = meeting(**spec)
    if mat is not None:
        actions.add_mat_evidence(
            meeting=created,
            actor=people.max,
            kind=EvidenceKind.MAINTAINER,
            stance=mat,
            summary="Checked.",
            observed_on=datetime(2024, 1, 1).date(),
        )
    if removed:
        actions.remove_meeting(meeting=created)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    directory=st.lists(meetings(), max_size=14),
    query=queries(),
    now=st.datetimes(
        min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
    ),
)
@pytest.mark.parametrize("using", ["index", "sql"])
def test_search_agrees_with_a_brute_force_reference(people, directory, query, now, using):
    with transaction.atomic():
        for spec in directory:
            _list(dict(spec), people)
        result = search(query, now=now, using=using)
        assert result.answered_by == using
        expected_count, expected = reference(query, now)
        transaction.set_rollback(True)
    assert result.count == expected_count, (directory, query, now)
    assert [
        (found.meeting.pk, found.next_start.astimezone(UTC), found.distance_km)
        for found in result.results
    ] == expected


def _random_spec(rng: random.Random) -> dict:
    """One meeting like `meetings()` draws, from a seeded generator."""
    lat, lng, zone = rng.choice([CENTRES[0], CENTRES[0], CENTRES[0], *CENTRES])
    located = rng.random() < 0.85
    return {
        "day": rng.randrange(7),
        "start": time(rng.randrange(24), rng.choice([0, 15, 30, 45])),
        "end": time(rng.randrange(24), rng.choice([0, 15, 30, 45])),
        "timezone": zone,
        "latitude": lat + rng.uniform(-0.6, 0.6) if located else None,
        "longitude": max(-180.0, min(180.0, lng + rng.uniform(-0.6, 0.6))) if located else None,
        "attendance": rng.choice(ATTENDANCE),
        "types": tuple(rng.sample(TYPES, rng.randrange(4))),
        "fellowship": rng.choice(["AA", "NA", "MARA"]),
        "name": " ".join(rng.choice(WORDS) for _ in range(rng.randrange(1, 3))),
        "notes": rng.choice(["", "Coffee", "Step study"]),
        "mat": rng.choice([None, None, Stance.WELCOMING, Stance.UNWELCOMING]),
        "removed": rng.random() < 0.1,
        "conference_url": rng.choice(["", "https://zoom.us/j/1"]),
        "formatted_address": rng.choice(["", "1 Main St, Ithaca, NY 14850, USA", "Café Ünïcode"]),
    }


def test_the_index_and_sql_agree_with_the_reference_on_a_directory_of_300_meetings(people):
    """Many meetings match each random query here (the small directories above rarely hold
    a meeting for every filter a query combines)."""
    rng = random.Random(20)
    for _ in range(300):
        _list(_random_spec(rng), people)

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        query=queries(),
        now=st.datetimes(
            min_value=datetime(2024, 1, 1),
            max_value=datetime(2026, 12, 31),
            timezones=st.just(UTC),
        ),
    )
    def agree(query, now):
        expected_count, expected = reference(query, now)
        listings = {}
        for using in ("index", "sql"):
            result = search(query, now=now, using=using)
            assert (result.count, using) == (expected_count, using), (query, now)
            assert [
                (found.meeting.pk, found.next_start.astimezone(UTC), found.distance_km)
                for found in result.results
            ] == expected, (query, now, using)
            listings[using] = [found.meeting for found in result.results]
        # The index shows each meeting from memory as the SQL path loads it.
        assert listings["index"] == listings["sql"]

    agree()

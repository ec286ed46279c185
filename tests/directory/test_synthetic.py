"""directory.synthetic: a reproducible directory whose distributions follow the real feeds."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from functools import cache
from pathlib import Path

import pytest

from homegroup.directory.importers import bmlt, csv_legacy, load_feed
from homegroup.directory.importers.codes import code_table
from homegroup.directory.synthetic import (
    AA_PROFILE,
    ATTENDANCE_SHARES,
    NA_PROFILE,
    SYNTHETIC_ENTITY,
    WEEKDAY_COUNTS,
    generate,
)
from homegroup.lib.timezones import is_timezone

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "meetings"
SIZE = 2_000


@cache
def sample(seed: int = 7):
    return tuple(generate(meetings=SIZE, seed=seed))


@cache
def real_feeds():
    gnyr = FIXTURES / "bmlt_sample_gnyr"
    spec = FIXTURES / "meeting_guide_spec_samples"
    yap = FIXTURES / "bmlt_yap_fixtures"
    yap_formats = bmlt.parse_formats((yap / "formats.json").read_bytes())
    return {
        "gnyr": bmlt.load(
            (gnyr / "GetSearchResults.json").read_bytes(),
            formats=bmlt.parse_formats((gnyr / "GetFormats_all_languages.json").read_bytes()),
            service_bodies=bmlt.parse_service_bodies((gnyr / "GetServiceBodies.json").read_bytes()),
        ).meetings,
        "new_mexico": csv_legacy.load(
            (spec / "new-mexico_legacy_default.db.txt").read_bytes(),
            source_map=csv_legacy.load_map((FIXTURES / "new-mexico.map.json").read_bytes()),
        ).meetings,
        "ontario": load_feed((spec / "ontario_quinte_data-sample.json").read_bytes()).meetings,
        "tsml": load_feed(
            (FIXTURES / "tsml_pdf12step_sample" / "example.com-meetings.json").read_bytes()
        ).meetings,
        "yap": tuple(
            meeting
            for day in (2, 3, 4)
            for meeting in load_feed(
                (yap / f"meeting-search-42.867970-day{day}.json").read_bytes(),
                formats=yap_formats,
            ).meetings
        ),
    }


def shares(counter, total):
    return {key: count / total for key, count in counter.items()}


def test_the_same_seed_gives_the_same_meetings_and_another_seed_others():
    assert tuple(generate(meetings=300, seed=7)) == sample()[:300]
    assert tuple(generate(meetings=300, seed=8)) != sample()[:300]


def test_a_smaller_directory_is_the_start_of_a_larger_one_with_the_same_seed():
    assert tuple(generate(meetings=50, seed=7)) == sample()[:50]


def test_it_makes_exactly_the_meetings_asked_for_with_unique_slugs_and_ids():
    meetings = sample()
    assert len(meetings) == SIZE
    assert len({m.slug for m in meetings}) == SIZE
    assert len({(m.source_id, m.day) for m in meetings}) == SIZE
    assert all(m.slug.startswith("synthetic-") for m in meetings)
    assert tuple(generate(meetings=0, seed=1)) == ()
    with pytest.raises(ValueError, match="negative"):
        list(generate(meetings=-1, seed=1))


def test_every_meeting_says_it_is_synthetic():
    assert {m.entity for m in sample()} == {SYNTHETIC_ENTITY}
    assert "not real meetings" in SYNTHETIC_ENTITY


def test_the_weekday_mix_follows_the_pooled_real_feeds():
    total = sum(WEEKDAY_COUNTS)
    got = shares(Counter(m.day for m in sample()), SIZE)
    for day, count in enumerate(WEEKDAY_COUNTS):
        assert got[day] == pytest.approx(count / total, abs=0.03)


def test_each_fellowship_keeps_its_own_start_times_durations_and_codes():
    meetings = sample()
    aa = [m for m in meetings if m.fellowship == "AA"]
    na = [m for m in meetings if m.fellowship == "NA"]
    assert len(aa) > len(na) > SIZE * 0.15
    assert {m.duration for m in aa} == {timedelta(minutes=60)}
    assert Counter(m.duration for m in na).most_common(1)[0][0] == timedelta(minutes=90)
    # The AA noon peak and the NA 19:00 peak of the real feeds.
    assert shares(Counter(m.start.hour for m in aa), len(aa))[12] == pytest.approx(
        AA_PROFILE.hours[12] / sum(AA_PROFILE.hours.values()), abs=0.05
    )
    assert shares(Counter(m.start.hour for m in na), len(na))[19] == pytest.approx(
        NA_PROFILE.hours[19] / sum(NA_PROFILE.hours.values()), abs=0.06
    )
    for group, profile in ((aa, AA_PROFILE), (na, NA_PROFILE)):
        got = shares(Counter(code for m in group for code in m.types), len(group))
        assert got["O"] == pytest.approx(profile.codes["O"], abs=0.06)
    # Codes are the fellowship's own, and Open and Closed never go together.
    assert all(set(m.types) <= set(code_table(m.fellowship).names) for m in meetings)
    assert not any({"O", "C"} <= set(m.types) or {"M", "W"} <= set(m.types) for m in meetings)


def test_attendance_mix_coordinates_and_time_zones_are_as_intended():
    meetings = sample()
    got = shares(Counter(m.attendance for m in meetings), SIZE)
    for mode, share in ATTENDANCE_SHARES:
        assert got.get(mode, 0) == pytest.approx(share, abs=0.03)
    in_person = [m for m in meetings if m.attendance in ("in_person", "hybrid")]
    assert all(m.latitude is not None and not m.approximate for m in in_person)
    assert all(m.address for m in in_person)
    online = [m for m in meetings if m.attendance == "online"]
    assert all(m.conference_url.startswith("https://zoom.us/j/") for m in online)
    assert 0.2 < sum(m.latitude is not None for m in online) / len(online) < 0.6
    assert all(is_timezone(m.timezone) and m.timezone.startswith(("America/", "Pacific/"))
               for m in meetings)  # fmt: skip


def test_meetings_cluster_around_us_cities_and_share_venues():
    meetings = sample()
    placed = [m for m in meetings if m.latitude is not None]
    # The contiguous US, Alaska and Hawaii (with a venue's spread around its city).
    assert all(18 < m.latitude < 72 and -180 < m.longitude < -66 for m in placed)
    # Venues are reused within a city once it has some: in a city with many meetings, about
    # as many distinct points per meeting as in the real feeds (0.25-0.74).
    new_york = [m for m in placed if m.city == "New York City"]
    points = {(m.latitude, m.longitude) for m in new_york}
    assert len(new_york) > 50
    assert 0.3 < len(points) / len(new_york) < 0.75
    assert Counter(m.city for m in meetings).most_common(1)[0][0] == "New York City"
    assert all(len(m.regions) == 2 for m in meetings)


def test_every_mat_friendliness_source_of_evidence_occurs():
    meetings = sample()
    assert any("MOUD" in m.types for m in meetings)
    assert any("medication-assisted" in m.notes for m in meetings)
    assert {"SMART", "RD", "MARA"} <= {m.fellowship for m in meetings}


def test_the_hard_coded_profiles_are_what_the_real_feeds_say():
    feeds = real_feeds()
    pooled = [m for name in ("gnyr", "new_mexico", "ontario", "tsml") for m in feeds[name]]
    assert tuple(Counter(m.day for m in pooled)[day] for day in range(7)) == WEEKDAY_COUNTS
    aa = [m for name in ("new_mexico", "ontario", "tsml") for m in feeds[name]]
    na = [*feeds["gnyr"], *feeds["yap"]]
    for group, profile in ((aa, AA_PROFILE), (na, NA_PROFILE)):
        assert Counter(m.start.hour for m in group) == Counter(profile.hours)
        assert Counter(m.start.minute for m in group) == Counter(profile.minutes)
        codes = Counter(code for m in group for code in m.types)
        for code, share in profile.codes.items():
            assert codes[code] / len(group) == pytest.approx(share, abs=0.0006)


def test_the_generator_is_pure_it_loads_no_django():
    import os
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from homegroup.directory.synthetic import generate\n"
        "list(generate(meetings=5, seed=1))\n"
        "print(sorted(n for n in sys.modules if n == 'django' or n.startswith('django.')))\n"
    )
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environment
    )
    assert completed.stdout.strip() == "[]"

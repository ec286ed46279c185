"""The real feeds' distributions next to the synthetic directory's, for docs/benchmarks.md.

Re-derives from tests/fixtures/meetings/ what `homegroup.directory.synthetic` hard-codes, so a
reader sees how closely the generated directory follows the files (pure: no Django).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from homegroup.directory.importers import CanonicalMeeting, bmlt, csv_legacy, load_feed
from homegroup.directory.synthetic import generate

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "meetings"
GNYR = FIXTURES / "bmlt_sample_gnyr"


def gnyr_files() -> dict[str, bytes]:
    return {
        "data": (GNYR / "GetSearchResults.json").read_bytes(),
        "formats": (GNYR / "GetFormats_all_languages.json").read_bytes(),
        "service_bodies": (GNYR / "GetServiceBodies.json").read_bytes(),
    }


def real_feeds() -> dict[str, Sequence[CanonicalMeeting]]:
    spec = FIXTURES / "meeting_guide_spec_samples"
    yap = FIXTURES / "bmlt_yap_fixtures"
    files = gnyr_files()
    yap_formats = bmlt.parse_formats((yap / "formats.json").read_bytes())
    return {
        "GNYR (NA)": bmlt.load(
            files["data"],
            formats=bmlt.parse_formats(files["formats"]),
            service_bodies=bmlt.parse_service_bodies(files["service_bodies"]),
        ).meetings,
        "New Mexico (AA)": csv_legacy.load(
            (spec / "new-mexico_legacy_default.db.txt").read_bytes(),
            source_map=csv_legacy.load_map((FIXTURES / "new-mexico.map.json").read_bytes()),
        ).meetings,
        "Ontario (AA)": load_feed((spec / "ontario_quinte_data-sample.json").read_bytes()).meetings,
        "TSML sample (AA)": load_feed(
            (FIXTURES / "tsml_pdf12step_sample" / "example.com-meetings.json").read_bytes()
        ).meetings,
        "yap captures (NA)": tuple(
            meeting
            for day in (2, 3, 4)
            for meeting in load_feed(
                (yap / f"meeting-search-42.867970-day{day}.json").read_bytes(),
                formats=yap_formats,
            ).meetings
        ),
    }


def _shares(counter: Counter[object], total: int) -> dict[object, float]:
    return {key: count / total for key, count in counter.items()} if total else {}


def profile(meetings: Iterable[CanonicalMeeting]) -> dict[str, dict[object, float]]:
    items = list(meetings)
    total = len(items)
    by_fellowship: dict[str, list[CanonicalMeeting]] = {}
    for meeting in items:
        by_fellowship.setdefault(meeting.fellowship, []).append(meeting)
    result: dict[str, dict[object, float]] = {
        "weekday": _shares(Counter(m.day for m in items), total),
        "attendance": _shares(Counter(m.attendance for m in items), total),
        "with coordinates": {"share": sum(m.latitude is not None for m in items) / total},
        "distinct points per meeting": {
            "ratio": len({(m.latitude, m.longitude) for m in items if m.latitude is not None})
            / max(1, sum(m.latitude is not None for m in items))
        },
    }
    for code in ("AA", "NA"):
        group = by_fellowship.get(code, [])
        if not group:
            continue
        result[f"{code} start hour"] = _shares(Counter(m.start.hour for m in group), len(group))
        result[f"{code} duration (min)"] = _shares(
            Counter(int(m.duration.total_seconds() // 60) for m in group), len(group)
        )
        result[f"{code} type codes"] = _shares(
            Counter(c for m in group for c in m.types if c not in ("ONL", "TC", "MOUD")),
            len(group),
        )
    return result


def comparison(*, seed: int, meetings: int = 20_000) -> list[tuple[str, str, str]]:
    """(what, real files, synthetic) rows: the top values of each distribution side by side."""
    feeds = real_feeds()
    pooled = [m for name, found in feeds.items() if not name.startswith("yap") for m in found]
    with_yap = [m for found in feeds.values() for m in found]
    real = profile(pooled)
    real_by_fellowship = profile(with_yap)
    synthetic = profile(generate(meetings=meetings, seed=seed))
    rows = []
    for key in synthetic:
        source = real_by_fellowship if key.startswith(("AA ", "NA ")) else real
        ours = synthetic[key]
        theirs = source.get(key, {})
        keys = sorted(set(ours) | set(theirs), key=lambda k: -(theirs.get(k, 0) + ours.get(k, 0)))
        shown = keys if key == "weekday" else keys[:6]
        if key in ("with coordinates", "distinct points per meeting"):
            value = shown[0]
            rows.append((key, f"{theirs.get(value, 0):.2f}", f"{ours.get(value, 0):.2f}"))
            continue
        rows.append(
            (
                key,
                ", ".join(f"{k}: {theirs.get(k, 0):.0%}" for k in shown),
                ", ".join(f"{k}: {ours.get(k, 0):.0%}" for k in shown),
            )
        )
    return rows

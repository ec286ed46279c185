"""Round trip: the directory's Meeting Guide feed, imported into an empty directory and exported
again, gives the same meetings — names, days, times, zones, addresses, coordinates, types (MOUD
and each fellowship's own codes included), online details and notes. For a hand-made feed, for
every fixture file, and for a BMLT source carried on through two Meeting Guide hops."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from homegroup.directory import actions
from homegroup.directory.models import (
    ImportRun,
    MatEvidence,
    Meeting,
    MeetingChange,
    Region,
    Source,
)

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "meetings"
HAND_MADE = FIXTURES / "hand_made"


def export() -> list[dict[str, Any]]:
    out = io.StringIO()
    call_command("export-feed", "--format", "meeting-guide", stdout=out)
    return json.loads(out.getvalue())


def empty_the_directory() -> None:
    """What a fresh database holds: only the fellowships' reference data."""
    MatEvidence.objects.all().delete()
    MeetingChange.objects.all().delete()
    Meeting.objects.all().delete()
    ImportRun.objects.all().delete()
    Source.objects.all().delete()
    Region.objects.filter(children__isnull=True).delete()
    while Region.objects.exists():
        Region.objects.filter(children__isnull=True).delete()


def import_feed_of(records: list[dict[str, Any]]) -> None:
    """Import an exported feed as one source, as another directory would: each record's
    `fellowship` says whose code list its types belong to."""
    source = actions.ensure_source(slug="round-trip")
    run = actions.import_feed(
        source=source,
        files=[("meeting-guide.json", json.dumps(records).encode())],
        feed_format="meeting-guide",
    )
    assert run.skipped == 0, run.problems
    assert run.created == len(records)
    assert run.unknown_codes == {}  # every exported code is known to its fellowship


def assert_round_trip() -> list[dict[str, Any]]:
    first = export()
    empty_the_directory()
    import_feed_of(first)
    second = export()
    assert len(second) == len(first)
    by_slug = {record["slug"]: record for record in second}
    differences = [
        (record["slug"], key, value, by_slug[record["slug"]].get(key))
        for record in first
        for key, value in record.items()
        if by_slug[record["slug"]].get(key) != value
    ]
    assert differences == []
    assert second == first  # nothing added either, and in the same order
    return first


def test_a_hand_made_feed_survives_the_round_trip(people):
    records = [
        {
            "slug": "night-owls",
            "name": "Night Owls",
            "day": [5, 6],
            "time": "23:30",
            "end_time": "00:45",
            "timezone": "America/Chicago",
            "location": "St. Mark's Hall",
            "address": "10 Main St",
            "city": "Springfield",
            "state": "IL",
            "postal_code": "62701",
            "country": "US",
            "latitude": 39.8,
            "longitude": -89.65,
            "conference_url": "https://zoom.us/j/123456789",
            "conference_url_notes": "Password 12steps",
            "conference_phone": "+13126266799,,123456789#",
            "types": ["O", "D", "MOUD"],
            "notes": "MAT welcome.\nBack door after 11pm.",
            "location_notes": "Basement",
            "group": "Night Owls Group",
            "regions": ["Illinois", "Sangamon County"],
            "district": "District 12",
            "venmo": "@nightowls",
            "entity": "Springfield Intergroup",
            "entity_url": "https://aa-springfield.example.org",
            "contact_1_name": "Private Secretary",
            "contact_1_email": "private@example.org",
        },
        {
            "slug": "closed-for-now",
            "name": "Closed For Now",
            "day": 0,
            "time": "10:00",
            "formatted_address": "22 Elm St, Springfield, IL 62701, USA",
            "latitude": 39.79,
            "longitude": -89.64,
            "types": ["C", "TC"],
        },
        {
            "slug": "online-only",
            "name": "Online Only",
            "day": 3,
            "time": "7:00 PM",
            "timezone": "America/Chicago",
            "conference_url": "https://meet.google.com/abc-defg-hij",
            "formatted_address": "Springfield, IL, USA",
            "approximate": "yes",
            "types": ["ONL", "B"],
        },
    ]
    source = actions.ensure_source(slug="springfield")
    actions.import_feed(source=source, files=[("f.json", json.dumps(records).encode())])
    actions.report_mat_experience(
        meeting=Meeting.objects.get(slug="online-only"),
        reporter=people.ana,
        stance="welcoming",
        observed_on=timezone.localdate() - timedelta(days=3),
    )  # a pending report: not a confirmation, so no MOUD for this one
    first = assert_round_trip()
    owls = {record["slug"]: record for record in first}["night-owls-friday"]
    assert owls["types"] == ["D", "MOUD", "O", "ONL"]
    assert (owls["time"], owls["end_time"], owls["attendance_option"]) == (
        "23:30",
        "00:45",
        "hybrid",
    )
    assert "contact_1_name" not in owls  # contacts are private unless the source says otherwise
    closed = {record["slug"]: record for record in first}["closed-for-now"]
    assert (closed["types"], closed["attendance_option"]) == (["C", "TC"], "inactive")
    online = {record["slug"]: record for record in first}["online-only"]
    assert (online["types"], online["attendance_option"], online["time"]) == (
        ["B", "ONL"],
        "online",
        "19:00",
    )
    levels = dict(Meeting.objects.values_list("slug", "mat_level"))
    assert levels["night-owls-friday"] == "confirmed_welcoming"  # MOUD came back as evidence


def call_import(*args: object) -> None:
    call_command("import-feed", *[str(arg) for arg in args], stdout=io.StringIO())


REAL_FEEDS = {
    "gnyr": (
        "gnyr-na",
        FIXTURES / "bmlt_sample_gnyr/GetSearchResults.json",
        "--formats",
        FIXTURES / "bmlt_sample_gnyr/GetFormats_all_languages.json",
        "--service-bodies",
        FIXTURES / "bmlt_sample_gnyr/GetServiceBodies.json",
    ),
    "finger-lakes": (
        "finger-lakes-na",
        *[
            FIXTURES / f"bmlt_yap_fixtures/meeting-search-42.867970-day{day}.json"
            for day in (2, 3, 4)
        ],
        "--formats",
        FIXTURES / "bmlt_yap_fixtures/formats.json",
    ),
    "ontario": (
        "quinte-aa",
        FIXTURES / "meeting_guide_spec_samples/ontario_quinte_data-sample.json",
    ),
    "new-mexico": (
        "new-mexico-aa",
        FIXTURES / "meeting_guide_spec_samples/new-mexico_legacy_default.db.txt",
        "--map",
        FIXTURES / "new-mexico.map.json",
        "--format",
        "csv",
    ),
    "tsml": ("tsml-sample", FIXTURES / "tsml_pdf12step_sample/example.com-meetings.json"),
    "hand-made-csv": ("springfield", HAND_MADE / "intergroup.csv", "--timezone", "America/Chicago"),
    "hand-made-mixed": ("springfield-mixed", HAND_MADE / "mixed_fellowships.json"),
    "hand-made-ndjson": ("springfield-lines", HAND_MADE / "one_per_line.ndjson"),
    "hand-made-pipes": (
        "springfield-pipes",
        HAND_MADE / "pipe_export.txt",
        "--map",
        HAND_MADE / "pipe_export.map.json",
    ),
}


@pytest.mark.parametrize("name", sorted(REAL_FEEDS))
def test_a_real_feed_survives_the_round_trip(name, people):
    call_import(*REAL_FEEDS[name])
    # One meeting confirmed welcoming by a maintainer, so MOUD makes the trip too.
    confirmed = Meeting.objects.order_by("pk").first()
    actions.add_mat_evidence(
        meeting=confirmed,
        actor=people.max,
        kind="maintainer",
        stance="welcoming",
        summary="Checked with the group.",
        observed_on=timezone.localdate(),
    )
    count = Meeting.objects.count()
    first = assert_round_trip()
    assert len(first) == count
    assert [record["slug"] for record in first if "MOUD" in record["types"]] == [confirmed.slug]


def test_a_bmlt_source_survives_two_meeting_guide_hops_with_its_own_codes():
    """BMLT → this directory's feed → another directory (Meeting Guide) → its feed → a third:
    the NA codes the server uses (BT, IP, IW…) are NA codes at every hop, never "unknown"."""
    call_import(*REAL_FEEDS["gnyr"])
    first = export()
    basic_text = [record for record in first if "BT" in record["types"]]
    assert len(basic_text) > 100
    assert {code for record in first for code in record["types"]} >= {"BT", "IP", "IW", "JFT"}
    for _hop in range(2):
        empty_the_directory()
        import_feed_of(first)
        assert export() == first
    assert Meeting.objects.filter(type_codes__contains=",BT,").count() == len(basic_text)

"""directory.actions.import_feed: one run per source, as a diff, in one transaction."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from homegroup.audit.models import AuditEvent
from homegroup.directory import actions
from homegroup.directory.actions import importing
from homegroup.directory.models import (
    EvidenceKind,
    ImportRun,
    MatEvidence,
    MatLevel,
    Meeting,
    MeetingChange,
)

pytestmark = pytest.mark.django_db

MANHATTAN = (40.7527, -73.9772)


def record(slug: str, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "slug": slug,
        "name": f"Meeting {slug}",
        "day": 3,
        "time": "18:30",
        "end_time": "19:30",
        "address": "1 Park Ave",
        "city": "New York",
        "state": "NY",
        "postal_code": "10016",
        "country": "US",
        "latitude": MANHATTAN[0],
        "longitude": MANHATTAN[1],
        "types": ["O", "D"],
    }
    values.update(overrides)
    return values


def feed(*records: dict[str, Any]) -> bytes:
    return json.dumps(list(records)).encode()


def run_import(source_slug: str = "metro", *records: dict[str, Any], **options: Any) -> ImportRun:
    source = actions.ensure_source(slug=source_slug)
    files = options.pop("files", None) or [(f"{source_slug}.json", feed(*records))]
    return actions.import_feed(source=source, files=files, **options)


THREE = [record("alpha"), record("beta", day=[1, 5]), record("gamma", name="Gamma Group")]


def test_a_first_import_creates_every_meeting_and_keeps_the_run():
    run = run_import("metro", *THREE, actor_id=42)
    assert (run.records, run.created, run.updated, run.unchanged, run.removed) == (3, 4, 0, 0, 0)
    assert sorted(run.diff["created"]) == ["alpha", "beta-friday", "beta-monday", "gamma"]
    assert run.timezones == {"coordinates": ["alpha", "beta-monday", "beta-friday", "gamma"]}
    assert run.finished_at is not None
    assert run.error == ""
    assert Meeting.objects.active().count() == 4
    assert Meeting.objects.get(slug="gamma").timezone == "America/New_York"
    event = AuditEvent.objects.get(action="directory.import")
    assert (event.actor_id, event.object_type, event.object_id) == (42, "import_run", str(run.pk))


def test_an_unchanged_feed_writes_no_meeting_row():
    run_import("metro", *THREE)
    with CaptureQueriesContext(connection) as captured:
        run = run_import("metro", *THREE)
    writes = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].startswith(("INSERT", "UPDATE", "DELETE"))
        and "directory_meeting" in query["sql"]
    ]
    assert writes == []
    assert (run.created, run.updated, run.unchanged, run.removed) == (0, 0, 4, 0)
    assert run.diff["created"] == []
    assert run.diff["updated"] == {}
    assert MeetingChange.objects.count() == 4  # the four "created" of the first run only


def test_a_changed_field_is_named_in_the_diff_and_the_history():
    run_import("metro", *THREE)
    changed = [record("alpha", time="19:00", end_time="20:00"), *THREE[1:]]
    run = run_import("metro", *changed)
    assert (run.created, run.updated, run.unchanged) == (0, 1, 3)
    assert run.diff["updated"] == {"alpha": ["end_time", "start_time"]}
    change = MeetingChange.objects.get(meeting__slug="alpha", change="updated")
    assert change.fields["start_time"] == ["18:30:00", "19:00:00"]
    assert change.import_run_id == run.pk


def test_a_meeting_missing_from_the_feed_is_removed_and_restored_when_it_returns():
    run_import("metro", *THREE)
    run = run_import("metro", THREE[0], THREE[1], allow_removals=True)
    assert run.removed == 1
    assert run.diff["removed"] == ["gamma"]
    gamma = Meeting.objects.get(slug="gamma")
    assert gamma.removed_at is not None
    assert Meeting.objects.active().count() == 3
    back = run_import("metro", *THREE)
    assert back.updated == 1
    assert back.diff["updated"] == {"gamma": ["removed_at"]}
    assert Meeting.objects.active().count() == 4


def test_another_sources_meetings_are_never_removed():
    run_import("metro", *THREE)
    run_import("uptown", record("delta"))
    assert Meeting.objects.active().count() == 5


def test_a_dry_run_computes_the_diff_and_changes_nothing():
    run_import("metro", *THREE)
    before = list(Meeting.objects.values_list("slug", "name", "removed_at"))
    run = run_import(
        "metro", record("alpha", name="Renamed"), record("omega"), dry_run=True, allow_removals=True
    )
    assert run.dry_run is True
    assert (run.created, run.updated, run.removed) == (1, 1, 3)
    assert run.diff["updated"] == {"alpha": ["name"]}
    assert list(Meeting.objects.values_list("slug", "name", "removed_at")) == before
    assert ImportRun.objects.filter(pk=run.pk, dry_run=True).exists()
    assert not MeetingChange.objects.filter(import_run=run).exists()


def test_a_file_that_cannot_be_parsed_changes_nothing_but_the_attempt_is_kept():
    run_import("metro", *THREE)
    source = actions.ensure_source(slug="metro")
    files = [("good.json", feed(record("omega"))), ("broken.json", b'[{"slug": "x",')]
    with pytest.raises(actions.ImportFailed) as failure:
        actions.import_feed(source=source, files=files, actor_id=7)
    assert str(failure.value).startswith("broken.json: not valid JSON")
    failed = failure.value.run
    assert failed.pk is not None
    assert failed.error == str(failure.value)
    assert failed.files == ["good.json", "broken.json"]
    assert (failed.created, failed.removed) == (0, 0)
    assert Meeting.objects.active().count() == 4
    assert not Meeting.objects.filter(slug="omega").exists()
    event = AuditEvent.objects.filter(action="directory.import").latest("pk")
    assert (event.outcome, event.object_id) == ("failure", str(failed.pk))


def test_a_file_bigger_than_any_feed_is_refused(monkeypatch):
    monkeypatch.setattr(importing, "MAX_FEED_BYTES", 100)
    with pytest.raises(actions.ImportFailed, match="more than the 100 a feed may have"):
        run_import("metro", *THREE)
    assert not Meeting.objects.exists()


def test_an_empty_feed_never_wipes_a_source():
    run_import("metro", *THREE)
    with pytest.raises(actions.ImportFailed) as failure:
        run_import("metro", allow_removals=True)
    assert str(failure.value) == (
        "the feed has no meetings; the source's 4 listed meetings are kept"
    )
    assert Meeting.objects.active().count() == 4


def test_each_meeting_gets_its_zone_from_the_feed_the_coordinates_or_the_source_default():
    source = actions.ensure_source(slug="mixed")
    actions.configure_source(source=source, default_timezone="America/Denver")
    records = [
        record("given", timezone="America/Chicago"),
        record("pinned"),
        record("unpinned", latitude=None, longitude=None),
    ]
    run = actions.import_feed(source=source, files=[("f.json", feed(*records))])
    assert run.timezones == {
        "feed": ["given"],
        "coordinates": ["pinned"],
        "source_default": ["unpinned"],
    }
    zones = dict(Meeting.objects.values_list("slug", "timezone"))
    assert zones == {
        "given": "America/Chicago",
        "pinned": "America/New_York",
        "unpinned": "America/Denver",
    }
    origins = dict(Meeting.objects.values_list("slug", "timezone_origin"))
    assert origins["unpinned"] == "source_default"


def test_a_meeting_without_a_usable_zone_is_skipped_and_reported():
    at_sea = record("at-sea", latitude=30.0, longitude=-40.0)
    run = run_import(
        "metro", record("alpha"), at_sea, record("nowhere", latitude=None, longitude=None)
    )
    assert (run.created, run.skipped) == (1, 2)
    skipped = [problem for problem in run.problems if problem["skipped"]]
    assert [(p["slug"], p["reason"], p["file"]) for p in skipped] == [
        ("at-sea", "no_timezone", "metro.json"),
        ("nowhere", "no_timezone", "metro.json"),
    ]
    assert skipped[0]["position"] == "record 2"


def test_a_source_default_zone_change_reaches_the_meetings_that_use_it():
    source = actions.ensure_source(slug="metro")
    actions.configure_source(source=source, default_timezone="America/Denver")
    unpinned = record("unpinned", latitude=None, longitude=None)
    actions.import_feed(source=source, files=[("f.json", feed(unpinned))])
    actions.configure_source(source=source, default_timezone="America/Phoenix")
    run = actions.import_feed(source=source, files=[("f.json", feed(unpinned))])
    assert run.diff["updated"] == {"unpinned": ["timezone"]}


def test_several_files_of_one_source_make_one_run_and_a_repeated_meeting_counts_once():
    first = ("monday.json", feed(record("alpha", day=1), record("beta", day=1)))
    second = ("all.json", feed(record("alpha", day=1), record("gamma", day=2)))
    run = run_import("metro", files=[first, second])
    assert (run.records, run.created, run.skipped) == (4, 3, 0)
    repeated = [p for p in run.problems if p["reason"] == "repeated_in_files"]
    assert [(p["file"], p["slug"], p["skipped"]) for p in repeated] == [
        ("all.json", "alpha", False)
    ]


def test_one_id_with_other_content_in_two_files_keeps_the_first_and_reports_the_second():
    first = ("a.json", feed(record("alpha", name="First")))
    second = ("b.json", feed(record("alpha", name="Second")))
    run = run_import("metro", files=[first, second])
    assert (run.created, run.skipped) == (1, 1)
    assert Meeting.objects.get().name == "First"
    [problem] = run.problems
    assert (problem["reason"], problem["file"], problem["skipped"]) == (
        "duplicate_id",
        "b.json",
        True,
    )


def test_unknown_codes_are_counted_on_the_run():
    run = run_import(
        "metro", record("alpha", types=["O", "ZZ", "QQ"]), record("beta", types=["ZZ"])
    )
    assert run.unknown_codes == {"ZZ": 2, "QQ": 1}
    assert Meeting.objects.get(slug="alpha").unknown_codes == ["QQ", "ZZ"]


def test_progress_is_reported_as_meetings_are_applied():
    seen: list[tuple[int, int]] = []
    run_import("metro", *THREE, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (4, 4)


def test_the_fellowship_given_applies_to_every_meeting():
    run_import("metro", record("alpha", types=["BT"]), fellowship="NA")
    meeting = Meeting.objects.select_related("fellowship").get()
    assert meeting.fellowship.code == "NA"
    assert meeting.types == ["BT"]  # Basic Text, a code of NA's list


# --- MAT evidence stated by the feed ------------------------------------------------------------


def test_a_moud_code_is_the_publishers_statement_and_confirms_the_meeting():
    run = run_import("metro", record("alpha", types=["O", "MOUD"]), record("beta"))
    evidence = MatEvidence.objects.get()
    assert (evidence.kind, evidence.stance, evidence.review_status) == (
        EvidenceKind.PUBLISHER_STATEMENT,
        "welcoming",
        "accepted",
    )
    assert evidence.source.slug == "metro"
    assert evidence.import_run_id == run.pk
    assert Meeting.objects.get(slug="alpha").mat_level == MatLevel.CONFIRMED_WELCOMING
    assert Meeting.objects.get(slug="beta").mat_level == MatLevel.UNKNOWN
    assert run.diff["evidence"] == {"added": 1, "removed": 0}
    assert run.diff["mat_levels"] == {"alpha": ["unknown", "confirmed_welcoming"]}


def test_re_importing_keeps_the_evidence_once_and_drops_what_the_source_dropped():
    with_moud = record("alpha", types=["O", "MOUD"], notes="MAT welcome")
    run_import("metro", with_moud)
    again = run_import("metro", with_moud)
    assert MatEvidence.objects.count() == 2
    assert again.diff["evidence"] == {"added": 0, "removed": 0}
    dropped = run_import("metro", record("alpha", types=["O"], notes="MAT welcome"))
    assert dropped.diff["evidence"] == {"added": 0, "removed": 1}
    assert list(MatEvidence.objects.values_list("kind", flat=True)) == ["source_notes"]
    assert Meeting.objects.get(slug="alpha").mat_level == MatLevel.REPORTED_WELCOMING


def test_wording_in_the_notes_is_evidence_of_its_own_kind():
    run_import(
        "metro",
        record("alpha", notes="Open discussion.<br>MAT-friendly meeting."),
        record("beta", notes="Sorry, no methadone talk at this meeting"),
    )
    summaries = dict(MatEvidence.objects.values_list("meeting__slug", "summary"))
    assert summaries == {
        "alpha": "The listing's notes say: “MAT-friendly”",
        "beta": "The listing's notes say: “no methadone”",
    }
    levels = dict(Meeting.objects.values_list("slug", "mat_level"))
    assert levels == {"alpha": "reported_welcoming", "beta": "reported_unwelcoming"}


def test_meetings_of_a_fellowship_with_a_medication_inclusive_charter_are_confirmed():
    run_import("metro", record("alpha"), fellowship="SMART")
    assert Meeting.objects.get().mat_level == MatLevel.CONFIRMED_WELCOMING
    assert not MatEvidence.objects.exists()  # the charter is evidence on the fellowship


def test_a_dry_run_adds_no_evidence():
    run = run_import("metro", record("alpha", types=["MOUD"]), dry_run=True)
    assert run.diff["evidence"] == {"added": 1, "removed": 0}
    assert not MatEvidence.objects.exists()


ADDRESS_SLUG = "grace-community-church-fellowship-hall-1234-north-main-street-springfield"


def test_long_ids_are_kept_whole_so_meetings_that_share_64_characters_never_collide():
    records = [record(ADDRESS_SLUG + "-il"), record(ADDRESS_SLUG + "-mo", name="Other")]
    run = run_import("long-ids", *records)
    assert (run.created, run.skipped) == (2, 0)
    stored = sorted(Meeting.objects.values_list("feed_id", "slug"))
    assert [feed_id for feed_id, _slug in stored] == [ADDRESS_SLUG + "-il", ADDRESS_SLUG + "-mo"]
    assert len({slug for _feed_id, slug in stored}) == 2
    assert all(len(slug) <= 64 for _feed_id, slug in stored)
    again = run_import("long-ids", *records)
    assert (again.created, again.unchanged, again.removed) == (0, 2, 0)


def test_an_id_longer_than_a_key_is_keyed_by_its_hash_and_found_again():
    very_long = "x" * 300
    run_import("long-ids", record(very_long))
    meeting = Meeting.objects.get()
    assert meeting.feed_id == very_long
    assert meeting.source_key.startswith("#")
    assert len(meeting.source_key) < 128
    assert run_import("long-ids", record(very_long, name="Renamed")).updated == 1


def test_a_mixed_feed_keeps_each_meetings_fellowship_in_one_source():
    records = [
        record("aa-meeting", fellowship="AA", types=["O", "B"]),
        record("na-meeting", fellowship="NA", types=["C", "IW", "BT"]),
    ]
    run = run_import("mixed", *records, fellowship="AA")
    assert run.unknown_codes == {}
    stored = dict(Meeting.objects.values_list("slug", "fellowship__code"))
    assert stored == {"aa-meeting": "AA", "na-meeting": "NA"}
    assert Meeting.objects.get(slug="na-meeting").types == ["BT", "C", "IW"]


def test_meetings_to_attend_in_person_without_coordinates_are_counted_in_the_run():
    records = [
        record("pinned"),
        record("unpinned", latitude=None, longitude=None, timezone="America/New_York"),
        record(
            "online-only",
            latitude=None,
            longitude=None,
            address=None,
            city=None,
            state=None,
            postal_code=None,
            conference_url="https://zoom.us/j/123456789",
            timezone="America/New_York",
        ),
    ]
    run = run_import("metro", *[{k: v for k, v in r.items() if v is not None} for r in records])
    assert run.created == 3
    assert run.without_coordinates == ["unpinned"]  # an online meeting needs no pin


def test_a_meeting_a_maintainer_lists_by_hand_publishes_the_numbers_they_typed(people):
    from tests.directory.maintain_data import listed_meeting

    meeting = listed_meeting(people.max, notes="Call the intergroup: 505-555-0100")
    assert meeting.contact_details_held == []

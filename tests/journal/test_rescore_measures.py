"""`homegroup rescore-measures` (journal.actions.rescore_measures): stored answers keep their
version until this command moves them, on purpose, audited; what the new version refuses stays."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from homegroup.audit.models import AuditEvent
from homegroup.journal import actions
from homegroup.journal.models import MeasureResponse, NetworkSnapshot
from homegroup.measures import bam, network, registry

pytestmark = pytest.mark.django_db


def first_version_bam(person, **answers) -> MeasureResponse:
    """A BAM as an earlier release stored it: version 1, its scores frozen with it (no action
    records an old version, so the row is written as that release wrote it)."""
    raw = {key: 0 for key in bam.INSTRUMENT_V1.keys} | {"14": 4} | answers
    scored = registry.score("bam", raw, "1")
    return MeasureResponse.objects.create(
        person=person, instrument="bam", version="1", answers=scored.answers,
        scores=scored.scores, taken_on=date(2025, 1, 2), recorded_at=timezone.now(),
    )  # fmt: skip


def rescore(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("rescore-measures", *args, stdout=out)
    return out.getvalue()


def test_first_version_bams_move_to_version_2_and_each_change_is_audited(people):
    moved = first_version_bam(people.ana, **{"6": 4, "7E": 4, "2": 20})
    refused = first_version_bam(people.ben, **{"6": 2, "7E": 5})  # more 7E days than drug days
    current = actions.record_measure(person=people.ana, instrument_id="bam", answers=moved.answers)
    output = rescore("--instrument", "bam", "--to-version", "2")
    assert "bam → version 2: 1 rescored, 1 already at it, 1 kept at their version." in output
    assert f"kept measure_response {refused.pk} at version 1: 7E: cannot be more than" in output
    moved.refresh_from_db()
    assert moved.version == "2"
    assert moved.scores == bam.score(moved.answers).as_json()
    refused.refresh_from_db()
    assert refused.version == "1"
    events = AuditEvent.objects.filter(action="journal.measure_rescore")
    assert list(events.values_list("subject_id", "object_id", "actor_id")) == [
        (people.ana.pk, str(moved.pk), None)
    ]
    current.refresh_from_db()
    assert current.version == "2"


def test_a_dry_run_changes_nothing(people):
    stored = first_version_bam(people.ana)
    output = rescore("--instrument", "bam", "--to-version", "2", "--dry-run")
    assert "1 would be rescored" in output
    stored.refresh_from_db()
    assert stored.version == "1"
    assert not AuditEvent.objects.filter(action="journal.measure_rescore").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--instrument", "phq-9", "--to-version", "1"], "Unknown instrument"),
        (["--instrument", "bam", "--to-version", "7"], "Unknown version; bam has 1, 2."),
        (["--instrument", "important-people", "--to-version", "homegroup-1"], "homegroup-2"),
    ],
)
def test_an_unknown_instrument_or_version_is_refused_and_changes_nothing(people, args, message):
    stored = first_version_bam(people.ana)
    with pytest.raises(CommandError, match=message):
        rescore(*args)
    stored.refresh_from_db()
    assert stored.version == "1"


def v1_indices(size: int) -> dict[str, object]:
    return {
        "size": size, "daily": 0, "average_importance": 3.0, "percent_heavy_users": 0.0,
        "percent_abstinent_or_in_recovery": 0.0, "supporters_of_recovery": 0,
        "supporters_of_medication": 0, "in_fellowship": 0, "sponsor_present": False,
        "important_supporting_abstinence": 1,
    }  # fmt: skip


def test_a_first_version_network_is_rescored_from_the_people_it_was_frozen_from(people):
    with time_machine.travel(datetime(2025, 3, 1, 15, tzinfo=UTC), tick=False):
        actions.save_network_member(
            person=people.ana, name="Rita", relationship="friend", contact=6, importance=5,
            drug_status=5, reaction_to_drinking=4, reaction_to_drug_use=1,
        )  # fmt: skip
    with time_machine.travel(datetime(2025, 3, 9, 15, tzinfo=UTC), tick=False):
        actions.save_network_member(
            person=people.ana, name="Lee", relationship="sponsor", contact=6, importance=5,
            is_sponsor=True, reaction_to_drinking=4, reaction_to_drug_use=4,
        )  # fmt: skip
    older, latest = NetworkSnapshot.objects.order_by("taken_on")
    # As the first release stored them: its indices, no answers.
    NetworkSnapshot.objects.filter(pk=older.pk).update(
        version="homegroup-1", answers=None, indices=v1_indices(1)
    )
    NetworkSnapshot.objects.filter(pk=latest.pk).update(
        version="homegroup-1", answers=None, indices=v1_indices(2)
    )
    output = rescore("--instrument", "important-people", "--to-version", "homegroup-2")
    assert "1 rescored, 0 already at it, 1 kept at their version." in output
    assert f"kept network_snapshot {older.pk} at version homegroup-1" in output
    latest.refresh_from_db()
    assert latest.version == "homegroup-2"
    indices = network.NetworkIndices.from_json(latest.indices)
    assert (indices.size, indices.sponsor_listed) == (2, True)
    # Rita encouraged drug use: never support for not using drugs, whatever she said of drinking.
    assert indices.important_supporting_not_drinking == 2
    assert indices.important_supporting_not_using_drugs == 1
    assert len(latest.answers) == 2
    older.refresh_from_db()
    assert (older.version, older.indices) == ("homegroup-1", v1_indices(1))


def test_snapshots_that_kept_their_answers_are_rescored_from_them(people):
    actions.save_network_member(
        person=people.ana, name="Rita", relationship="friend", contact=6, importance=5
    )
    actions.save_network_member(
        person=people.ana, name="Lee", relationship="friend", contact=2, importance=2
    )
    snapshot = NetworkSnapshot.objects.get()
    # An older version's indices, but the answers it was frozen from are kept.
    NetworkSnapshot.objects.filter(pk=snapshot.pk).update(
        version="homegroup-1", indices=v1_indices(7)
    )
    rescore("--instrument", "important-people", "--to-version", "homegroup-2")
    snapshot.refresh_from_db()
    assert snapshot.version == "homegroup-2"
    indices = network.NetworkIndices.from_json(snapshot.indices)
    assert (indices.size, indices.daily, indices.average_importance) == (2, 1, 3.5)

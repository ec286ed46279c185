"""directory.actions.bulk_create_synthetic: a synthetic source, stored in batches, audited once."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from homegroup.audit.models import AuditEvent
from homegroup.directory import actions
from homegroup.directory.feeds import build_feed, feed_queryset
from homegroup.directory.models import (
    EvidenceKind,
    ImportRun,
    MatEvidence,
    MatLevel,
    Meeting,
    MeetingChange,
    Region,
)
from homegroup.directory.synthetic import SYNTHETIC_ENTITY, generate

pytestmark = pytest.mark.django_db


def test_it_stores_what_the_generator_makes_as_an_import_would():
    run = actions.bulk_create_synthetic(meetings=300, seed=3, actor_id=9)
    assert (run.records, run.created, run.feed_format) == (300, 300, "synthetic")
    assert "not real meetings" in run.files[0]
    assert run.source.slug == "synthetic"
    assert "not real meetings" in run.source.name
    stored = {m.slug: m for m in Meeting.objects.select_related("fellowship", "region__parent")}
    made = list(generate(meetings=300, seed=3))
    assert sorted(stored) == sorted(m.slug for m in made)
    first, meeting = made[0], stored[made[0].slug]
    assert (meeting.name, meeting.day, meeting.start_time, meeting.end_time) == (
        first.name, first.day, first.start, first.end,
    )  # fmt: skip
    assert (meeting.timezone, meeting.timezone_origin) == (first.timezone, "feed")
    assert meeting.fellowship.code == first.fellowship
    assert meeting.types == list(first.types)
    assert meeting.fingerprint == actions.fingerprint(first)
    assert (meeting.region.parent.name, meeting.region.name) == first.regions
    assert meeting.entity == SYNTHETIC_ENTITY
    assert MeetingChange.objects.filter(change="created", import_run=run).count() == 300


def test_levels_and_evidence_follow_the_mat_rule():
    actions.bulk_create_synthetic(meetings=600, seed=3)
    for meeting in Meeting.objects.select_related("fellowship"):
        if meeting.fellowship.medication_inclusive_charter or "MOUD" in meeting.types:
            assert meeting.mat_level == MatLevel.CONFIRMED_WELCOMING
        elif "medication-assisted" in meeting.notes:
            assert meeting.mat_level == MatLevel.REPORTED_WELCOMING
        else:
            assert meeting.mat_level == MatLevel.UNKNOWN
    kinds = set(MatEvidence.objects.values_list("kind", flat=True))
    assert kinds == {EvidenceKind.PUBLISHER_STATEMENT, EvidenceKind.SOURCE_NOTES}
    # Stored values are the same as refresh_mat_level derives from the evidence.
    for meeting in Meeting.objects.filter(mat_evidence__isnull=False).distinct()[:20]:
        level = meeting.mat_level
        assert actions.refresh_mat_level(meeting).level == level


def test_a_second_run_refuses_unless_asked_to_replace_and_it_is_audited_once_per_run():
    actions.bulk_create_synthetic(meetings=40, seed=1)
    with pytest.raises(ValidationError, match="already has meetings"):
        actions.bulk_create_synthetic(meetings=40, seed=2)
    actions.bulk_create_synthetic(meetings=25, seed=2, replace_existing=True)
    assert Meeting.objects.count() == 25
    assert ImportRun.objects.count() == 2
    assert AuditEvent.objects.filter(action="directory.synthetic_generated").count() == 2


def test_a_real_source_is_never_filled_nor_emptied():
    feed = json.dumps(
        [
            {
                "slug": "sunrise",
                "name": "Sunrise",
                "day": 1,
                "time": "07:00",
                "timezone": "America/New_York",
                "formatted_address": "1 Main St",
            }
        ]
    )
    actions.import_feed(source=actions.ensure_source(slug="vermont"), files=[("f", feed.encode())])
    with pytest.raises(ValidationError, match="real source"):
        actions.bulk_create_synthetic(
            meetings=5, seed=1, source_slug="vermont", replace_existing=True
        )
    assert Meeting.objects.get().slug == "sunrise"


def test_at_least_one_meeting():
    with pytest.raises(ValidationError):
        actions.bulk_create_synthetic(meetings=0, seed=1)


def test_regions_are_made_once_and_the_feed_publishes_the_synthetic_directory(
    django_assert_max_num_queries,
):
    actions.bulk_create_synthetic(meetings=200, seed=5)
    paths = set(Region.objects.filter(parent__isnull=False).values_list("parent__name", "name"))
    assert len(paths) == Region.objects.filter(parent__isnull=False).count()
    with django_assert_max_num_queries(3):
        feed = build_feed(feed_queryset())
    assert len(feed) == Meeting.objects.active().count() == 200
    assert {record["entity"] for record in feed} == {SYNTHETIC_ENTITY}

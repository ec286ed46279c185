"""directory.actions.add_mat_evidence / withdraw_mat_evidence / refresh_mat_level."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from homegroup.directory import actions
from homegroup.directory.models import MatEvidence, MatLevel
from tests.directory.mat_data import imported_meeting

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def test_a_maintainer_records_a_groups_statement_and_the_meeting_is_confirmed(people):
    meeting = imported_meeting()
    evidence = actions.add_mat_evidence(
        meeting=meeting,
        actor=people.max,
        kind="publisher_statement",
        stance="welcoming",
        summary="  The group secretary wrote:  people on methadone are welcome to share. ",
        observed_on=TODAY() - timedelta(days=2),
    )
    assert (
        evidence.summary == "The group secretary wrote: people on methadone are welcome to share."
    )
    assert (evidence.review_status, evidence.reporter_key, evidence.source_id) == (
        "accepted",
        "",
        None,
    )
    meeting.refresh_from_db()
    assert meeting.mat_level == MatLevel.CONFIRMED_WELCOMING


def test_a_maintainers_unwelcoming_check_is_reported_unwelcoming(people):
    meeting = imported_meeting()
    actions.add_mat_evidence(
        meeting=meeting,
        actor=people.max,
        kind="maintainer",
        stance="unwelcoming",
        summary="Visited: members on medication are asked not to share.",
        observed_on=TODAY(),
    )
    meeting.refresh_from_db()
    assert meeting.mat_level == MatLevel.REPORTED_UNWELCOMING


def test_only_maintainers_add_statements_and_never_as_reports(people):
    meeting = imported_meeting()
    with pytest.raises(PermissionDenied):
        actions.add_mat_evidence(
            meeting=meeting,
            actor=people.cora,
            kind="maintainer",
            stance="welcoming",
            summary="x",
            observed_on=TODAY(),
        )
    with pytest.raises(ValidationError) as error:
        actions.add_mat_evidence(
            meeting=meeting,
            actor=people.max,
            kind="member_report",
            stance="welcoming",
            summary="x",
            observed_on=TODAY(),
        )
    assert "kind" in error.value.message_dict
    assert not MatEvidence.objects.exists()


def test_withdrawing_a_statement_refreshes_the_level(people):
    meeting = imported_meeting()
    evidence = actions.add_mat_evidence(
        meeting=meeting,
        actor=people.max,
        kind="maintainer",
        stance="welcoming",
        summary="Checked with the group.",
        observed_on=TODAY(),
    )
    actions.withdraw_mat_evidence(evidence=evidence, actor=people.max)
    meeting.refresh_from_db()
    assert meeting.mat_level == MatLevel.UNKNOWN
    assert not MatEvidence.objects.exists()


def test_evidence_read_from_a_feed_is_changed_at_the_source_not_by_hand(people):
    meeting = imported_meeting(types=["MOUD"])
    with pytest.raises(ValidationError):
        actions.withdraw_mat_evidence(evidence=meeting.mat_evidence.get(), actor=people.max)


def test_reports_age_out_when_the_level_is_refreshed(people):
    meeting = imported_meeting()
    report = actions.report_mat_experience(
        meeting=meeting, reporter=people.ana, stance="welcoming", observed_on=TODAY()
    )
    actions.review_mat_report(evidence=report, reviewer=people.max, accept=True)
    later = TODAY() + timedelta(days=6 * 365)
    decision = actions.refresh_mat_level(meeting, today=later)
    assert decision.level == "unknown"
    meeting.refresh_from_db()
    assert meeting.mat_level == MatLevel.UNKNOWN
    assert actions.refresh_mat_level(meeting, today=date(2000, 1, 1)).level == "reported_welcoming"

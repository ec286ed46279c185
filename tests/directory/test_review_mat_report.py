"""directory.actions.review_mat_report: a directory maintainer decides whether a report counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from homegroup.audit.models import AuditEvent
from homegroup.directory import actions
from homegroup.directory.models import MatLevel
from tests.directory.mat_data import imported_meeting

pytestmark = pytest.mark.django_db


def pending_report(people, stance="welcoming", reporter=None):
    return actions.report_mat_experience(
        meeting=imported_meeting(),
        reporter=reporter or people.ana,
        stance=stance,
        observed_on=timezone.localdate() - timedelta(days=5),
    )


def test_an_accepted_report_counts_and_refreshes_the_level(people):
    report = pending_report(people)
    actions.review_mat_report(evidence=report, reviewer=people.max, accept=True)
    report.refresh_from_db()
    assert (report.review_status, report.reviewed_by_id) == ("accepted", people.max.pk)
    report.meeting.refresh_from_db()
    assert report.meeting.mat_level == MatLevel.REPORTED_WELCOMING
    assert AuditEvent.objects.filter(action="directory.mat_report_reviewed").count() == 1
    assert AuditEvent.objects.filter(action="directory.mat_level_changed").count() == 1


def test_a_rejected_report_does_not_count(people):
    report = pending_report(people, stance="unwelcoming")
    actions.review_mat_report(evidence=report, reviewer=people.max, accept=False)
    report.refresh_from_db()
    assert report.review_status == "rejected"
    report.meeting.refresh_from_db()
    assert report.meeting.mat_level == MatLevel.UNKNOWN


@pytest.mark.parametrize("who", ["ana", "cora", "pat", "sam"])
def test_only_directory_maintainers_review(people, who):
    report = pending_report(people)
    with pytest.raises(PermissionDenied):
        actions.review_mat_report(evidence=report, reviewer=getattr(people, who), accept=True)
    report.refresh_from_db()
    assert report.review_status == "pending"


def test_a_report_is_reviewed_once(people):
    report = pending_report(people)
    actions.review_mat_report(evidence=report, reviewer=people.max, accept=True)
    with pytest.raises(ValidationError):
        actions.review_mat_report(evidence=report, reviewer=people.max, accept=False)


def test_imported_evidence_is_not_a_report_to_review(people):
    meeting = imported_meeting(types=["MOUD"])
    statement = meeting.mat_evidence.get()
    with pytest.raises(ValidationError):
        actions.review_mat_report(evidence=statement, reviewer=people.max, accept=False)

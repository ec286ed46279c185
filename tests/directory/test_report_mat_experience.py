"""directory.actions.report_mat_experience: people in recovery and clinicians say how people on
medication were received; a maintainer reviews before it counts; one person counts once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from homegroup.audit.models import AuditEvent
from homegroup.directory import actions
from homegroup.directory.models import MatEvidence, MatLevel
from tests.directory.mat_data import imported_meeting

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.localdate() - timedelta(days=days)


def test_a_person_in_recovery_reports_and_it_waits_for_review(people):
    meeting = imported_meeting()
    evidence = actions.report_mat_experience(
        meeting=meeting, reporter=people.ana, stance="welcoming", observed_on=days_ago(3)
    )
    assert (evidence.kind, evidence.stance, evidence.review_status) == (
        "member_report",
        "welcoming",
        "pending",
    )
    assert evidence.observed_at.date() == days_ago(3)
    meeting.refresh_from_db()
    assert meeting.mat_level == MatLevel.UNKNOWN  # pending reports don't count
    event = AuditEvent.objects.get(action="directory.mat_report")
    assert (event.actor_id, event.object_type, event.object_id) == (
        people.ana.pk,
        "mat_evidence",
        str(evidence.pk),
    )


def test_the_report_keeps_only_an_opaque_key_never_the_person(people):
    meeting = imported_meeting()
    evidence = actions.report_mat_experience(
        meeting=meeting, reporter=people.ana, stance="unwelcoming", observed_on=days_ago(1)
    )
    assert len(evidence.reporter_key) == 64
    assert evidence.reporter_key == actions.reporter_key(
        user_id=people.ana.pk, meeting_id=meeting.pk
    )
    assert evidence.reporter_key != actions.reporter_key(
        user_id=people.ben.pk, meeting_id=meeting.pk
    )
    assert "Ana" not in evidence.summary
    person_fields = {f.name for f in MatEvidence._meta.get_fields() if f.is_relation}
    assert person_fields == {"meeting", "import_run", "source"}  # no link to any account


def test_a_clinicians_report_is_a_clinician_report(people):
    evidence = actions.report_mat_experience(
        meeting=imported_meeting(),
        reporter=people.cora,
        stance="welcoming",
        observed_on=days_ago(0),
    )
    assert evidence.kind == "clinician_report"
    assert evidence.summary.startswith("A clinician reported")


def test_a_second_report_of_the_same_person_replaces_the_first(people):
    meeting = imported_meeting()
    first = actions.report_mat_experience(
        meeting=meeting, reporter=people.ana, stance="welcoming", observed_on=days_ago(30)
    )
    actions.review_mat_report(evidence=first, reviewer=people.max, accept=True)
    meeting.refresh_from_db()
    assert meeting.mat_level == MatLevel.REPORTED_WELCOMING
    second = actions.report_mat_experience(
        meeting=meeting, reporter=people.ana, stance="unwelcoming", observed_on=days_ago(2)
    )
    assert second.pk == first.pk
    assert MatEvidence.objects.count() == 1
    assert (second.stance, second.review_status, second.reviewed_by_id) == (
        "unwelcoming",
        "pending",
        None,
    )
    meeting.refresh_from_db()
    assert meeting.mat_level == MatLevel.UNKNOWN  # the accepted report was replaced


@pytest.mark.parametrize("who", ["pat", "max", "sam"])
def test_only_people_in_recovery_and_clinicians_may_report(people, who):
    meeting = imported_meeting()
    with pytest.raises(PermissionDenied):
        actions.report_mat_experience(
            meeting=meeting,
            reporter=getattr(people, who),
            stance="welcoming",
            observed_on=days_ago(1),
        )
    assert not MatEvidence.objects.exists()
    assert AuditEvent.objects.filter(action="directory.mat_report", outcome="denied").count() == 1


@pytest.mark.parametrize(
    ("stance", "observed", "field"),
    [
        ("maybe", 1, "stance"),
        ("welcoming", -1, "observed_on"),
        ("welcoming", 6 * 365, "observed_on"),
    ],
)
def test_a_bad_report_names_the_field(people, stance, observed, field):
    with pytest.raises(ValidationError) as error:
        actions.report_mat_experience(
            meeting=imported_meeting(),
            reporter=people.ben,
            stance=stance,
            observed_on=days_ago(observed),
        )
    assert field in error.value.message_dict
    assert not MatEvidence.objects.exists()

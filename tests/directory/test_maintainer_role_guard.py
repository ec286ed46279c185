"""accounts.permissions.requires_role on the maintainers' actions: the refusal is audited before
the action's transaction opens, so the denied row stays even though the action raised."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from homegroup.audit.models import AuditEvent
from homegroup.directory import actions
from homegroup.directory.models import Meeting
from tests.directory.maintain_data import canonical, listed_meeting

pytestmark = pytest.mark.django_db


def denied(action: str) -> list[tuple[int | None, str, str]]:
    return list(
        AuditEvent.objects.filter(action=action, outcome="denied").values_list(
            "actor_id", "object_type", "object_id"
        )
    )


def test_a_member_cannot_list_a_meeting_and_the_refusal_is_kept(people):
    with pytest.raises(PermissionDenied):
        actions.create_meeting_by_maintainer(canonical=canonical(), actor=people.ana)
    assert not Meeting.objects.exists()
    assert denied("directory.meeting_created") == [(people.ana.pk, "", "")]


@pytest.mark.parametrize(
    ("action", "call"),
    [
        (
            "directory.meeting_updated",
            lambda meeting, who: actions.update_meeting_by_maintainer(
                meeting=meeting, canonical=canonical(name="Taken over"), actor=who
            ),
        ),
        (
            "directory.meeting_removed",
            lambda meeting, who: actions.remove_meeting_by_maintainer(meeting=meeting, actor=who),
        ),
        (
            "directory.meeting_restored",
            lambda meeting, who: actions.restore_meeting_by_maintainer(meeting=meeting, actor=who),
        ),
    ],
)
def test_a_clinician_cannot_change_a_listed_meeting_and_the_refusal_names_it(people, action, call):
    meeting = listed_meeting(people.max)
    with pytest.raises(PermissionDenied):
        call(meeting, people.cora)
    meeting.refresh_from_db()
    assert (meeting.name, meeting.removed_at) == ("Tuesday Night Hope", None)
    assert denied(action) == [(people.cora.pk, "meeting", str(meeting.pk))]

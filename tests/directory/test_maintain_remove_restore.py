"""Taking a meeting off the directory and listing it again (POST only, history kept)."""

import pytest
from django.urls import reverse

from homegroup.audit.models import AuditEvent
from homegroup.directory.models import Meeting, MeetingChange
from tests.directory.maintain_data import listed_meeting

pytestmark = pytest.mark.django_db


def url(name, meeting):
    return reverse(f"maintain:meeting-{name}", args=[meeting.slug])


def test_max_removes_a_meeting_and_its_history_says_so(people, client_for):
    meeting = listed_meeting(people.max)
    response = client_for(people.max).post(url("remove", meeting))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.removed_at is not None
    assert not Meeting.objects.active().exists()
    latest = MeetingChange.objects.filter(meeting=meeting).first()
    assert (latest.change, latest.actor_id) == ("removed", people.max.pk)
    assert AuditEvent.objects.filter(
        action="directory.meeting_removed", object_id=str(meeting.pk)
    ).exists()


def test_max_lists_a_removed_meeting_again(people, client_for):
    meeting = listed_meeting(people.max)
    client = client_for(people.max)
    client.post(url("remove", meeting))
    response = client.post(url("restore", meeting))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.removed_at is None
    assert [change.change for change in MeetingChange.objects.filter(meeting=meeting)] == [
        "restored",
        "removed",
        "created",
    ]


def test_removing_twice_records_it_once(people, client_for):
    meeting = listed_meeting(people.max)
    client = client_for(people.max)
    client.post(url("remove", meeting))
    client.post(url("remove", meeting))
    assert MeetingChange.objects.filter(meeting=meeting, change="removed").count() == 1


@pytest.mark.parametrize("action", ["remove", "restore"])
def test_a_link_cannot_remove_or_restore(people, client_for, action):
    meeting = listed_meeting(people.max)
    assert client_for(people.max).get(url(action, meeting)).status_code == 405
    meeting.refresh_from_db()
    assert meeting.removed_at is None


@pytest.mark.parametrize("name", ["ana", "cora", "pat", "sam"])
def test_nobody_else_removes_a_meeting(people, client_for, name):
    meeting = listed_meeting(people.max)
    response = client_for(getattr(people, name)).post(url("remove", meeting))
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.removed_at is None

"""Every journal page view and API answer is one audited read: actor, whose record, what."""

import pytest

from homegroup.audit.models import AuditEvent
from homegroup.journal import actions
from tests.journal.journal_data import buprenorphine, start_journal

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "object_type"),
    [
        ("/journal/", "check_in"),
        ("/journal/calendar/", "calendar"),
        ("/journal/recovery/", "recovery_time"),
        ("/journal/medication/", "medication_plan"),
        ("/journal/medication/new/", "medication_plan"),
        ("/journal/twelve-step/", "twelve_step_life"),
        ("/journal/twelve-step/service/new/", "service_commitment"),
        ("/journal/network/", "network"),
        ("/journal/network/new/", "network_member"),
        ("/journal/measures/", "measure_response"),
        ("/journal/measures/bam/", "measure_response"),
        ("/journal/measures/aai/", "measure_response"),
        ("/journal/settings/", "journal_profile"),
        ("/api/v1/me/checkins", "check_in"),
        ("/api/v1/me/summary", "summary"),
    ],
)
def test_one_page_view_is_one_audited_read(people, client_for, path, object_type):
    start_journal(people.ana)
    client = client_for(people.ana)
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    assert client.get(path).status_code == 200
    [read] = AuditEvent.objects.filter(id__gt=last)
    assert (read.action, read.actor_id, read.subject_id, read.object_type) == (
        "journal.read",
        people.ana.pk,
        people.ana.pk,
        object_type,
    )


def test_reading_an_object_names_it(people, client_for):
    plan = buprenorphine(people.ana)
    client_for(people.ana).get(f"/journal/medication/{plan.pk}/edit/")
    read = AuditEvent.objects.filter(action="journal.read").get()
    assert (read.object_type, read.object_id) == ("medication_plan", str(plan.pk))


def test_a_refused_look_at_another_persons_object_reads_nothing(people, client_for):
    member = actions.save_network_member(
        person=people.ana, name="Kim", relationship="friend", contact=6, importance=5
    )
    client_for(people.ben).get(f"/journal/network/{member.pk}/edit/")
    assert not AuditEvent.objects.filter(action="journal.read").exists()

"""GET /api/v1/me/summary: recovery time, meetings in the last 7/30/90 days, adherence, BAM."""

import pytest

from homegroup.audit.models import AuditEvent
from homegroup.journal import actions
from homegroup.measures import bam
from tests.journal.journal_data import buprenorphine, check_in, meeting, start_journal

pytestmark = pytest.mark.django_db


def test_the_summary_of_a_person_on_buprenorphine(people, client_for):
    start_journal(people.ana, recovery_days=100)
    plan = buprenorphine(people.ana)
    home = meeting()
    for back in (0, 3, 10, 45):
        check_in(
            people.ana,
            back,
            use_status="none",
            meetings=[actions.MeetingAttended(meeting_id=home.pk)],
            doses=[actions.DoseReport(plan_id=plan.pk, status="taken")],
        )
    answers = {key: 0 for key in bam.INSTRUMENT.keys} | {"9": 4, "14": 4, "16": 30}
    actions.record_measure(person=people.ana, instrument_id="bam", answers=answers)
    data = client_for(people.ana).get("/api/v1/me/summary").json()
    assert data["recovery"]["days"] == 100
    assert data["recovery"]["scope"] == "all"
    assert data["recovery"]["next_milestone"]["unit"] == "months"
    assert data["meetings"] == {"last_7_days": 2, "last_30_days": 3, "last_90_days": 4}
    [adherence] = data["adherence"]
    assert (adherence["plan_id"], adherence["scheduled"], adherence["taken"]) == (plan.pk, 30, 3)
    assert adherence["unknown"] == 27
    assert data["latest_bam"]["protective"] == 12
    assert data["latest_bam"]["protective_flag"] is True
    assert data["latest_bam"]["use_flag"] is False
    assert AuditEvent.objects.filter(action="journal.read", object_type="summary").count() == 1


def test_a_newcomers_summary_is_empty_not_an_error(people, client_for):
    data = client_for(people.ben).get("/api/v1/me/summary").json()
    assert data["recovery"]["days"] == 0
    assert data["recovery"]["start"] is None
    assert data["latest_bam"] is None
    assert data["adherence"] == []


def test_the_summary_keeps_a_lapse_as_history(people, client_for):
    start_journal(people.ana, recovery_days=200)
    check_in(people.ana, 57, use_status="used", substances=["alcohol"])
    recovery = client_for(people.ana).get("/api/v1/me/summary").json()["recovery"]
    assert recovery["days"] == 56
    assert [streak["days"] for streak in recovery["previous"]] == [143]


@pytest.mark.parametrize(("who", "status"), [("dev", 403), ("max", 403), (None, 401)])
def test_only_people_in_recovery_get_a_summary(people, client_for, who, status):
    client = client_for(getattr(people, who) if who else None)
    assert client.get("/api/v1/me/summary").status_code == status

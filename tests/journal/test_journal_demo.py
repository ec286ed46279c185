"""journal.demo: several months of clearly synthetic history for Ana and Ben, through the
actions, idempotent, so the progress charts mean something on the first run."""

from __future__ import annotations

import pytest

from homegroup.accounts import demo as account_demo
from homegroup.accounts.models import User
from homegroup.audit.models import AuditEvent
from homegroup.journal import demo, summaries
from homegroup.journal.models import (
    CheckIn,
    JournalProfile,
    MeasureResponse,
    NetworkMember,
    NetworkSnapshot,
    ServiceCommitment,
    TwelveStepLife,
)
from tests.journal.journal_data import meeting
from tests.journal.progress_data import chart_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_people():
    account_demo.load()
    meeting("Demo Home Group")
    return {
        name: User.objects.get(email=f"{name}@demo.homegroup.invalid") for name in ("ana", "ben")
    }


def test_ana_gets_months_of_history_with_one_lapse_and_a_changed_network(demo_people):
    message = demo.load()
    assert "synthetic" in message
    ana = demo_people["ana"]
    days = CheckIn.objects.filter(person=ana)
    assert 120 <= days.count() <= 150
    assert not days.filter(retrospective=True).exists()  # each day recorded that evening
    lapses = days.filter(use_status="used")
    assert lapses.count() == 1
    assert "Sam" in str(lapses.get().note)
    profile = JournalProfile.objects.get(person=ana)
    time = summaries.recovery_time_of(ana, profile, profile.today())
    assert time.days == 37  # the count restarted after the lapse, kept the history
    assert time.previous
    assert TwelveStepLife.objects.get(person=ana).sponsor_name == "Sam"
    assert ServiceCommitment.objects.filter(person=ana).exists()
    assert NetworkMember.objects.filter(person=ana).count() == 6
    assert NetworkSnapshot.objects.filter(person=ana).count() == 2
    assert MeasureResponse.objects.filter(person=ana, instrument="bam").count() == 3
    counts = summaries.meeting_counts(ana, profile.today())
    assert 3 * 4 <= counts.last_30_days <= 5 * 5  # 3-5 meetings a week


def test_ben_has_fewer_meetings_and_more_unknown_days(demo_people):
    demo.load()
    ana, ben = demo_people["ana"], demo_people["ben"]
    today = JournalProfile.objects.get(person=ben).today()
    assert (
        summaries.meeting_counts(ben, today).last_90_days
        < summaries.meeting_counts(ana, today).last_90_days
    )
    assert CheckIn.objects.filter(person=ben).count() < CheckIn.objects.filter(person=ana).count()
    assert MeasureResponse.objects.filter(person=ben, instrument="bam").count() == 1


def test_the_demo_is_idempotent_and_audited_through_the_actions(demo_people):
    demo.load()
    counts = (CheckIn.objects.count(), MeasureResponse.objects.count(), AuditEvent.objects.count())
    assert AuditEvent.objects.filter(action="journal.check_in").count() == CheckIn.objects.count()
    assert "already there" in demo.load()
    assert (
        CheckIn.objects.count(),
        MeasureResponse.objects.count(),
        AuditEvent.objects.count(),
    ) == counts


def test_the_demo_progress_page_has_something_to_show(demo_people, client_for):
    demo.load()
    response = client_for(demo_people["ana"]).get("/journal/progress/")
    assert "Latest," in response.content.decode()
    data = chart_data(response)
    assert sum(series["values"].count(1) for series in data["days"] if series["key"] == "used")
    assert len(data["bam"]["dates"]) == 3
    assert len(data["network"]["dates"]) == 2

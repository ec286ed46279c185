"""journal.actions.record_check_in: one day per person, whole-day replace, unknown by default."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from homegroup.audit.models import AuditEvent
from homegroup.journal import actions, summaries
from homegroup.journal.actions import CheckInValues, DoseReport, MeetingAttended
from homegroup.journal.models import CheckIn, CheckInDose, CheckInMeeting, JournalProfile
from tests.journal.journal_data import buprenorphine, check_in, meeting, start_journal, today_of

pytestmark = pytest.mark.django_db


def full_day(home, plan):
    return CheckInValues(
        meetings=[
            MeetingAttended(meeting_id=home.pk),
            MeetingAttended(name="Friday night step study", attendance="online"),
        ],
        service=True,
        talked_with_sponsor=True,
        step_worked=4,
        doses=[DoseReport(plan_id=plan.pk, status="taken")],
        use_status="none",
        craving=3,
        mood=4,
        note="Good meeting. Called my sponsor.",
    )


def test_a_day_is_recorded_with_its_meetings_doses_and_activities_and_audited(people):
    start_journal(people.ana)
    home, plan = meeting("Serenity Group"), buprenorphine(people.ana)
    saved = actions.record_check_in(
        person=people.ana, day=today_of(people.ana), values=full_day(home, plan)
    )
    assert saved.created
    assert saved.changed
    day = CheckIn.objects.get(pk=saved.check_in.pk)
    assert not day.retrospective
    assert day.step_work  # a step number means step work
    assert day.step_worked == 4
    assert sorted(
        CheckInMeeting.objects.filter(check_in=day).values_list("attendance", flat=True)
    ) == [
        "in_person",
        "online",
    ]
    assert CheckInDose.objects.get(check_in=day).status == "taken"
    event = AuditEvent.objects.get(action="journal.check_in")
    assert (event.actor_id, event.subject_id, event.object_type, event.object_id) == (
        people.ana.pk,
        people.ana.pk,
        "check_in",
        str(day.pk),
    )


def test_saving_an_unchanged_day_again_writes_nothing_and_audits_nothing(people):
    start_journal(people.ana)
    home, plan = meeting(), buprenorphine(people.ana)
    first = actions.record_check_in(
        person=people.ana, day=today_of(people.ana), values=full_day(home, plan)
    )
    audit_rows = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        again = actions.record_check_in(
            person=people.ana, day=today_of(people.ana), values=full_day(home, plan)
        )
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert not again.changed
    assert AuditEvent.objects.count() == audit_rows
    assert CheckIn.objects.get().updated_at == first.check_in.updated_at


def test_changing_a_day_replaces_it_and_is_audited_as_an_edit(people):
    start_journal(people.ana)
    home, plan = meeting(), buprenorphine(people.ana)
    actions.record_check_in(
        person=people.ana, day=today_of(people.ana), values=full_day(home, plan)
    )
    saved = actions.record_check_in(
        person=people.ana, day=today_of(people.ana), values=CheckInValues(use_status="none", mood=2)
    )
    assert saved.changed
    assert not saved.created
    assert CheckInMeeting.objects.count() == 0
    assert CheckInDose.objects.count() == 0
    assert CheckIn.objects.get().mood == 2
    assert AuditEvent.objects.filter(action="journal.check_in_edit").count() == 1


def test_a_past_day_filled_in_later_is_retrospective_and_stays_so(people):
    start_journal(people.ana)
    saved = check_in(people.ana, 3, use_status="none")
    assert saved.check_in.retrospective
    check_in(people.ana, 3, use_status="none", mood=3)
    assert CheckIn.objects.get().retrospective


def test_a_day_that_has_not_come_yet_in_the_persons_zone_is_refused_and_nothing_stored(people):
    with time_machine.travel(datetime(2025, 7, 1, 2, 30, tzinfo=UTC), tick=False):
        start_journal(people.ana, zone="America/New_York")
        start_journal(people.ben, zone="Europe/Paris")
        july_first = datetime(2025, 7, 1).date()
        with pytest.raises(ValidationError) as refused:
            actions.record_check_in(person=people.ana, day=july_first, values=CheckInValues())
        assert "date" in refused.value.message_dict
        assert not CheckIn.objects.filter(person=people.ana).exists()
        # It is already 1 July in Paris.
        actions.record_check_in(person=people.ben, day=july_first, values=CheckInValues())
        assert CheckIn.objects.filter(person=people.ben, date=july_first).exists()


def test_without_a_profile_today_follows_the_default_zone(people):
    profile = JournalProfile.objects.for_person(people.ana)
    assert profile.pk is None
    actions.record_check_in(person=people.ana, day=profile.today(), values=CheckInValues())
    assert not JournalProfile.objects.filter(person=people.ana).exists()  # reading never writes


@pytest.mark.parametrize(
    ("values", "field"),
    [
        (CheckInValues(craving=11), "craving"),
        (CheckInValues(craving=-1), "craving"),
        (CheckInValues(mood=0), "mood"),
        (CheckInValues(step_worked=13), "step_worked"),
        (CheckInValues(use_status="maybe"), "use_status"),
        (CheckInValues(use_status="used"), "substances"),
        (CheckInValues(use_status="none", substances=["alcohol"]), "use_status"),
        (CheckInValues(use_status="used", substances=["heroin"]), "substances"),
        (CheckInValues(use_status="used", substances=["medication"]), "substances"),
        (CheckInValues(use_status="used", substances=["cannabis"], drinks=3), "drinks"),
        (CheckInValues(use_status="used", misused_medication="aspirin"), "misused_medication"),
        (CheckInValues(note="x" * 4001), "note"),
        (CheckInValues(meetings=[MeetingAttended(name="x" * 121)]), "meetings"),
        (CheckInValues(meetings=[MeetingAttended(meeting_id=999_999)]), "meetings"),
        (CheckInValues(meetings=[MeetingAttended(name="A", attendance="by phone")]), "meetings"),
        (CheckInValues(meetings=[MeetingAttended(name=f"M{n}") for n in range(11)]), "meetings"),
    ],
)
def test_bad_values_are_refused_naming_the_field_and_nothing_is_stored(people, values, field):
    start_journal(people.ana)
    with pytest.raises(ValidationError) as refused:
        actions.record_check_in(person=people.ana, day=today_of(people.ana), values=values)
    assert field in refused.value.message_dict
    assert not CheckIn.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="journal.check_in").exists()


def test_another_persons_medication_cannot_be_reported(people):
    start_journal(people.ana)
    start_journal(people.ben)
    anas_plan = buprenorphine(people.ana)
    with pytest.raises(ValidationError, match="not in your plan"):
        check_in(people.ben, doses=[DoseReport(plan_id=anas_plan.pk, status="taken")])
    assert not CheckIn.objects.exists()


def test_a_medication_not_yet_started_that_day_cannot_be_reported(people):
    start_journal(people.ana)
    plan = buprenorphine(people.ana, since_days=2)
    with pytest.raises(ValidationError, match="was not in your plan that day"):
        check_in(people.ana, 5, doses=[DoseReport(plan_id=plan.pk, status="taken")])


def test_a_different_dose_keeps_the_dose_taken_and_other_statuses_drop_it(people):
    start_journal(people.ana)
    plan = buprenorphine(people.ana)
    check_in(
        people.ana, doses=[DoseReport(plan_id=plan.pk, status="different_dose", dose_taken="8")]
    )
    assert str(CheckInDose.objects.get().dose_taken) == "8.00"
    check_in(people.ana, doses=[DoseReport(plan_id=plan.pk, status="missed", dose_taken="8")])
    assert CheckInDose.objects.get().dose_taken is None


def test_the_same_meeting_twice_in_a_day_is_one_meeting(people):
    start_journal(people.ana)
    home = meeting()
    check_in(
        people.ana,
        meetings=[
            MeetingAttended(meeting_id=home.pk),
            MeetingAttended(meeting_id=home.pk, attendance="online"),
            MeetingAttended(name="  Step   study "),
            MeetingAttended(name="step study"),
            MeetingAttended(name=""),
        ],
    )
    assert CheckInMeeting.objects.count() == 2
    assert CheckInMeeting.objects.get(meeting__isnull=True).name == "Step study"


def test_a_day_without_a_use_answer_stays_unknown_for_recovery_time(people):
    start_journal(people.ana, recovery_days=10)
    check_in(people.ana, 2, mood=3)  # use not answered
    days = summaries.days_of(people.ana)
    assert days.known == {}
    assert days.first_check_in == today_of(people.ana) - timedelta(days=2)


def test_recovery_time_survives_buprenorphine_taken_as_prescribed(people):
    profile = start_journal(people.ana, recovery_days=100)
    plan = buprenorphine(people.ana)
    for back in range(0, 30):
        check_in(
            people.ana, back, use_status="none", doses=[DoseReport(plan_id=plan.pk, status="taken")]
        )
    time = summaries.recovery_time_of(people.ana, profile, today_of(people.ana))
    assert time.days == 100


def test_buprenorphine_taken_other_than_prescribed_restarts_the_count(people):
    profile = start_journal(people.ana, recovery_days=100)
    check_in(people.ana, 10, use_status="used", misused_medication="buprenorphine")
    time = summaries.recovery_time_of(people.ana, profile, today_of(people.ana))
    assert time.days == 9
    assert time.previous[0].days == 90


def test_an_opioids_only_count_is_not_reset_by_alcohol(people):
    profile = start_journal(people.ana, recovery_days=100, scope="opioids")
    check_in(people.ana, 10, use_status="used", substances=["alcohol"], drinks=2)
    time = summaries.recovery_time_of(people.ana, profile, today_of(people.ana))
    assert time.days == 100

"""A journal with something of every kind in it, built through the actions, for the export tests."""

from __future__ import annotations

from homegroup.journal import actions
from homegroup.measures import bam
from tests.journal.journal_data import buprenorphine, check_in, meeting, start_journal

NOTE = "=Talked to Sam. Feeling hopeful, tired."
SECRET_OF_BEN = "Ben's own private words"


def full_journal(person):
    start_journal(person, recovery_days=120)
    plan = buprenorphine(person, since_days=120)
    home = meeting("Serenity Group", slug="serenity-export")
    actions.set_home_group(person=person, meeting=home)
    actions.update_sponsor_and_steps(
        person=person,
        sponsor_status="permanent",
        sponsor_name="Sam",
        sponsor_supports_medication="yes",
        steps_worked=[1, 2, 3],
    )
    actions.save_service_commitment(
        person=person, role="greeter", meeting=home, started_on=plan.active_from
    )
    actions.save_network_member(
        person=person, name="Rita", relationship="friend", contact=6, importance=5,
        recovery_support=5, in_fellowship=True, supports_medication="yes",
    )  # fmt: skip
    check_in(
        person,
        2,
        use_status="none",
        meetings=[
            actions.MeetingAttended(meeting_id=home.pk),
            actions.MeetingAttended(name="Tuesday online step study", attendance="online"),
        ],
        doses=[actions.DoseReport(plan_id=plan.pk, status="taken")],
        service=True,
        step_worked=4,
        craving=3,
        mood=4,
        note=NOTE,
    )
    check_in(
        person,
        1,
        use_status="used",
        substances=["opioids"],
        doses=[actions.DoseReport(plan_id=plan.pk, status="missed")],
        craving=8,
    )
    check_in(
        person,
        0,
        doses=[actions.DoseReport(plan_id=plan.pk, status="different_dose", dose_taken="8")],
    )
    answers = {key: 0 for key in bam.INSTRUMENT.keys} | {"14": 4, "2": 20, "3": 20, "6": 1, "7E": 1}
    actions.record_measure(person=person, instrument_id="bam", answers=answers)
    actions.record_measure(
        person=person, instrument_id="aai-core", answers={"meetings": 40, "steps": 3, "member": 1}
    )
    return plan, home

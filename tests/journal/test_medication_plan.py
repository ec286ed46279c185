"""journal.actions.save_medication_plan and delete_medication_plan."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from homegroup.audit.models import AuditEvent
from homegroup.journal import actions
from homegroup.journal.models import CheckInDose, MedicationPlan
from tests.journal.journal_data import buprenorphine, check_in, start_journal, today_of

pytestmark = pytest.mark.django_db


def test_a_plan_is_added_with_its_dose_and_schedule(people):
    start_journal(people.ana)
    plan = buprenorphine(people.ana, prescriber="Harbor Clinic")
    stored = MedicationPlan.objects.get(pk=plan.pk)
    assert (stored.medication, stored.dose, stored.dose_unit) == (
        "buprenorphine",
        Decimal("16.00"),
        "mg",
    )
    assert stored.due_weekdays == frozenset(range(7))
    assert stored.prescriber == "Harbor Clinic"
    assert AuditEvent.objects.filter(action="journal.medication_add").count() == 1


def test_a_plan_on_certain_weekdays_keeps_them_sorted(people):
    plan = buprenorphine(people.ana, schedule="weekdays", weekdays=[5, 1, 3, 3])
    assert plan.weekdays == [1, 3, 5]
    assert plan.schedule_label == "Monday, Wednesday, Friday"


def test_changing_nothing_writes_nothing(people):
    plan = buprenorphine(people.ana)
    actions.save_medication_plan(
        person=people.ana,
        plan=plan,
        medication="buprenorphine",
        dose="16",
        dose_unit="mg",
        schedule="daily",
        active_from=plan.active_from,
    )
    assert not AuditEvent.objects.filter(action="journal.medication_change").exists()


def test_ending_a_plan_keeps_it_and_its_history(people):
    start_journal(people.ana)
    plan = buprenorphine(people.ana)
    check_in(people.ana, 1, doses=[actions.DoseReport(plan_id=plan.pk, status="taken")])
    actions.save_medication_plan(
        person=people.ana,
        plan=plan,
        medication="buprenorphine",
        dose="16",
        active_from=plan.active_from,
        active_to=today_of(people.ana),
    )
    assert MedicationPlan.objects.active_on(today_of(people.ana) + timedelta(days=1)).count() == 0
    assert CheckInDose.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"medication": "heroin"}, "medication"),
        ({"medication": "other"}, "other_name"),
        ({"schedule": "weekdays", "weekdays": []}, "weekdays"),
        ({"schedule": "weekdays", "weekdays": [7]}, "weekdays"),
        ({"schedule": "weekdays", "weekdays": ["x"]}, "weekdays"),
        ({"dose": "-1"}, "dose"),
        ({"dose": "lots"}, "dose"),
        ({"dose": "NaN"}, "dose"),
        ({"dose_unit": "bottles"}, "dose_unit"),
        ({"prescriber": "x" * 121}, "prescriber"),
    ],
)
def test_bad_plans_are_refused(people, overrides, field):
    with pytest.raises(ValidationError) as refused:
        buprenorphine(people.ana, **overrides)
    assert field in refused.value.message_dict
    assert not MedicationPlan.objects.exists()


def test_the_plan_cannot_stop_before_it_started(people):
    with pytest.raises(ValidationError) as refused:
        buprenorphine(people.ana, active_to=today_of(people.ana) - timedelta(days=400))
    assert "active_to" in refused.value.message_dict


def test_an_other_medication_is_shown_by_its_name(people):
    plan = buprenorphine(people.ana, medication="other", other_name="Lofexidine")
    assert plan.label == "Lofexidine"


def test_deleting_a_plan_removes_its_dose_reports_and_is_audited(people):
    start_journal(people.ana)
    plan = buprenorphine(people.ana)
    check_in(people.ana, doses=[actions.DoseReport(plan_id=plan.pk, status="taken")])
    actions.delete_medication_plan(person=people.ana, plan=plan)
    assert not MedicationPlan.objects.exists()
    assert not CheckInDose.objects.exists()
    assert AuditEvent.objects.filter(action="journal.medication_delete").count() == 1


def test_a_plan_of_another_person_cannot_be_changed_through_the_action(people):
    plan = buprenorphine(people.ana)
    with pytest.raises(PermissionError):
        actions.delete_medication_plan(person=people.ben, plan=plan)

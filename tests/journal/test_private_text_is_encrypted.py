"""H-04 in the journal: the person's own words are ciphertext in a raw SQL read."""

import pytest
from django.db import connection

from homegroup.journal import actions
from homegroup.journal.models import (
    CheckIn,
    CheckInMeeting,
    MedicationPlan,
    NetworkMember,
    TwelveStepLife,
)
from tests.journal.journal_data import buprenorphine, check_in, start_journal

pytestmark = pytest.mark.django_db

CANARY = "canary: I used on Tuesday and told nobody"


def raw(model, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table}")
        return [row[0] for row in cursor.fetchall()]


def test_the_private_note_is_ciphertext_in_the_database_and_plain_in_python(people):
    start_journal(people.ana)
    check_in(people.ana, note=CANARY)
    [stored] = raw(CheckIn, "note")
    assert stored.startswith("hgenc1:")
    assert "canary" not in stored
    assert "Tuesday" not in stored
    assert CheckIn.objects.get().note == CANARY


def test_names_and_other_free_text_are_ciphertext_too(people):
    start_journal(people.ana)
    check_in(people.ana, meetings=[actions.MeetingAttended(name="Tuesday Canary Group")])
    buprenorphine(people.ana, prescriber="Canary Clinic")
    actions.update_sponsor_and_steps(
        person=people.ana,
        sponsor_status="permanent",
        sponsor_name="Canary",
        sponsor_supports_medication="yes",
        steps_worked=[],
    )
    actions.save_network_member(
        person=people.ana, name="Canary", relationship="friend", contact=1, importance=1
    )
    for model, column in [
        (CheckInMeeting, "name"),
        (MedicationPlan, "prescriber"),
        (TwelveStepLife, "sponsor_name"),
        (NetworkMember, "name"),
    ]:
        [stored] = raw(model, column)
        assert stored.startswith("hgenc1:"), (model, column)
        assert "Canary" not in stored

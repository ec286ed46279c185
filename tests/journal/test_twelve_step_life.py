"""Home group, usual meetings, sponsor, steps and service commitments."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from homegroup.audit.models import AuditEvent
from homegroup.journal import actions
from homegroup.journal.models import ServiceCommitment, TwelveStepLife
from tests.journal.journal_data import meeting, today_of

pytestmark = pytest.mark.django_db


def sponsor(person, name="Jo", **overrides):
    values = {
        "sponsor_status": "permanent",
        "sponsor_name": name,
        "sponsor_supports_medication": "yes",
        "steps_worked": [1, 2, 3],
    } | overrides
    return actions.update_sponsor_and_steps(person=person, **values)


def test_a_home_group_is_also_a_usual_meeting(people):
    home = meeting("Serenity Group")
    life = actions.set_home_group(person=people.ana, meeting=home)
    assert life.home_group == home
    assert list(life.usual_meetings.all()) == [home]
    assert AuditEvent.objects.filter(action="journal.home_group").count() == 1


def test_setting_the_same_home_group_again_writes_nothing(people):
    home = meeting()
    actions.set_home_group(person=people.ana, meeting=home)
    actions.set_home_group(person=people.ana, meeting=home)
    assert AuditEvent.objects.filter(action="journal.home_group").count() == 1


def test_taking_the_home_group_off_the_list_clears_it(people):
    home = meeting()
    actions.set_home_group(person=people.ana, meeting=home)
    life = actions.remove_usual_meeting(person=people.ana, meeting=home)
    assert life.home_group is None
    assert life.usual_meetings.count() == 0


def test_usual_meetings_are_added_once(people):
    one = meeting()
    actions.add_usual_meeting(person=people.ana, meeting=one)
    actions.add_usual_meeting(person=people.ana, meeting=one)
    assert TwelveStepLife.objects.get().usual_meetings.count() == 1
    assert AuditEvent.objects.filter(action="journal.usual_meeting_add").count() == 1


def test_a_directory_meeting_removed_later_leaves_the_home_group_set(people):
    home = meeting()
    actions.set_home_group(person=people.ana, meeting=home)
    from homegroup.directory import actions as directory_actions

    directory_actions.remove_meeting(meeting=home)
    assert TwelveStepLife.objects.get().home_group_id == home.pk


def test_sponsor_and_steps_are_saved(people):
    life = sponsor(people.ana, steps_worked=[3, 1, 2, 2])
    stored = TwelveStepLife.objects.get(pk=life.pk)
    assert (stored.sponsor_name, stored.sponsor_status, stored.steps_worked) == (
        "Jo",
        "permanent",
        [1, 2, 3],
    )
    assert stored.sponsor_supports_medication == "yes"


@pytest.mark.parametrize(
    "name",
    [
        "Jo Smith-Worthington III",  # 24 characters
        "jo@example.org",
        "Jo 555 0101",
        "call 5550101",
        "www.jo.example",
        "https://jo",
    ],
)
def test_a_sponsor_is_a_first_name_or_initials_only(people, name):
    with pytest.raises(ValidationError) as refused:
        sponsor(people.ana, name=name)
    assert "sponsor_name" in refused.value.message_dict


@pytest.mark.parametrize("name", ["Jo", "J.D.", "María José", ""])
def test_first_names_and_initials_are_fine(people, name):
    assert sponsor(people.ana, name=name).sponsor_name == name


@pytest.mark.parametrize("steps", [[0], [13], ["x"]])
def test_steps_are_1_to_12(people, steps):
    with pytest.raises(ValidationError):
        sponsor(people.ana, steps_worked=steps)


def test_a_service_commitment_is_added_changed_and_removed(people):
    home = meeting()
    today = today_of(people.ana)
    commitment = actions.save_service_commitment(
        person=people.ana, role="greeter", meeting=home, started_on=today - timedelta(days=30)
    )
    actions.save_service_commitment(
        person=people.ana,
        commitment=commitment,
        role="greeter",
        meeting=home,
        started_on=today - timedelta(days=30),
        ended_on=today,
    )
    assert ServiceCommitment.objects.get().ended_on == today
    assert ServiceCommitment.objects.current_on(today + timedelta(days=1)).count() == 0
    actions.delete_service_commitment(person=people.ana, commitment=commitment)
    assert not ServiceCommitment.objects.exists()
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="journal.service")] == [
        "journal.service_add",
        "journal.service_change",
        "journal.service_delete",
    ]


def test_a_service_commitment_ends_after_it_starts(people):
    today = today_of(people.ana)
    with pytest.raises(ValidationError) as refused:
        actions.save_service_commitment(
            person=people.ana,
            role="setup",
            started_on=today,
            ended_on=today - timedelta(days=1),
        )
    assert set(refused.value.message_dict) == {"ended_on"}

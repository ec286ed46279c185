"""journal.actions.save_network_member / remove_network_member and the daily snapshot."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from homegroup.audit.models import AuditEvent
from homegroup.journal import actions
from homegroup.journal.models import NetworkMember, NetworkSnapshot
from homegroup.measures.network import NetworkIndices

pytestmark = pytest.mark.django_db


def add(person, name="Sam", **overrides):
    values = {"name": name, "relationship": "friend", "contact": 6, "importance": 5} | overrides
    return actions.save_network_member(person=person, **values)


def test_a_member_is_added_and_todays_indices_are_frozen(people):
    add(people.ana, is_sponsor=True, supports_medication="yes", recovery_support=5)
    snapshot = NetworkSnapshot.objects.get(person=people.ana)
    indices = NetworkIndices.from_json(snapshot.indices)
    assert (indices.size, indices.daily, indices.supporters_of_medication) == (1, 1, 1)
    assert indices.sponsor_listed
    assert snapshot.version == "homegroup-2"
    assert AuditEvent.objects.filter(action="journal.network_add").count() == 1


def test_a_snapshot_keeps_the_coded_answers_it_was_scored_from_and_never_a_name(people):
    add(people.ana, "Rita", drinking_status=5, reaction_to_drug_use=1)
    snapshot = NetworkSnapshot.objects.get(person=people.ana)
    assert snapshot.answers == [
        {
            "relationship": "friend", "contact": 6, "importance": 5,
            "drinking_status": 5, "drinking_frequency": 0, "drug_status": 0, "drug_frequency": 0,
            "reaction_to_drinking": 0, "reaction_to_drug_use": 1, "recovery_support": 0,
            "in_fellowship": False, "is_sponsor": False, "supports_medication": "unknown",
        }
    ]  # fmt: skip
    assert "Rita" not in str(snapshot.answers)


def test_several_changes_on_one_day_keep_one_snapshot_for_that_day(people):
    add(people.ana, "Sam")
    add(people.ana, "Lee")
    assert NetworkSnapshot.objects.count() == 1
    assert NetworkIndices.from_json(NetworkSnapshot.objects.get().indices).size == 2


def test_a_change_on_a_later_day_keeps_the_earlier_snapshot(people):
    with time_machine.travel(datetime(2025, 3, 1, 15, tzinfo=UTC), tick=False):
        member = add(people.ana, "Sam", drinking_status=5)
    with time_machine.travel(datetime(2025, 3, 9, 15, tzinfo=UTC), tick=False):
        actions.remove_network_member(person=people.ana, member=member)
    sizes = [NetworkIndices.from_json(s.indices).size for s in NetworkSnapshot.objects.all()]
    assert sizes == [0, 1]  # newest first
    assert AuditEvent.objects.filter(action="journal.network_remove").count() == 1


def test_a_network_holds_up_to_12_people(people):
    for number in range(12):
        add(people.ana, f"P{chr(65 + number)}")
    with pytest.raises(ValidationError, match="up to 12"):
        add(people.ana, "Thirteen")
    assert NetworkMember.objects.count() == 12


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "Sam 555-0101"}, "name"),
        ({"name": "sam@example.org"}, "name"),
        ({"name": "S" * 21}, "name"),
        ({"relationship": "boss"}, "relationship"),
        ({"contact": 7}, "contact"),
        ({"importance": 0}, "importance"),
        ({"importance": True}, "importance"),
        ({"drinking_status": 6}, "drinking_status"),
        ({"reaction_to_drug_use": 9}, "reaction_to_drug_use"),
        ({"supports_medication": "maybe"}, "supports_medication"),
    ],
)
def test_bad_answers_are_refused(people, overrides, field):
    with pytest.raises(ValidationError) as refused:
        add(people.ana, **overrides)
    assert field in refused.value.message_dict
    assert not NetworkMember.objects.exists()
    assert not NetworkSnapshot.objects.exists()


def test_saving_an_unchanged_member_writes_nothing(people):
    member = add(people.ana)
    actions.save_network_member(
        person=people.ana, member=member, name="Sam", relationship="friend", contact=6, importance=5
    )
    assert not AuditEvent.objects.filter(action="journal.network_change").exists()


def test_the_snapshot_day_follows_the_persons_zone(people):
    with time_machine.travel(datetime(2025, 3, 2, 2, tzinfo=UTC), tick=False):
        add(people.ana)  # 1 March, 21:00 in New York
    assert NetworkSnapshot.objects.get().taken_on == datetime(2025, 3, 1).date()
    assert NetworkSnapshot.objects.before(datetime(2025, 3, 2).date()).count() == 1
    assert NetworkSnapshot.objects.before(datetime(2025, 3, 1).date()).count() == 0

"""P2-06: journal.disclosed reads another person's journal only through a disclosure, field by
field for check-ins, in a constant number of queries."""

import pytest

from homegroup.journal import disclosed
from homegroup.journal.models import CheckIn, NetworkMember
from homegroup.privacy import categories, gate, rules
from homegroup.privacy.models import Channel
from tests.journal.export_data import NOTE, full_journal
from tests.people import share_as_in_the_story

pytestmark = pytest.mark.django_db


def disclose(viewer, person, purpose=rules.TREATMENT):
    return gate.disclose(
        viewer=viewer,
        person=person,
        categories_requested=categories.ALL,
        channel=Channel.PAGE,
        purpose=purpose,
    )


def test_P2_06_withheld_check_in_fields_are_empty_and_cannot_be_lazy_loaded(
    people, django_assert_num_queries
):
    full_journal(people.ana)
    share_as_in_the_story(people)
    sams = disclose(people.sam, people.ana, rules.PERSONAL_SUPPORT)
    days = disclosed.check_ins(sams)
    stored = {day.date: day for day in CheckIn.objects.filter(person=people.ana)}
    assert any(day.service for day in days)  # meetings and activities are his
    with django_assert_num_queries(0):
        for day in days:
            assert day.get_deferred_fields() == set()
            assert (day.use_status, day.substances, day.craving, day.mood) == ("", [], None, None)
            assert day.note == ""
            assert list(day.doses.all()) == []
    assert any(stored[day.date].note == NOTE for day in days)


def test_P2_06_the_field_split_follows_the_categories_of_the_model(people):
    share_as_in_the_story(people)
    shown, withheld = disclosed.check_in_fields(
        disclose(people.sam, people.ana, "personal_support")
    )
    assert set(shown) == {
        name for name, c in CheckIn.FIELD_CATEGORIES.items() if c == "meetings_and_activities"
    }
    assert "note" in withheld
    assert "use_status" in withheld
    assert "craving" in withheld
    shown, withheld = disclosed.check_in_fields(disclose(people.cora, people.ana))
    assert withheld == ["note"]


def test_P2_06_a_denied_disclosure_reads_nothing(people, django_assert_num_queries):
    full_journal(people.ana)
    denied = disclose(people.dev, people.ana)
    assert not denied.allowed
    with django_assert_num_queries(0):
        assert disclosed.check_ins(denied) == []


def test_P2_06_the_important_peoples_names_are_never_gathered(people):
    full_journal(people.ana)
    share_as_in_the_story(people)
    data = disclosed.gather(disclose(people.cora, people.ana), people.ana)
    assert NetworkMember.objects.filter(person=people.ana).exists()
    assert data.members == []
    assert data.snapshots  # the indices travel instead


def test_P2_06_the_sponsor_gets_the_count_but_not_the_days_behind_it(people):
    full_journal(people.ana)
    share_as_in_the_story(people)
    record = disclosed.shared_record(
        disclose(people.sam, people.ana, "personal_support"), people.ana
    )
    assert record.recovery_time is not None
    assert record.recovery_time.last_use is not None  # opioid use yesterday restarted the count
    assert record.use_summary is None
    assert record.adherence == []
    assert record.measures == []
    assert record.network is None
    assert all(day.use is None and day.doses == [] for day in record.recent)


def test_P2_06_gather_refuses_a_disclosure_about_someone_else(people):
    share_as_in_the_story(people)
    with pytest.raises(ValueError, match="someone else"):
        disclosed.gather(disclose(people.cora, people.ana), people.ben)

"""journal.actions.update_profile and set_discreet_mode."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from homegroup.audit.models import AuditEvent
from homegroup.journal import actions
from homegroup.journal.models import JournalProfile
from tests.journal.journal_data import start_journal, today_of

pytestmark = pytest.mark.django_db


def test_the_profile_is_created_on_first_save_and_audited(people):
    profile = start_journal(people.ana, recovery_days=100, zone="America/Chicago", scope="opioids")
    stored = JournalProfile.objects.get(person=people.ana)
    assert stored.pk == profile.pk
    assert (stored.timezone, stored.count_scope) == ("America/Chicago", "opioids")
    assert stored.recovery_date == today_of(people.ana) - timedelta(days=100)
    assert AuditEvent.objects.filter(action="journal.profile_create").count() == 1


def test_saving_the_same_settings_again_writes_nothing(people):
    start_journal(people.ana)
    start_journal(people.ana)
    assert AuditEvent.objects.filter(action__startswith="journal.profile").count() == 1


@pytest.mark.parametrize(
    ("zone", "scope", "days", "field"),
    [
        ("Eastern", "all", 10, "timezone"),
        ("GMT-5", "all", 10, "timezone"),
        ("America/New_York", "everything", 10, "count_scope"),
        ("America/New_York", "all", -1, "recovery_date"),
    ],
)
def test_bad_settings_are_refused(people, zone, scope, days, field):
    with pytest.raises(ValidationError) as refused:
        actions.update_profile(
            person=people.ana,
            timezone_name=zone,
            recovery_date=JournalProfile().today() - timedelta(days=days),
            count_scope=scope,
        )
    assert field in refused.value.message_dict
    assert not JournalProfile.objects.exists()


def test_the_recovery_date_may_be_cleared(people):
    start_journal(people.ana)
    actions.update_profile(
        person=people.ana, timezone_name="America/New_York", recovery_date=None, count_scope="all"
    )
    assert JournalProfile.objects.get().recovery_date is None


def test_discreet_mode_is_a_flag_for_the_safety_pages(people):
    actions.set_discreet_mode(person=people.ana, on=True)
    actions.set_discreet_mode(person=people.ana, on=True)
    assert JournalProfile.objects.get().discreet_mode
    assert AuditEvent.objects.filter(action="journal.discreet_mode").count() == 1

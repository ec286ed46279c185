"""/journal/recovery/: recovery time, milestones, unknown days, kind lapse wording."""

import pytest

from homegroup.journal import actions
from tests.journal.journal_data import buprenorphine, check_in, start_journal

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(client_for, people):
    return client_for(people.ana)


def test_a_recovery_date_100_days_ago_is_day_101_with_the_medication_line(people, ana):
    start_journal(people.ana, recovery_days=100)
    plan = buprenorphine(people.ana)
    check_in(
        people.ana,
        0,
        use_status="none",
        doses=[actions.DoseReport(plan_id=plan.pk, status="taken")],
    )
    page = ana.get("/journal/recovery/").content.decode()
    assert "Day 101" in page  # the recovery date itself is Day 1
    assert "Taking your medication as prescribed never resets your recovery time." in page
    assert "Next:" in page
    assert "6 months" in page


def test_a_lapse_is_told_kindly_and_the_earlier_count_is_kept(people, ana):
    start_journal(people.ana, recovery_days=200)
    check_in(people.ana, 57, use_status="used", substances=["alcohol"], drinks=4)
    page = ana.get("/journal/recovery/").content.decode()
    assert "Day 57" in page
    assert "A lapse doesn't erase your 143 days. Your count restarted on" in page
    for unkind in ("relapse", "failed", "reset to zero", "addict"):
        assert unkind not in page.lower()


def test_unknown_days_are_counted_and_do_not_reset(people, ana):
    start_journal(people.ana, recovery_days=30)
    check_in(people.ana, 5, use_status="none")
    page = ana.get("/journal/recovery/").content.decode()
    assert "Day 31" in page
    assert "4 days of this count have no check-in" in page


def test_use_reported_today_says_the_new_count_starts_tomorrow(people, ana):
    start_journal(people.ana, recovery_days=30)
    check_in(people.ana, 0, use_status="used", substances=["opioids"])
    page = ana.get("/journal/recovery/").content.decode()
    assert "Your new count starts tomorrow" in page
    assert "your 30 days" in page


def test_a_newcomer_is_invited_to_enter_their_recovery_date(people, ana):
    page = ana.get("/journal/recovery/").content.decode()
    assert "your recovery date" in page
    assert "your recovery time from before you joined counts" in page
    assert 'href="/journal/settings/"' in page


def test_the_count_says_what_it_measures(people, ana):
    start_journal(people.ana, scope="opioids")
    assert "Opioids only" in ana.get("/journal/recovery/").content.decode()

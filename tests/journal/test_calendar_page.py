"""/journal/calendar/: a month of known and unknown days, each a link to fill it in."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from homegroup.journal import actions
from tests.journal.journal_data import check_in, meeting, start_journal

pytestmark = pytest.mark.django_db

# 15 June 2025, midday in New York.
NOW = datetime(2025, 6, 15, 16, 0, tzinfo=UTC)


@pytest.fixture
def ana(people, client_for):
    with time_machine.travel(NOW, tick=False):
        start_journal(people.ana)
        yield client_for(people.ana)


def test_checked_in_and_unknown_days_are_told_apart_in_words(people, ana):
    home = meeting()
    check_in(
        people.ana, 0, use_status="none", meetings=[actions.MeetingAttended(meeting_id=home.pk)]
    )
    check_in(people.ana, 3, use_status="none")
    page = ana.get("/journal/calendar/").content.decode()
    assert "June 2025" in page
    assert "checked in, 1 meeting" in page
    assert "checked in, filled in afterwards" in page
    assert page.count("not recorded</span>") == 13  # 1-14 June, one of them checked in
    assert "2 days checked in" in page
    assert 'href="/journal/2025-06-14/"' in page
    assert 'href="/journal/2025-06-16/"' not in page  # the future has no link
    assert "never counted as a day of use" in page


def test_earlier_months_can_be_shown_and_have_links(ana):
    page = ana.get("/journal/calendar/?month=2025-05").content.decode()
    assert "May 2025" in page
    assert "?month=2025-06" in page
    assert "?month=2025-04" in page
    assert 'href="/journal/2025-05-31/"' in page


def test_the_current_month_has_no_link_to_the_next(ana):
    assert "?month=2025-07" not in ana.get("/journal/calendar/").content.decode()


def test_a_future_month_is_not_found(ana):
    assert ana.get("/journal/calendar/?month=2025-07").status_code == 404


@pytest.mark.parametrize("bad", ["2025-13", "March", "2025-03-01", "0001-01"])
def test_a_malformed_month_is_a_bad_request(ana, bad):
    assert ana.get(f"/journal/calendar/?month={bad}").status_code == 400


def test_weeks_start_on_sunday(ana):
    page = ana.get("/journal/calendar/?month=2025-06").content.decode()
    # 1 June 2025 was a Sunday: the first cell of the first row is that day.
    first_row = page.split("<tbody>")[1].split("</tr>")[0]
    assert first_row.index('href="/journal/2025-06-01/"') < first_row.index(
        'href="/journal/2025-06-02/"'
    )
    assert "<td></td>" not in first_row
    assert date(2025, 6, 1).weekday() == 6

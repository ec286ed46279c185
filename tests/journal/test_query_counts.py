"""Every journal page and API answer makes a constant number of queries, whatever the history:
counted with 1 day of history, then with 200 days (and more plans, meetings, people and
questionnaires), and pinned."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from homegroup.journal import actions
from homegroup.measures import bam
from tests.journal.journal_data import buprenorphine, history, meeting, start_journal, today_of

pytestmark = pytest.mark.django_db

# Pins as measured: they include the session, the user and the audit row of the read (its id
# taken first, then its insert).
PAGES = {
    "/journal/": 10,  # 9, and the open tasks "From your counselor"
    # With the reception question's two reads (the answers given, a medication plan that day).
    "/journal/{yesterday}/": 14,
    # 10, what the counselor asks (open tasks, questionnaires asked for), and the program
    # consents that predate a kind of information (privacy/new_categories.py)
    "/": 13,
    "/journal/more/": 4,
    "/journal/setup/": 5,
    "/journal/setup/?step=3&q=Group": 8,
    # Opened without a month: the earliest missing day picks it (two reads more).
    "/journal/calendar/": 8,
    "/journal/calendar/?month={last_month}": 6,
    "/journal/recovery/": 6,
    "/journal/medication/": 7,
    "/journal/twelve-step/?q=Group": 8,
    "/journal/network/": 8,  # 7, and whether the care team asked for a look at it
    "/journal/measures/": 6,  # with the questionnaires the care team asked for
    "/journal/measures/bam/": 4,
    "/journal/settings/": 5,
    "/api/v1/me/checkins?from={long_ago}&to={today}": 8,
    "/api/v1/me/checkins/{yesterday}": 7,
    "/api/v1/me/summary": 10,
}


def grow(person, *, days, plans, meetings, members, responses, start_day=0):
    home = meeting(f"Home Group {start_day}")
    actions.set_home_group(person=person, meeting=home)
    for number in range(meetings):
        actions.add_usual_meeting(
            person=person, meeting=meeting(f"Usual Group {start_day}-{number}")
        )
    plan = None
    for _ in range(plans):
        plan = buprenorphine(person, since_days=400)
    for number in range(members):
        actions.save_network_member(
            person=person, name=f"P{chr(65 + start_day + number)}", relationship="friend",
            contact=6, importance=4,
        )  # fmt: skip
    for _ in range(responses):
        answers = {key: 0 for key in bam.INSTRUMENT.keys} | {"14": 4}
        actions.record_measure(person=person, instrument_id="bam", answers=answers)
    actions.save_service_commitment(
        person=person, role="greeter", meeting=home, started_on=today_of(person)
    )
    history(person, days, plan=plan, home=home)


def count(client, urls):
    counts = {}
    for template, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        counts[template] = len(queries)
    return counts


def test_each_page_makes_the_same_number_of_queries_for_1_or_200_days(
    people, client_for, django_assert_max_num_queries
):
    start_journal(people.ana, recovery_days=400)
    today = today_of(people.ana)
    values = {
        "yesterday": (today - timedelta(days=1)).isoformat(),
        "last_month": f"{(today.replace(day=1) - timedelta(days=1)):%Y-%m}",
        "long_ago": (today - timedelta(days=365)).isoformat(),
        "today": today.isoformat(),
    }
    urls = {template: template.format(**values) for template in PAGES}
    client = client_for(people.ana)
    grow(people.ana, days=1, plans=1, meetings=1, members=1, responses=1)
    small = count(client, urls)
    # 200 days more, three plans, nine usual meetings, 12 people, 11 questionnaires.
    grow(people.ana, days=200, plans=2, meetings=8, members=11, responses=10, start_day=1)
    large = count(client, urls)
    assert large == small
    for template, url in urls.items():
        with django_assert_max_num_queries(PAGES[template]):
            client.get(url)

"""/journal/progress/: week-by-week charts with summaries and table fallbacks, in a constant number
of queries whatever the history (1 day or 3 years)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from homegroup.journal import actions
from homegroup.journal.recovery import week_start
from homegroup.measures import bam
from tests.journal.journal_data import buprenorphine, check_in, meeting, start_journal, today_of
from tests.journal.progress_data import chart_data

pytestmark = pytest.mark.django_db

# session, user, profile, first day, days, plans, doses, BAM, network, audit (id, insert)
PROGRESS_QUERIES = 11
THREE_YEARS = 3 * 365


def bam_answers(**overrides):
    return {key: 0 for key in bam.INSTRUMENT.keys} | {"14": 4} | overrides


def build(person, days: int, *, plan=None, home=None) -> None:
    """`days` days of history ending yesterday: a meeting, a dose, no use, an activity."""
    for back in range(1, days + 1):
        check_in(
            person,
            back,
            use_status="none",
            meetings=[actions.MeetingAttended(meeting_id=home.pk)] if home else [],
            doses=[actions.DoseReport(plan_id=plan.pk, status="taken")] if plan else [],
            service=back % 2 == 0,
        )


def test_the_page_charts_meetings_days_and_doses_week_by_week(people, client_for):
    start_journal(people.ana, recovery_days=400)
    plan = buprenorphine(people.ana, since_days=400)
    home = meeting("Serenity Group")
    build(people.ana, 3, plan=plan, home=home)
    response = client_for(people.ana).get("/journal/progress/?weeks=12")
    assert response.status_code == 200
    data = chart_data(response)
    assert sum(data["meetings"]["values"]) == 3
    assert data["meetings"]["ninety"] == 7
    assert data["meetings"]["weekly"] == 1
    days = {series["key"]: sum(series["values"]) for series in data["days"]}
    assert days["ok"] == 3
    assert days["used"] == 0
    assert sum(data["doses"][0]["values"]) == 3  # taken as prescribed
    html = response.content.decode()
    assert "Meetings as a table" in html
    assert '<canvas id="chart-meetings"' in html
    assert "vendor/chart.umd.min.js" in html
    assert "journal/progress.js" in html
    # No inline script other than the JSON data (CSP is 'self').
    assert all(
        'type="application/json"' in tag for tag in re.findall(r"<script(?![^>]*src=)[^>]*>", html)
    )


def test_days_without_a_check_in_are_unknown_never_clean(people, client_for):
    start_journal(people.ana, recovery_days=30)
    check_in(people.ana, 10, use_status="none")
    check_in(people.ana, 3, use_status="used", substances=["alcohol"], drinks=2)
    data = chart_data(client_for(people.ana).get("/journal/progress/?weeks=12"))
    days = {series["key"]: sum(series["values"]) for series in data["days"]}
    assert days["ok"] == 1
    assert days["used"] == 1
    assert days["unknown"] > 0  # every other day of the window since the journal began


def test_percent_days_without_use_is_of_the_days_checked_in_with_the_coverage(people, client_for):
    start_journal(people.ana, recovery_days=60)
    # The journal began 5 days ago (6 days with today); 4 checked in: 3 without use, 1 with.
    for back, status in ((2, "none"), (3, "none"), (4, "none"), (5, "used")):
        values = {"substances": ["alcohol"]} if status == "used" else {}
        check_in(people.ana, back, use_status=status, **values)
    html = client_for(people.ana).get("/journal/progress/").content.decode()
    assert (
        "Days without use: 75.0 % of the days you checked in. "
        "You checked in on 4 of 6 days (66.7 %)."
    ) in " ".join(html.split())


def test_a_lapse_is_described_kindly(people, client_for):
    start_journal(people.ana, recovery_days=30)
    check_in(people.ana, 2, use_status="used", substances=["opioids"])
    html = client_for(people.ana).get("/journal/progress/").content.decode()
    assert "not a verdict" in html
    assert "relapse" not in html.lower()
    assert "failed" not in html.lower()


def test_weeks_before_the_journal_began_are_not_shown_as_unknown(people, client_for):
    start_journal(people.ana, recovery_days=10)
    data = chart_data(client_for(people.ana).get("/journal/progress/?weeks=156"))
    assert len(data["weeks"]) == 1  # the journal began this week


def test_bam_composites_and_network_changes_are_charted(people, client_for):
    start_journal(people.ana)
    actions.record_measure(
        person=people.ana, instrument_id="bam", answers=bam_answers(**{"2": 20, "3": 20})
    )
    actions.record_measure(person=people.ana, instrument_id="bam", answers=bam_answers())
    actions.save_network_member(
        person=people.ana, name="Rita", relationship="friend", contact=6, importance=5,
        recovery_support=5,
    )  # fmt: skip
    data = chart_data(client_for(people.ana).get("/journal/progress/"))
    assert next(series["label"] for series in data["bam"]["series"]).startswith("Use")
    assert {mark["value"] for mark in data["bam"]["marks"]} == {12, 1}
    assert data["network"]["series"][0]["values"] == [1]


def test_an_unknown_window_is_a_bad_request(people, client_for):
    assert client_for(people.ana).get("/journal/progress/?weeks=7").status_code == 400


def test_the_person_sees_only_their_own_progress(people, client_for):
    start_journal(people.ana)
    start_journal(people.ben)
    build(people.ana, 5, home=meeting())
    data = chart_data(client_for(people.ben).get("/journal/progress/"))
    assert sum(data["meetings"]["values"]) == 0


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_page_makes_the_same_number_of_queries_for_one_day_or_three_years(
    people, client_for, django_assert_max_num_queries
):
    start_journal(people.ana, recovery_days=THREE_YEARS + 30)
    plan = buprenorphine(people.ana, since_days=THREE_YEARS + 30)
    home = meeting("Home Group")
    client = client_for(people.ana)
    build(people.ana, 1, plan=plan, home=home)
    actions.record_measure(person=people.ana, instrument_id="bam", answers=bam_answers())
    actions.save_network_member(
        person=people.ana, name="Rita", relationship="friend", contact=6, importance=5
    )
    url = "/journal/progress/?weeks=156"
    one_day = count_queries(client, url)
    # Three years more: daily check-ins with a meeting and a dose, more plans and questionnaires.
    for back in range(2, THREE_YEARS + 1):
        check_in(
            people.ana,
            back,
            use_status="none",
            meetings=[actions.MeetingAttended(meeting_id=home.pk)],
            doses=[actions.DoseReport(plan_id=plan.pk, status="taken")],
        )
    buprenorphine(people.ana, since_days=200)
    for _ in range(5):
        actions.record_measure(person=people.ana, instrument_id="bam", answers=bam_answers())
    three_years = count_queries(client, url)
    assert three_years == one_day
    with django_assert_max_num_queries(PROGRESS_QUERIES):
        client.get(url)
    start = week_start(today_of(people.ana)) - timedelta(weeks=155)
    meetings = chart_data(client.get(url))["meetings"]["values"]
    assert len(meetings) == 156
    assert sum(meetings) == (today_of(people.ana) - start).days

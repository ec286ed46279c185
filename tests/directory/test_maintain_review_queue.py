"""The queue of MAT reports: pending ones listed (never who sent them), accepted or rejected, and
the meeting's level follows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from homegroup.audit.models import AuditEvent
from homegroup.directory import actions
from homegroup.directory.models import MatEvidence, Meeting
from tests.directory.maintain_data import REQUEST_QUERIES, listed_meeting

pytestmark = pytest.mark.django_db

QUEUE = reverse("maintain:reports")
# The count, the page with its meetings; the evidence by area: the region tree, meetings by
# region and level, reports waiting by region.
QUEUE_QUERIES = REQUEST_QUERIES + 5


def report(meeting, person, stance="welcoming", days_ago=3):
    return actions.report_mat_experience(
        meeting=meeting,
        reporter=person,
        stance=stance,
        observed_on=timezone.localdate() - timedelta(days=days_ago),
    )


def review(client, evidence, decision):
    return client.post(
        reverse("maintain:report-review", args=[evidence.pk]), {"decision": decision}
    )


def test_the_queue_lists_pending_reports_by_kind_stance_meeting_and_date(people, client_for):
    meeting = listed_meeting(people.max, name="Tuesday Night Hope")
    report(meeting, people.ana, "unwelcoming", days_ago=10)
    report(meeting, people.cora, "welcoming", days_ago=2)
    response = client_for(people.max).get(QUEUE)
    assert response.status_code == 200
    shown = [
        (evidence.get_kind_display(), evidence.stance, evidence.meeting.name)
        for evidence in response.context["page"]
    ]
    assert shown == [
        ("a report from a person in recovery", "unwelcoming", "Tuesday Night Hope"),
        ("a report from a clinician", "welcoming", "Tuesday Night Hope"),
    ]
    html = response.content.decode()
    assert "not welcoming to people on medication" in html
    date = (timezone.localdate() - timedelta(days=10)).strftime("%-d %b %Y")
    assert date in html


def test_the_queue_never_shows_who_sent_a_report(people, client_for):
    meeting = listed_meeting(people.max)
    evidence = report(meeting, people.ana)
    html = client_for(people.max).get(QUEUE).content.decode()
    for identifying in ("Ana", people.ana.email, evidence.reporter_key, f"user {people.ana.pk}"):
        assert identifying not in html


def test_accepting_a_welcoming_report_raises_the_meetings_level(people, client_for):
    meeting = listed_meeting(people.max)
    assert meeting.mat_level == "unknown"
    evidence = report(meeting, people.ana)
    response = review(client_for(people.max), evidence, "accept")
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert (evidence.review_status, evidence.reviewed_by_id) == ("accepted", people.max.pk)
    assert Meeting.objects.get().mat_level == "reported_welcoming"
    assert AuditEvent.objects.filter(
        action="directory.mat_report_reviewed", actor_id=people.max.pk
    ).exists()


def test_accepting_an_unwelcoming_report_lowers_the_meetings_level(people, client_for):
    meeting = listed_meeting(people.max)
    evidence = report(meeting, people.cora, "unwelcoming")
    review(client_for(people.max), evidence, "accept")
    assert Meeting.objects.get().mat_level == "reported_unwelcoming"


def test_a_rejected_report_leaves_the_queue_and_never_counts(people, client_for):
    meeting = listed_meeting(people.max)
    evidence = report(meeting, people.ana, "unwelcoming")
    client = client_for(people.max)
    response = review(client, evidence, "reject")
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert evidence.review_status == "rejected"
    assert Meeting.objects.get().mat_level == "unknown"
    assert list(client.get(QUEUE).context["page"]) == []


def test_a_report_reviewed_twice_keeps_the_first_decision(people, client_for):
    evidence = report(listed_meeting(people.max), people.ana)
    client = client_for(people.max)
    review(client, evidence, "accept")
    response = review(client, evidence, "reject")
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert evidence.review_status == "accepted"


def test_a_decision_that_is_neither_accept_nor_reject_answers_400(people, client_for):
    evidence = report(listed_meeting(people.max), people.ana)
    response = review(client_for(people.max), evidence, "maybe")
    assert response.status_code == 400
    evidence.refresh_from_db()
    assert evidence.review_status == "pending"


@pytest.mark.parametrize("name", ["ana", "cora", "pat", "sam"])
def test_nobody_else_reviews_a_report(people, client_for, name):
    evidence = report(listed_meeting(people.max), people.ana)
    assert review(client_for(getattr(people, name)), evidence, "accept").status_code == 403
    evidence.refresh_from_db()
    assert evidence.review_status == "pending"


def count_queries(client):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(QUEUE).status_code == 200
    return len(captured)


def test_the_queue_costs_the_same_queries_for_one_report_or_many(
    people, client_for, django_assert_max_num_queries
):
    client = client_for(people.max)
    report(listed_meeting(people.max, name="First"), people.ana)
    few = count_queries(client)
    for n in range(12):
        meeting = listed_meeting(people.max, name=f"Meeting {n}")
        report(meeting, people.ana)
        report(meeting, people.cora, "unwelcoming")
    assert MatEvidence.objects.awaiting_review().count() == 25
    assert count_queries(client) == few
    with django_assert_max_num_queries(QUEUE_QUERIES):
        client.get(QUEUE)


def test_the_meetings_with_the_most_reports_waiting_come_first(people, client_for):
    one = listed_meeting(people.max, name="One report")
    two = listed_meeting(people.max, name="Two reports")
    report(one, people.ana)
    report(two, people.ana)
    report(two, people.cora, "unwelcoming")
    page = client_for(people.max).get(QUEUE).content.decode()
    assert page.index("Two reports") < page.index("One report")
    assert "2 waiting · 0 counted" in page


def test_a_reports_note_is_shown_to_the_maintainer(people, client_for):
    meeting = listed_meeting(people.max, name="Tuesday Night Hope")
    actions.report_mat_experience(
        meeting=meeting,
        reporter=people.ana,
        stance="welcoming",
        observed_on=timezone.localdate(),
        note="The secretary said everyone is welcome.",
    )
    page = client_for(people.max).get(QUEUE).content.decode()
    assert "Note: “The secretary said everyone is welcome.”" in page


def test_the_page_says_how_much_evidence_exists_by_area(people, client_for):
    meeting = listed_meeting(people.max, name="Tuesday Night Hope")
    listed_meeting(people.max, name="Nobody reported")
    report(meeting, people.ana)
    page = client_for(people.max).get(QUEUE).content.decode()
    assert "How much evidence exists" in page
    assert "Whole directory" in page
    assert "<td>2</td>" in page  # two meetings
    assert "<td>0 (0 %)</td>" in page  # none with evidence yet: the report still waits

"""The maintainer's page for a group's own statement about medication (and their own check):
recorded through the form, counted at once, shown on the meeting's page, withdrawn if wrong."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from homegroup.audit.models import AuditEvent
from homegroup.directory.models import MatEvidence, MatLevel, Meeting
from tests.directory.maintain_data import REQUEST_QUERIES, import_records, mg_record

pytestmark = pytest.mark.django_db

STATEMENT = "The group's business meeting agreed: members on methadone or buprenorphine share."


def page(slug: str = "hope") -> str:
    return reverse("maintain:meeting-medication", args=[slug])


def statement(**overrides: str) -> dict[str, str]:
    data = {
        "kind": "publisher_statement",
        "stance": "welcoming",
        "summary": STATEMENT,
        "observed_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
    }
    data.update(overrides)
    return data


@pytest.fixture
def hope() -> Meeting:
    import_records("metro", [mg_record("hope")])
    return Meeting.objects.get(slug="hope")


def test_max_records_the_groups_own_statement_and_the_meeting_is_confirmed(
    people, client_for, client, hope
):
    response = client_for(people.max).post(page(), statement())
    assert response.status_code == 302
    evidence = MatEvidence.objects.get(meeting=hope)
    assert (evidence.kind, evidence.stance, evidence.summary, evidence.review_status) == (
        "publisher_statement",
        "welcoming",
        STATEMENT,
        "accepted",
    )
    hope.refresh_from_db()
    assert hope.mat_level == MatLevel.CONFIRMED_WELCOMING
    public = client.get(reverse("directory:meeting", args=["hope"])).content.decode()
    assert "the group&#x27;s or publisher&#x27;s own statement" in public.lower()
    assert "members on methadone or buprenorphine share" in public
    event = AuditEvent.objects.get(action="directory.mat_evidence_added")
    assert event.actor_id == people.max.pk


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"observed_on": "2999-01-01"}, "That date is in the future."),
        ({"summary": "   "}, "This field is required."),
        ({"kind": "member_report"}, "Select a valid choice."),
    ],
)
def test_a_statement_that_cannot_count_is_refused_and_changes_nothing(
    people, client_for, hope, overrides, message
):
    response = client_for(people.max).post(page(), statement(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not MatEvidence.objects.exists()


def test_a_statement_recorded_in_error_is_withdrawn_from_the_page(people, client_for, hope):
    client = client_for(people.max)
    client.post(page(), statement())
    evidence = MatEvidence.objects.get()
    listing = client.get(page()).content.decode()
    assert reverse("maintain:evidence-withdraw", args=["hope", evidence.pk]) in listing
    client.post(reverse("maintain:evidence-withdraw", args=["hope", evidence.pk]))
    assert not MatEvidence.objects.exists()
    hope.refresh_from_db()
    assert hope.mat_level == MatLevel.UNKNOWN


def test_evidence_from_the_feed_is_listed_but_not_withdrawn_by_hand(people, client_for):
    import_records("metro", [mg_record("hope", types=["O", "MOUD"])])
    listing = client_for(people.max).get(page()).content.decode()
    assert "from the source's feed" in listing
    assert "/withdraw/" not in listing


def test_only_a_maintainer_records_statements(people, client_for, hope):
    for person in (people.cora, people.ana):
        assert client_for(person).post(page(), statement()).status_code == 403
    assert not MatEvidence.objects.exists()


def test_the_page_costs_the_same_queries_however_much_evidence(
    people, client_for, hope, django_assert_max_num_queries
):
    client = client_for(people.max)
    for n in range(5):
        client.post(page(), statement(summary=f"Statement {n}"))
    with django_assert_max_num_queries(REQUEST_QUERIES + 2):  # the meeting, its evidence
        client.get(page())

"""The MAT report form: people in recovery and clinicians say how a meeting treated people on
medication; anonymous, counted once per person, reviewed before it counts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from homegroup.accounts.models import User
from homegroup.directory import actions
from homegroup.directory.models import MatEvidence, Meeting
from tests.directory.maintain_data import listed_meeting

pytestmark = pytest.mark.django_db


def report_url(meeting):
    return reverse("directory:report-mat", args=[meeting.slug])


def days_ago(days):
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def test_the_form_explains_that_a_report_is_anonymous_and_reviewed(people, client_for):
    meeting = listed_meeting(people.max, name="Tuesday Night Hope")
    response = client_for(people.ana).get(report_url(meeting))
    assert response.status_code == 200
    html = response.content.decode()
    for promise in (
        "Were you welcome on your medication at Tuesday Night Hope?",
        "I was welcome on my medication",
        "I was told not to share or was asked to stop my medication",
        "It is anonymous",
        "It counts once per person for this meeting",
        "never linked to your journal",
        "A directory maintainer reviews it before it counts.",
    ):
        assert promise in html


def test_ana_reports_a_welcome_which_waits_for_review(people, client_for):
    meeting = listed_meeting(people.max)
    response = client_for(people.ana).post(
        report_url(meeting), {"stance": "welcoming", "observed_on": days_ago(2)}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:meeting", args=[meeting.slug])
    evidence = MatEvidence.objects.get()
    assert (evidence.kind, evidence.stance, evidence.review_status) == (
        "member_report",
        "welcoming",
        "pending",
    )
    assert evidence.observed_at.date() == timezone.localdate() - timedelta(days=2)
    assert Meeting.objects.get().mat_level == "unknown"  # not before a maintainer accepts it


def test_a_report_keeps_no_link_to_the_person(people, client_for):
    meeting = listed_meeting(people.max)
    client_for(people.ana).post(
        report_url(meeting), {"stance": "unwelcoming", "observed_on": days_ago(1)}
    )
    evidence = MatEvidence.objects.get()
    assert [f.name for f in MatEvidence._meta.get_fields() if f.related_model is User] == []
    assert evidence.reviewed_by_id is None
    stored = " ".join(str(value) for value in evidence.__dict__.values())
    for identifying in (people.ana.email, "Ana"):
        assert identifying not in stored
    assert evidence.reporter_key == actions.reporter_key(
        user_id=people.ana.pk, meeting_id=meeting.pk
    )


def test_a_clinicians_report_is_a_clinician_report(people, client_for):
    meeting = listed_meeting(people.max)
    client_for(people.cora).post(
        report_url(meeting), {"stance": "welcoming", "observed_on": days_ago(0)}
    )
    assert MatEvidence.objects.get().kind == "clinician_report"


def test_a_second_report_by_the_same_person_replaces_the_first(people, client_for):
    meeting = listed_meeting(people.max)
    client = client_for(people.ana)
    client.post(report_url(meeting), {"stance": "welcoming", "observed_on": days_ago(30)})
    client.post(report_url(meeting), {"stance": "unwelcoming", "observed_on": days_ago(1)})
    evidence = MatEvidence.objects.get()
    assert evidence.stance == "unwelcoming"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"stance": "welcoming", "observed_on": days_ago(-3)}, "observed_on"),
        ({"stance": "welcoming", "observed_on": days_ago(6 * 365)}, "observed_on"),
        ({"stance": "welcoming", "observed_on": "yesterday"}, "observed_on"),
        ({"stance": "maybe", "observed_on": days_ago(1)}, "stance"),
        ({"observed_on": days_ago(1)}, "stance"),
    ],
)
def test_a_report_that_cannot_be_used_answers_400_and_stores_nothing(
    people, client_for, data, field
):
    meeting = listed_meeting(people.max)
    response = client_for(people.ana).post(report_url(meeting), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not MatEvidence.objects.exists()


@pytest.mark.parametrize("name", ["sam", "max", "pat"])
def test_people_who_are_neither_in_recovery_nor_clinicians_cannot_report(people, client_for, name):
    meeting = listed_meeting(people.max)
    client = client_for(getattr(people, name))
    assert client.get(report_url(meeting)).status_code == 403
    response = client.post(report_url(meeting), {"stance": "welcoming", "observed_on": days_ago(1)})
    assert response.status_code == 403
    assert not MatEvidence.objects.exists()


def test_signing_in_comes_first(people, client_for):
    meeting = listed_meeting(people.max)
    response = client_for(None).get(report_url(meeting))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_a_removed_meeting_takes_no_report(people, client_for):
    meeting = listed_meeting(people.max)
    actions.remove_meeting_by_maintainer(meeting=meeting, actor=people.max)
    assert client_for(people.ana).get(report_url(meeting)).status_code == 404


def test_the_report_page_costs_a_constant_number_of_queries(
    people, client_for, django_assert_max_num_queries
):
    meeting = listed_meeting(people.max)
    for n in range(5):
        listed_meeting(people.max, name=f"Other {n}")
    client = client_for(people.ana)
    # A person in recovery's request reads the session and the user (no staff session policy,
    # no second factor), then the page reads the meeting.
    with django_assert_max_num_queries(3):
        assert client.get(report_url(meeting)).status_code == 200


def test_the_meeting_page_links_to_the_report_for_those_who_may_send_one(people, client_for):
    meeting = listed_meeting(people.max)
    page = reverse("directory:meeting", args=[meeting.slug])
    for person in (None, people.ana, people.cora):
        assert report_url(meeting) in client_for(person).get(page).content.decode()
    for person in (people.sam, people.max):
        assert report_url(meeting) not in client_for(person).get(page).content.decode()

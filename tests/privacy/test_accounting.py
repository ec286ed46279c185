"""P2-08: the person's accounting of disclosures, on a page and in the API, any window ≤ 3 years."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from homegroup.privacy import actions, gate, rules
from homegroup.privacy.models import Channel
from tests.people import share_as_in_the_story

pytestmark = pytest.mark.django_db

PAGE = "/privacy/accounting/"


def look(viewer, person, purpose=rules.TREATMENT, requested=frozenset({"medication"})):
    return gate.disclose(
        viewer=viewer,
        person=person,
        categories_requested=requested,
        channel=Channel.PAGE,
        purpose=purpose,
    )


def test_P2_08_the_accounting_shows_who_saw_what_when_and_under_which_consent(client_for, people):
    story = share_as_in_the_story(people)
    look(people.cora, people.ana)
    look(people.sam, people.ana, rules.PERSONAL_SUPPORT, frozenset({"recovery_time"}))
    look(people.dev, people.ana)  # denied: nothing to account for
    response = client_for(people.ana).get(PAGE)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(r.recipient, r.what) for r in rows] == [
        ("Sam", ["Recovery time and milestones"]),
        ("Cora", ["Medication and how it was taken"]),
    ]
    assert rows[1].program == "Eastside Recovery Program"
    assert rows[1].consent_id == story.program_consent.pk
    assert rows[0].purpose == "support in my recovery"
    body = response.content.decode()
    assert f"consent {story.sam_consent.pk}" in body
    assert not re.search(r"\bDev\b", body)  # a word, not letters of a random token


def test_P2_08_ben_sees_none_of_anas_disclosures(client_for, people):
    share_as_in_the_story(people)
    look(people.cora, people.ana)
    assert client_for(people.ben).get(PAGE).context["rows"] == []


def test_P2_08_break_glass_disclosures_are_accounted_as_emergency_access(client_for, people):
    actions.open_break_glass(
        clinician=people.dev,
        person_id=people.ana.pk,
        reason="Ana is unwell at the clinic and cannot tell me her dose.",
    )
    assert look(people.dev, people.ana).allowed
    body = client_for(people.ana).get(PAGE).content.decode()
    assert "emergency access" in body
    assert "Dev" in body


def test_P2_08_any_window_up_to_three_years_and_no_longer(client_for, people):
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=2 * 365)):
        share_as_in_the_story(people)
        assert look(people.cora, people.ana).allowed
    ana = client_for(people.ana)
    today = now.date()
    three_years = today - timedelta(days=3 * 365)
    found = ana.get(PAGE, {"from": three_years.isoformat(), "to": today.isoformat()})
    assert found.status_code == 200
    assert len(found.context["rows"]) == 1
    assert ana.get(PAGE).context["rows"] == []  # the default window is the last 90 days
    too_long = ana.get(PAGE, {"from": (three_years - timedelta(days=2)).isoformat()})
    assert too_long.status_code == 400
    assert "at most 3 years" in too_long.content.decode()
    backwards = ana.get(PAGE, {"from": today.isoformat(), "to": three_years.isoformat()})
    assert backwards.status_code == 400
    assert ana.get(PAGE, {"from": "not-a-date"}).status_code == 400


def test_P2_08_the_api_gives_the_same_accounting(client_for, people):
    story = share_as_in_the_story(people)
    look(people.cora, people.ana)
    ana = client_for(people.ana)
    rows = ana.get("/api/v1/me/disclosures").json()
    assert len(rows) == 1
    assert rows[0]["recipient"] == "Cora"
    assert rows[0]["consent_id"] == story.program_consent.pk
    assert rows[0]["categories"] == ["Medication and how it was taken"]
    too_long = ana.get("/api/v1/me/disclosures", {"from": "2020-01-01", "to": "2026-01-01"})
    assert too_long.status_code == 400
    assert too_long.json()["details"][0]["loc"] == ["query", "from"]
    assert ana.get("/api/v1/me/disclosures", {"from": "soon"}).status_code == 400


def test_P2_08_my_consents_are_listed_in_the_api(client_for, people):
    story = share_as_in_the_story(people)
    consents = client_for(people.ana).get("/api/v1/me/consents").json()
    assert {c["id"] for c in consents} == {story.program_consent.pk, story.sam_consent.pk}
    assert all(c["status"] == "active" for c in consents)
    assert client_for(people.ben).get("/api/v1/me/consents").json() == []


def test_P2_08_the_accounting_page_makes_a_constant_number_of_queries(
    client_for, people, django_assert_max_num_queries
):
    share_as_in_the_story(people)
    for _ in range(20):
        look(people.cora, people.ana)
        look(people.sam, people.ana, rules.PERSONAL_SUPPORT, frozenset({"recovery_time"}))
    ana = client_for(people.ana)
    with django_assert_max_num_queries(10):
        assert len(ana.get(PAGE).context["rows"]) == 40

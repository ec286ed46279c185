"""/journal/audit/: who looked at my record — the audit rows about the person, newest first, the
actor shown as "you", by name for their care team and the people they share with, and by number
for anyone else; paginated, in a constant number of queries."""

from __future__ import annotations

import re

import pytest

from homegroup.audit import actions as audit
from homegroup.audit.models import AuditEvent
from homegroup.privacy import gate
from tests.journal.journal_data import check_in, start_journal
from tests.people import share_as_in_the_story

pytestmark = pytest.mark.django_db

# session, user, this visit (its id, its insert), count, page, shares, care team, roles, zone
AUDIT_PAGE_QUERIES = 11  # and the programs of staff outside the care team


def rows(response) -> list[str]:
    body = response.content.decode()
    table = body[body.index("<tbody>") : body.index("</tbody>")]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in table.split("<tr>")[1:]
    ]


def test_the_person_sees_who_looked_by_role_and_name(people, client_for):
    start_journal(people.ana)
    share_as_in_the_story(people)
    for viewer in (people.cora, people.sam):
        disclosure = gate.disclose(
            viewer=viewer,
            person=people.ana,
            categories_requested={"meetings_and_activities"},
            channel="page",
            purpose="treatment" if viewer == people.cora else "personal_support",
        )
        assert disclosure.allowed
    audit.record(action="journal.read", actor_id=people.max.pk, subject_id=people.ana.pk)
    response = client_for(people.ana).get("/journal/audit/")
    assert response.status_code == 200
    found = rows(response)
    assert any("Your clinician Cora" in row and "saw what you share" in row for row in found)
    assert any("Sam, whom you share with" in row for row in found)
    assert any("A staff member of Homegroup" in row for row in found)
    assert any(row.startswith(tuple("0123456789JFMASOND")) and "You" in row for row in found)
    assert "Max" not in " ".join(found)
    # This visit itself is listed first.
    assert "looked at this list" in found[0]


def test_ben_sees_nothing_of_anas(people, client_for):
    start_journal(people.ana)
    check_in(people.ana, 1, use_status="none")
    share_as_in_the_story(people)
    client_for(people.ana).get("/journal/recovery/")
    response = client_for(people.ben).get("/journal/audit/")
    found = " ".join(rows(response))
    assert "Cora" not in found
    assert "Sam" not in found
    assert "recorded a day" not in found
    assert "your recovery time" not in found


def test_the_list_is_paginated_newest_first(people, client_for):
    for number in range(60):
        audit.record(
            action="journal.read", actor_id=people.ana.pk, subject_id=people.ana.pk,
            object_type="calendar", object_id=str(number),
        )  # fmt: skip
    client = client_for(people.ana)
    first = client.get("/journal/audit/")
    assert len(rows(first)) == 50
    assert "Page 1 of 2" in first.content.decode()
    second = client.get("/journal/audit/?page=2")
    total = AuditEvent.objects.about(people.ana.pk).count()  # with the two visits of this page
    assert len(rows(second)) == total - 50
    # Newest first: this visit, the sign-in of this client, then the 48 latest of the 60.
    assert sum("looked at your calendar" in row for row in rows(first)) == 48
    assert client.get("/journal/audit/?page=9").status_code == 404


def test_the_page_makes_a_constant_number_of_queries(
    people, client_for, django_assert_max_num_queries
):
    share_as_in_the_story(people)
    client = client_for(people.ana)
    for actor in (people.cora, people.dev, people.max, people.pat, people.sam):
        for _ in range(10):
            audit.record(action="journal.read", actor_id=actor.pk, subject_id=people.ana.pk)
    with django_assert_max_num_queries(AUDIT_PAGE_QUERIES):
        assert client.get("/journal/audit/").status_code == 200


def test_staff_outside_the_care_team_are_named_by_their_program_never_by_number(people, client_for):
    start_journal(people.ana)
    share_as_in_the_story(people)
    audit.record(action="journal.read", actor_id=people.dev.pk, subject_id=people.ana.pk)
    found = " ".join(rows(client_for(people.ana).get("/journal/audit/")))
    assert "A clinician of" in found
    assert f"id {people.dev.pk}" not in found
    assert "Dev" not in found


def test_a_refused_attempt_reads_tried_to_open_your_record_it_was_refused(people, client_for):
    start_journal(people.ana)
    audit.record(
        action="care.counseling_notes_read",
        actor_id=people.dev.pk,
        subject_id=people.ana.pk,
        outcome="denied",
    )
    found = rows(client_for(people.ana).get("/journal/audit/"))
    refused = next(row for row in found if "refused" in row)
    assert "tried to open your record — it was refused" in refused
    assert "counseling_notes_read" not in refused


def test_times_on_the_audit_page_are_the_persons_local_time(people, client_for):
    start_journal(people.ana, zone="America/Los_Angeles")
    page = client_for(people.ana).get("/journal/audit/").content.decode()
    assert "Times are your local time (Los Angeles)." in page

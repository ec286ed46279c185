"""H-04 in the journal: the person's own words are ciphertext in a raw SQL read, bound to their
row (issue 9, item 3): ciphertext moved to another row or column in SQL reads as "This entry
cannot be read." on every page, API answer and export, is logged, and never shows anyone else's
words."""

import json
import logging

import pytest
from django.db import connection

from homegroup.journal import actions
from homegroup.journal.models import (
    CheckIn,
    CheckInMeeting,
    MedicationPlan,
    NetworkMember,
    TwelveStepLife,
)
from tests.journal.journal_data import buprenorphine, check_in, start_journal

pytestmark = pytest.mark.django_db

CANARY = "canary: I used on Tuesday and told nobody"


def raw(model, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table}")
        return [row[0] for row in cursor.fetchall()]


def test_the_private_note_is_ciphertext_in_the_database_and_plain_in_python(people):
    start_journal(people.ana)
    check_in(people.ana, note=CANARY)
    [stored] = raw(CheckIn, "note")
    assert stored.startswith("hgenc2:")
    assert "canary" not in stored
    assert "Tuesday" not in stored
    assert CheckIn.objects.get().note == CANARY


def test_names_and_other_free_text_are_ciphertext_too(people):
    start_journal(people.ana)
    check_in(people.ana, meetings=[actions.MeetingAttended(name="Tuesday Canary Group")])
    buprenorphine(people.ana, prescriber="Canary Clinic")
    actions.update_sponsor_and_steps(
        person=people.ana,
        sponsor_status="permanent",
        sponsor_name="Canary",
        sponsor_supports_medication="yes",
        steps_worked=[],
    )
    actions.save_network_member(
        person=people.ana, name="Canary", relationship="friend", contact=1, importance=1
    )
    for model, column in [
        (CheckInMeeting, "name"),
        (MedicationPlan, "prescriber"),
        (TwelveStepLife, "sponsor_name"),
        (NetworkMember, "name"),
    ]:
        [stored] = raw(model, column)
        assert stored.startswith("hgenc2:"), (model, column)
        assert "Canary" not in stored


UNREADABLE = "This entry cannot be read."
ANAS_WORDS = "Ana-canary: relapsed on Friday, told nobody"


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def assert_logged_without_content(caplog, table, column, row_id):
    logged = [r.getMessage() for r in caplog.records if "integrity error" in r.getMessage()]
    assert any(f"{table}.{column} of row {row_id}" in line for line in logged), logged
    assert ANAS_WORDS not in caplog.text
    assert "Friday" not in caplog.text


def test_anas_note_copied_into_bens_check_in_in_sql_is_never_shown_to_ben(
    people, client_for, caplog
):
    caplog.set_level(logging.ERROR)
    start_journal(people.ana)
    start_journal(people.ben)
    anas = check_in(people.ana, use_status="none", note=ANAS_WORDS).check_in
    bens = check_in(people.ben, use_status="none", note="my own day").check_in
    # The attack: someone with write access to the database, but no key, moves Ana's
    # note into Ben's row so that Ben's own API would decrypt it for him.
    sql(
        "UPDATE journal_checkin SET note = (SELECT note FROM journal_checkin WHERE id = %s) "
        "WHERE id = %s",
        [anas.pk, bens.pk],
    )
    ben = client_for(people.ben)
    answer = ben.get(f"/api/v1/me/checkins/{bens.date}")
    assert answer.status_code == 200
    assert answer.json()["note"] == UNREADABLE
    listed = ben.get("/api/v1/me/checkins")
    assert listed.status_code == 200
    assert [day["note"] for day in listed.json()] == [UNREADABLE]
    page = ben.get(f"/journal/{bens.date}/")
    assert page.status_code == 200
    assert UNREADABLE in page.content.decode()
    for export_format in ("json", "csv", "fhir"):
        download = ben.get(f"/journal/data/download/{export_format}/")
        assert download.status_code == 200, export_format
        assert b"Ana-canary" not in download.content
    exported = json.loads(ben.get("/journal/data/download/json/").content)
    assert exported["check_ins"][0]["private_note"] == UNREADABLE
    for response in (answer, listed, page):
        assert "Ana-canary" not in response.content.decode()
    assert_logged_without_content(caplog, "journal_checkin", "note", bens.pk)
    # Ana's own note still reads, where it belongs.
    assert CheckIn.objects.get(pk=anas.pk).note == ANAS_WORDS


def test_a_note_moved_to_another_day_of_the_same_person_cannot_be_read(people, caplog):
    start_journal(people.ana)
    monday = check_in(people.ana, days_ago=1, use_status="none", note=ANAS_WORDS).check_in
    tuesday = check_in(people.ana, use_status="none", note="a quiet day").check_in
    sql(
        "UPDATE journal_checkin SET note = (SELECT note FROM journal_checkin WHERE id = %s) "
        "WHERE id = %s",
        [monday.pk, tuesday.pk],
    )
    assert CheckIn.objects.get(pk=tuesday.pk).note == UNREADABLE


def test_a_whole_check_in_moved_to_another_person_shows_none_of_its_words(people, client_for):
    start_journal(people.ana)
    start_journal(people.ben)
    day = check_in(
        people.ana,
        use_status="none",
        note=ANAS_WORDS,
        meetings=[actions.MeetingAttended(name="Ana-canary Thursday group")],
    ).check_in
    sql("UPDATE journal_checkin SET person_id = %s WHERE id = %s", [people.ben.pk, day.pk])
    answer = client_for(people.ben).get(f"/api/v1/me/checkins/{day.date}")
    assert answer.status_code == 200
    assert answer.json()["note"] == UNREADABLE
    assert [m["name"] for m in answer.json()["meetings"]] == [UNREADABLE]
    assert "Ana-canary" not in answer.content.decode()


def test_a_value_copied_from_another_column_cannot_be_read(people):
    start_journal(people.ana)
    day = check_in(people.ana, use_status="none", note=ANAS_WORDS).check_in
    actions.update_sponsor_and_steps(
        person=people.ana,
        sponsor_status="permanent",
        sponsor_name="Sam",
        sponsor_supports_medication="yes",
        steps_worked=[],
    )
    sql(
        "UPDATE journal_twelvesteplife SET sponsor_name = "
        "(SELECT note FROM journal_checkin WHERE id = %s) WHERE person_id = %s",
        [day.pk, people.ana.pk],
    )
    assert TwelveStepLife.objects.get(person=people.ana).sponsor_name == UNREADABLE


def test_saving_a_day_whose_note_cannot_be_read_keeps_the_stored_value(people):
    start_journal(people.ana)
    start_journal(people.ben)
    anas = check_in(people.ana, use_status="none", note=ANAS_WORDS).check_in
    bens = check_in(people.ben, use_status="none").check_in
    sql(
        "UPDATE journal_checkin SET note = (SELECT note FROM journal_checkin WHERE id = %s) "
        "WHERE id = %s",
        [anas.pk, bens.pk],
    )
    moved = raw_note_of(bens)
    # Ben changes his mood and sends the day back as he saw it: his note is not re-encrypted
    # from the message, and the moved ciphertext never becomes readable for him.
    check_in(people.ben, use_status="none", mood=4, note=UNREADABLE)
    assert raw_note_of(bens) == moved
    assert CheckIn.objects.get(pk=bens.pk).note == UNREADABLE
    assert CheckIn.objects.get(pk=bens.pk).mood == 4


def raw_note_of(day):
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM journal_checkin WHERE id = %s", [day.pk])
        return cursor.fetchone()[0]
